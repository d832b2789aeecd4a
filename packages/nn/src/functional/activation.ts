import { checkOptions, type Tensor, ValueError, where } from '@nn/tensor';
import { GELU_KEYS, SOFTPLUS_KEYS } from '../utils/option-keys';

// Constants of SELU (Klambauer et al. 2017), as PyTorch.
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/** max(0, x). */
export function relu(x: Tensor): Tensor {
  return x.relu();
}

/** x for x > 0, `negativeSlope * x` otherwise (default slope 0.01). */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  return where(x.gt(0), x, x.mul(negativeSlope));
}

/** x for x > 0, `alpha * (exp(x) - 1)` otherwise. */
export function elu(x: Tensor, alpha = 1): Tensor {
  return where(x.gt(0), x, x.expm1().mul(alpha));
}

/** `scale * elu(x, alpha)` with the self-normalising constants of SELU. */
export function selu(x: Tensor): Tensor {
  return elu(x, SELU_ALPHA).mul(SELU_SCALE);
}

/** How GELU is computed: exactly with erf (`'none'`, the default) or with PyTorch's tanh approximation. */
export type GeluApproximate = 'none' | 'tanh';

/** Gaussian error linear unit: `x * Phi(x)`, exact or with the tanh approximation. */
export function gelu(x: Tensor, options: { approximate?: GeluApproximate } = {}): Tensor {
  checkOptions('gelu', options, GELU_KEYS);
  const approximate = options.approximate ?? 'none';
  if (approximate === 'none') return x.mul(x.mul(Math.SQRT1_2).erf().add(1)).mul(0.5);
  if (approximate === 'tanh') {
    const inner = x.add(x.pow(3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
    return x.mul(inner.tanh().add(1)).mul(0.5);
  }
  throw new ValueError('gelu', `approximate must be 'none' or 'tanh', got '${String(approximate)}'`);
}

/** `x * sigmoid(x)` (a.k.a. swish). */
export function silu(x: Tensor): Tensor {
  return x.mul(x.sigmoid());
}

/** Options of {@link softplus}. */
export interface SoftplusOptions {
  /** Sharpness: larger values approach ReLU (default 1). */
  beta?: number;
  /** Above `beta * x > threshold` the result is x itself, for numerical stability (default 20). */
  threshold?: number;
}

/** `log(1 + exp(beta * x)) / beta`, linear (x) where `beta * x > threshold` for numerical stability. */
export function softplus(x: Tensor, options: SoftplusOptions = {}): Tensor {
  checkOptions('softplus', options, SOFTPLUS_KEYS);
  const beta = options.beta ?? 1;
  const threshold = options.threshold ?? 20;
  const scaled = x.mul(beta);
  // Clamped so the branch `where` discards never overflows (its gradient would be 0 * inf = NaN).
  const smooth = scaled.clamp(undefined, threshold).exp().log1p().div(beta);
  return where(scaled.gt(threshold), x, smooth);
}

/** `x * tanh(softplus(x))`. */
export function mish(x: Tensor): Tensor {
  return x.mul(softplus(x).tanh());
}

/** 1 / (1 + exp(-x)). */
export function sigmoid(x: Tensor): Tensor {
  return x.sigmoid();
}

/** Hyperbolic tangent. */
export function tanh(x: Tensor): Tensor {
  return x.tanh();
}

/**
 * x clamped to [minVal, maxVal] (defaults -1, 1). Its gradient is 1 strictly inside the bounds and 0 at and
 * beyond them, as PyTorch's hardtanh (clamp's gradient is 1 at the bounds).
 */
export function hardtanh(x: Tensor, minVal = -1, maxVal = 1): Tensor {
  if (minVal > maxVal) {
    throw new ValueError('hardtanh', `min_val (${minVal}) cannot be greater than max_val (${maxVal})`);
  }
  const inside = x.gt(minVal).logicalAnd(x.lt(maxVal));
  return where(inside, x, x.clamp(minVal, maxVal).detach());
}

/** `min(max(x, 0), 6)`. */
export function relu6(x: Tensor): Tensor {
  return hardtanh(x, 0, 6);
}

/**
 * x for x > 0, `weight * x` otherwise, with one learnable slope per channel (dim 1) or one shared slope.
 */
export function prelu(x: Tensor, weight: Tensor): Tensor {
  const n = weight.numel();
  const channels = x.ndim >= 2 ? x.shape[1]! : 1;
  if (n !== 1 && n !== channels) {
    throw new ValueError(
      'prelu',
      `mismatch of parameter numbers and input channel size: weight has ${n} elements but input shape ` +
        `[${x.shape.join(',')}] has ${channels} channels (dim 1); use numParameters 1 or ${channels}`,
    );
  }
  const slope =
    n === 1 || x.ndim < 2 ? weight.reshape([]) : weight.reshape([n, ...Array(x.ndim - 2).fill(1)]);
  return where(x.gt(0), x, x.mul(slope));
}
