// The elementwise activations of torch.nn.functional that are kernels of their own (one pass, PyTorch's
// gradients at the kinks). @nn/nn's `F` and layers build on these; Tensor has a method for each.
import { ValueError } from '../kernel/errors';
import type { Tensor } from '../tensor';
import { elementwise, elementwiseInplace } from './elementwise';

/** A parameter as PyTorch's kernel sees it: cast to the tensor's dtype (0.1 compares as 0.1f in float32). */
const asDtype = (x: Tensor, v: number): number => (x.dtype === 'float32' ? Math.fround(v) : v);

/** `x` clamped to [minVal, maxVal]; the gradient is 0 at and beyond the bounds (torch's hardtanh). */
export function hardtanh(x: Tensor, minVal = -1, maxVal = 1): Tensor {
  return elementwise('hardtanh', [x], asDtype(x, minVal), asDtype(x, maxVal));
}

/** In-place {@link hardtanh}. */
export function hardtanh_(x: Tensor, minVal = -1, maxVal = 1): Tensor {
  return elementwiseInplace('hardtanh', x, [], asDtype(x, minVal), asDtype(x, maxVal));
}

/** `x` where `x > threshold`, else `value` (torch.threshold); the gradient is 0 where replaced. */
export function threshold(x: Tensor, threshold: number, value: number): Tensor {
  return elementwise('threshold', [x], asDtype(x, threshold), asDtype(x, value));
}

/** In-place {@link threshold}. */
export function threshold_(x: Tensor, threshold: number, value: number): Tensor {
  return elementwiseInplace('threshold', x, [], asDtype(x, threshold), asDtype(x, value));
}

/** `x * relu6(x + 3) / 6` (Howard et al. 2019). */
export function hardswish(x: Tensor): Tensor {
  return elementwise('hardswish', [x]);
}

/** In-place {@link hardswish}. */
export function hardswish_(x: Tensor): Tensor {
  return elementwiseInplace('hardswish', x, []);
}

/** `relu6(x + 3) / 6`, a piecewise-linear sigmoid. */
export function hardsigmoid(x: Tensor): Tensor {
  return elementwise('hardsigmoid', [x]);
}

/** In-place {@link hardsigmoid}. */
export function hardsigmoid_(x: Tensor): Tensor {
  return elementwiseInplace('hardsigmoid', x, []);
}

/** `x / (1 + |x|)`. */
export function softsign(x: Tensor): Tensor {
  return elementwise('softsign', [x]);
}

/** `x - tanh(x)`. */
export function tanhshrink(x: Tensor): Tensor {
  return elementwise('tanhshrink', [x]);
}

function checkCeluAlpha(alpha: number): void {
  if (alpha === 0) throw new ValueError('celu', 'ZeroDivisionError: alpha cannot be 0 for CELU');
}

/** `max(0, x) + min(0, alpha * (exp(x / alpha) - 1))` (Barron 2017); alpha must not be 0. */
export function celu(x: Tensor, alpha = 1): Tensor {
  checkCeluAlpha(alpha);
  return elementwise('celu', [x], alpha);
}

/** In-place {@link celu}. */
export function celu_(x: Tensor, alpha = 1): Tensor {
  checkCeluAlpha(alpha);
  return elementwiseInplace('celu', x, [], alpha);
}

/** `x` above 0, `negativeSlope * x` otherwise (F.leaky_relu, slope 0.01); the gradient at 0 is the slope. */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  return elementwise('leakyRelu', [x], asDtype(x, negativeSlope));
}

/** In-place {@link leakyRelu}. */
export function leakyRelu_(x: Tensor, negativeSlope = 0.01): Tensor {
  return elementwiseInplace('leakyRelu', x, [], asDtype(x, negativeSlope));
}

/** `x` above 0, `alpha * (exp(x) - 1)` otherwise (F.elu, alpha 1), computed as PyTorch does. */
export function elu(x: Tensor, alpha = 1): Tensor {
  return elementwise('elu', [x], asDtype(x, alpha));
}

/** In-place {@link elu}. */
export function elu_(x: Tensor, alpha = 1): Tensor {
  return elementwiseInplace('elu', x, [], asDtype(x, alpha));
}

/**
 * `scale * elu(x, alpha)` with SELU's self-normalising constants (Klambauer et al. 2017; F.selu), one
 * kernel computing as PyTorch's does.
 */
export function selu(x: Tensor): Tensor {
  return elementwise('selu', [x]);
}

/** In-place {@link selu}. */
export function selu_(x: Tensor): Tensor {
  return elementwiseInplace('selu', x, []);
}

/** How GELU is computed: exactly with erf (`'none'`, the default) or with PyTorch's tanh approximation. */
export type GeluApproximate = 'none' | 'tanh';

/**
 * Gaussian error linear unit `x * Phi(x)` (Hendrycks & Gimpel 2016), Phi the standard normal CDF, one
 * kernel; `'tanh'` is PyTorch's approximation `0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))`.
 */
export function gelu(x: Tensor, approximate: GeluApproximate = 'none'): Tensor {
  if (approximate !== 'none' && approximate !== 'tanh') {
    throw new ValueError('gelu', `approximate must be 'none' or 'tanh', got '${String(approximate)}'`);
  }
  return elementwise('gelu', [x], approximate === 'tanh' ? 1 : 0);
}

/** 0 for `-lambd <= x <= lambd`, else `x` (torch.hardshrink, lambd 0.5). */
export function hardshrink(x: Tensor, lambd = 0.5): Tensor {
  return elementwise('hardshrink', [x], asDtype(x, lambd));
}

/** `x - lambd` above `lambd`, `x + lambd` below `-lambd`, 0 between (lambd 0.5, at least 0). */
export function softshrink(x: Tensor, lambd = 0.5): Tensor {
  if (!(lambd >= 0)) {
    throw new ValueError('softshrink', `lambda must be greater or equal to 0, but found to be ${lambd}`);
  }
  return elementwise('softshrink', [x], asDtype(x, lambd));
}

/** `log(sigmoid(x))`, computed stably (finite for any finite x). */
export function logsigmoid(x: Tensor): Tensor {
  return elementwise('logsigmoid', [x]);
}

/** `x * sigmoid(x)` (swish). */
export function silu(x: Tensor): Tensor {
  return elementwise('silu', [x]);
}

/** In-place {@link silu}. */
export function silu_(x: Tensor): Tensor {
  return elementwiseInplace('silu', x, []);
}

/**
 * `log(1 + exp(beta * x)) / beta`, and `x` itself where `beta * x > threshold` (F.softplus, beta 1,
 * threshold 20), one kernel computing as PyTorch's: `beta * x` is rounded to the input's dtype first.
 */
export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  return elementwise('softplus', [x], asDtype(x, beta), asDtype(x, threshold));
}

/** `x * tanh(softplus(x))` (Misra 2019). */
export function mish(x: Tensor): Tensor {
  return elementwise('mish', [x]);
}

/** In-place {@link mish}. */
export function mish_(x: Tensor): Tensor {
  return elementwiseInplace('mish', x, []);
}
