import {
  checkOptions,
  DTypeError,
  type Generator,
  isFloating,
  rand,
  ShapeError,
  type Tensor,
  tensor,
  ValueError,
  where,
} from '@nn/tensor';
import { GELU_KEYS, INPLACE_KEYS, RRELU_KEYS, SOFTPLUS_KEYS } from '../utils/option-keys';
import { softmax } from './softmax';

/** max(0, x). */
export function relu(x: Tensor): Tensor {
  return x.relu();
}

/** x for x > 0, `alpha * (exp(x) - 1)` otherwise, one kernel computing as PyTorch does. */
export function elu(x: Tensor, alpha = 1, options: InplaceOptions = {}): Tensor {
  return maybeInplace(
    'elu',
    options,
    () => x.elu(alpha),
    () => x.elu_(alpha),
  );
}

/** `scale * elu(x, alpha)` with the self-normalising constants of SELU, one kernel computing as PyTorch does. */
export function selu(x: Tensor, options: InplaceOptions = {}): Tensor {
  return maybeInplace(
    'selu',
    options,
    () => x.selu(),
    () => x.selu_(),
  );
}

/** How GELU is computed: exactly with erf (`'none'`, the default) or with PyTorch's tanh approximation. */
export type GeluApproximate = 'none' | 'tanh';

/** Gaussian error linear unit: `x * Phi(x)`, exact or with the tanh approximation, one kernel. */
export function gelu(x: Tensor, options: { approximate?: GeluApproximate } = {}): Tensor {
  checkOptions('gelu', options, GELU_KEYS);
  return x.gelu(options.approximate ?? 'none');
}

/**
 * The `inplace` option of the activations that have it, as PyTorch's: the result is written into the
 * input's memory and the input itself is returned, saving an allocation. Autograd allows it where PyTorch
 * does (not on a leaf that requires grad); the input's old values are saved for backward when needed.
 */
export interface InplaceOptions {
  /** Overwrite the input with the result and return it (default false). */
  inplace?: boolean;
}

/** Runs the out-of-place or the in-place form, after checking the options. */
function maybeInplace(
  op: string,
  options: InplaceOptions,
  outOfPlace: () => Tensor,
  inplace: () => Tensor,
): Tensor {
  checkOptions(op, options, INPLACE_KEYS);
  return options.inplace ? inplace() : outOfPlace();
}

/** `x * sigmoid(x)` (a.k.a. swish), one kernel. */
export function silu(x: Tensor, options: InplaceOptions = {}): Tensor {
  return maybeInplace(
    'silu',
    options,
    () => x.silu(),
    () => x.silu_(),
  );
}

/** Options of {@link softplus}. */
export interface SoftplusOptions {
  /** Sharpness: larger values approach ReLU (default 1). */
  beta?: number;
  /** Above `beta * x > threshold` the result is x itself, for numerical stability (default 20). */
  threshold?: number;
}

/**
 * `log(1 + exp(beta * x)) / beta`, linear (x) where `beta * x > threshold` for numerical stability; one
 * kernel, its gradient PyTorch's softplus_backward.
 */
export function softplus(x: Tensor, options: SoftplusOptions = {}): Tensor {
  checkOptions('softplus', options, SOFTPLUS_KEYS);
  return x.softplus(options.beta ?? 1, options.threshold ?? 20);
}

/** x for x > 0, `negativeSlope * x` otherwise (default slope 0.01), one kernel; its gradient at 0 is the slope. */
export function leakyRelu(x: Tensor, negativeSlope = 0.01, options: InplaceOptions = {}): Tensor {
  return maybeInplace(
    'leakyRelu',
    options,
    () => x.leakyRelu(negativeSlope),
    () => x.leakyRelu_(negativeSlope),
  );
}

/** `x * tanh(softplus(x))`, one kernel. */
export function mish(x: Tensor, options: InplaceOptions = {}): Tensor {
  return maybeInplace(
    'mish',
    options,
    () => x.mish(),
    () => x.mish_(),
  );
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
export function hardtanh(x: Tensor, minVal = -1, maxVal = 1, options: InplaceOptions = {}): Tensor {
  if (minVal > maxVal) {
    throw new ValueError('hardtanh', `min_val (${minVal}) cannot be greater than max_val (${maxVal})`);
  }
  return maybeInplace(
    'hardtanh',
    options,
    () => x.hardtanh(minVal, maxVal),
    () => x.hardtanh_(minVal, maxVal),
  );
}

/** `min(max(x, 0), 6)`: hardtanh on [0, 6], so the gradient is 0 at 0 and at 6 (as PyTorch). */
export function relu6(x: Tensor, options: InplaceOptions = {}): Tensor {
  return maybeInplace(
    'relu6',
    options,
    () => x.hardtanh(0, 6),
    () => x.hardtanh_(0, 6),
  );
}

/**
 * `x * relu6(x + 3) / 6` (MobileNetV3). Gradient as PyTorch's: -1/2 at -3, 1 from 3 up.
 */
export function hardswish(x: Tensor, options: InplaceOptions = {}): Tensor {
  return maybeInplace(
    'hardswish',
    options,
    () => x.hardswish(),
    () => x.hardswish_(),
  );
}

/** `relu6(x + 3) / 6`; the gradient is 1/6 strictly inside (-3, 3), else 0. */
export function hardsigmoid(x: Tensor, options: InplaceOptions = {}): Tensor {
  return maybeInplace(
    'hardsigmoid',
    options,
    () => x.hardsigmoid(),
    () => x.hardsigmoid_(),
  );
}

/** `x` where `x > threshold`, else `value` (`F.threshold`); the gradient is 0 where replaced. */
export function threshold(x: Tensor, threshold: number, value: number, options: InplaceOptions = {}): Tensor {
  return maybeInplace(
    'threshold',
    options,
    () => x.threshold(threshold, value),
    () => x.threshold_(threshold, value),
  );
}

/** `x` for x > 0, `alpha * (exp(x / alpha) - 1)` otherwise (default alpha 1, which must not be 0). */
export function celu(x: Tensor, alpha = 1, options: InplaceOptions = {}): Tensor {
  return maybeInplace(
    'celu',
    options,
    () => x.celu(alpha),
    () => x.celu_(alpha),
  );
}

/** `log(sigmoid(x))` computed stably: `logsigmoid(-100)` is -100, not -Infinity. */
export function logsigmoid(x: Tensor): Tensor {
  return x.logsigmoid();
}

/** `x / (1 + |x|)`. */
export function softsign(x: Tensor): Tensor {
  return x.softsign();
}

/** `x - tanh(x)`. */
export function tanhshrink(x: Tensor): Tensor {
  return x.tanhshrink();
}

/** 0 for `-lambd <= x <= lambd`, `x` elsewhere (default lambd 0.5). */
export function hardshrink(x: Tensor, lambd = 0.5): Tensor {
  return x.hardshrink(lambd);
}

/** `x - lambd` above `lambd`, `x + lambd` below `-lambd`, 0 between (default 0.5; must be >= 0). */
export function softshrink(x: Tensor, lambd = 0.5): Tensor {
  return x.softshrink(lambd);
}

/**
 * Gated linear unit (`F.glu`): `x` split in two halves `a`, `b` along `dim` (default -1, which must have
 * an even size), `a * sigmoid(b)`.
 */
export function glu(x: Tensor, dim = -1): Tensor {
  if (x.ndim === 0) {
    throw new ShapeError('glu', 'glu does not support scalars because halving size must be even');
  }
  const axis = dim < 0 ? dim + x.ndim : dim;
  const size = x.shape[axis];
  if (size === undefined || axis < 0) {
    throw new ShapeError('glu', `dim ${dim} is out of range for an input of shape [${x.shape.join(',')}]`);
  }
  if (size % 2 !== 0) {
    throw new ShapeError(
      'glu',
      `Halving dimension must be even, but dimension ${axis} is size ${size} (input [${x.shape.join(',')}])`,
    );
  }
  const [a, b] = x.chunk(2, axis) as [Tensor, Tensor];
  return a.mul(b.sigmoid());
}

/** `softmax(-x)` along `dim` (`F.softmin`). */
export function softmin(x: Tensor, dim: number): Tensor {
  return softmax(x.neg(), dim);
}

/** Options of {@link rrelu}. */
export interface RReLUOptions extends InplaceOptions {
  /** Lower bound of the random negative slope (default 1/8). */
  lower?: number;
  /** Upper bound of the random negative slope (default 1/3). */
  upper?: number;
  /** Draw a slope per element (training) or use `(lower + upper) / 2` (default false, as `F.rrelu`). */
  training?: boolean;
  /** Draw the slopes from this generator instead of the default one. */
  generator?: Generator;
}

/**
 * Randomized leaky ReLU (`F.rrelu`, Xu et al. 2015): in training every element `x <= 0` is multiplied by its
 * own slope drawn uniformly from [lower, upper]; otherwise the slope is `(lower + upper) / 2` for `x < 0`
 * (leaky ReLU). The gradient is the slope used.
 */
export function rrelu(x: Tensor, options: RReLUOptions = {}): Tensor {
  checkOptions('rrelu', options, RRELU_KEYS);
  if (!isFloating(x.dtype)) {
    throw new DTypeError('rrelu', `rrelu is only implemented for floating-point tensors, got ${x.dtype}`);
  }
  const lower = options.lower ?? 1 / 8;
  const upper = options.upper ?? 1 / 3;
  if (!(lower <= upper)) {
    throw new ValueError('rrelu', `lower bound ${lower} must be less than or equal to upper bound ${upper}`);
  }
  let slope: Tensor;
  if (options.training) {
    const draws = rand(x.shape, {
      dtype: x.dtype,
      device: x.device,
      ...(options.generator ? { generator: options.generator } : {}),
    });
    slope = where(x.le(0), draws.mul(upper - lower).add(lower), 1);
  } else {
    const negative = tensor((lower + upper) / 2, { dtype: x.dtype, device: x.device });
    slope = where(x.gt(0), 1, negative);
  }
  return options.inplace ? x.mul_(slope) : x.mul(slope);
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
