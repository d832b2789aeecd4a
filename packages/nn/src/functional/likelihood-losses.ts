// Negative log-likelihoods of Gaussian and Poisson targets, as PyTorch 1.13 computes them.
import { broadcastShapes, checkOptions, ShapeError, type Tensor, ValueError, where } from '@nn/tensor';
import { GAUSSIAN_NLL_KEYS, POISSON_NLL_KEYS } from '../utils/option-keys';
import type { ReductionOptions } from './loss';
import { reduce } from './reduction';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** Throws a ShapeError naming `op` unless the shapes broadcast together. */
function checkBroadcast(op: string, names: string, ...tensors: Tensor[]): void {
  try {
    broadcastShapes(op, ...tensors.map((t) => t.shape));
  } catch (error) {
    throw new ShapeError(
      op,
      `${names} must broadcast together, got ${tensors.map((t) => `[${t.shape.join(',')}]`).join(', ')}`,
      { cause: error },
    );
  }
}

/** Options of {@link gaussianNllLoss}. */
export interface GaussianNllOptions extends ReductionOptions {
  /** Add the constant `0.5 * log(2 pi)` (default false). */
  full?: boolean;
  /** Variances below it are clamped to it, for stability; the gradient still reaches `var` (default 1e-6). */
  eps?: number;
}

/**
 * Gaussian negative log-likelihood `0.5 * (log(max(var, eps)) + (input - target)^2 / max(var, eps))`
 * (`F.gaussian_nll_loss`). `variance` has the input's shape (one variance per value), or lacks its last dim
 * or has size 1 there (one variance per sample, homoscedastic); it must be non-negative.
 */
export function gaussianNllLoss(
  input: Tensor,
  target: Tensor,
  variance: Tensor,
  options: GaussianNllOptions = {},
): Tensor {
  const op = 'gaussianNllLoss';
  checkOptions(op, options, GAUSSIAN_NLL_KEYS);
  const { full = false, eps = 1e-6 } = options;
  let v = variance;
  const same = (a: readonly number[], b: readonly number[]) =>
    a.length === b.length && a.every((d, i) => d === b[i]);
  if (!same(v.shape, input.shape)) {
    const lead = input.shape.slice(0, -1);
    if (same(lead, v.shape)) v = v.unsqueeze(-1);
    else if (!(same(lead, v.shape.slice(0, -1)) && v.shape[v.ndim - 1] === 1)) {
      throw new ShapeError(
        op,
        `var is of incorrect size: [${v.shape.join(',')}] for input [${input.shape.join(',')}]; use the input's ` +
          'shape, or it without (or with size 1 in) the last dim',
      );
    }
  }
  checkBroadcast(op, 'input and target', input, target);
  // As PyTorch (on the CPU, where the values can be read without a device round trip).
  if (v.device === 'cpu' && v.numel() > 0 && Number(v.amin().item()) < 0) {
    throw new ValueError(op, 'var has negative entry/entries');
  }
  // Clamped without recording (torch clamps under no_grad): the value is max(var, eps), the gradient
  // reaches var unmasked.
  const clamped = v.add(v.clamp(eps).sub(v).detach());
  let loss = clamped.log().add(input.sub(target).square().div(clamped)).mul(0.5);
  if (full) loss = loss.add(HALF_LOG_2PI);
  return reduce(op, loss, options.reduction);
}

/** Options of {@link poissonNllLoss}. */
export interface PoissonNllOptions extends ReductionOptions {
  /** `input` is the log of the rate (default true): the loss is `exp(input) - target * input`. */
  logInput?: boolean;
  /** Add Stirling's approximation of `log(target!)` where target > 1 (default false). */
  full?: boolean;
  /** Added to the rate inside the log when `logInput` is false (default 1e-8). */
  eps?: number;
}

/**
 * Poisson negative log-likelihood (`F.poisson_nll_loss`): `exp(input) - target * input` for a log rate,
 * `input - target * log(input + eps)` for a rate; `full` adds `target * log(target) - target +
 * 0.5 * log(2 pi target)` where target > 1.
 */
export function poissonNllLoss(input: Tensor, target: Tensor, options: PoissonNllOptions = {}): Tensor {
  const op = 'poissonNllLoss';
  checkOptions(op, options, POISSON_NLL_KEYS);
  const { logInput = true, full = false, eps = 1e-8 } = options;
  checkBroadcast(op, 'input and target', input, target);
  let loss = logInput ? input.exp().sub(target.mul(input)) : input.sub(target.mul(input.add(eps).log()));
  if (full) {
    const stirling = target
      .mul(target.log())
      .sub(target)
      .add(
        target
          .mul(2 * Math.PI)
          .log()
          .mul(0.5),
      );
    loss = loss.add(where(target.le(1), 0, stirling));
  }
  return reduce(op, loss, options.reduction);
}
