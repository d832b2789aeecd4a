import { checkOptions, type Generator, rand, type Tensor, ValueError } from '@nn/tensor';
import { DROPOUT_KEYS } from '../utils/option-keys';

/** Options of the dropout functions. */
export interface DropoutOptions {
  /** Draw the mask from this generator instead of the default one. */
  generator?: Generator;
}

function checkP(op: string, p: number): void {
  if (!(p >= 0 && p <= 1)) {
    throw new ValueError(op, `dropout probability has to be between 0 and 1, but got ${p}`);
  }
}

/**
 * Keeps each element with probability `1 - p`, scaled by `1 / (1 - p)`, zeroing the rest; the identity
 * when `training` is false (as `F.dropout(x, p, training)`).
 */
export function dropout(x: Tensor, p = 0.5, training = true, options: DropoutOptions = {}): Tensor {
  checkOptions('dropout', options, DROPOUT_KEYS);
  checkP('dropout', p);
  return masked(x, x.shape, p, training, options);
}

/**
 * Zeroes whole channels: each `(sample, channel)` plane of an `[N, C, ...]` (or `[C, ...]`) input is kept
 * with probability `1 - p` and scaled by `1 / (1 - p)` (as `F.dropout2d`).
 */
export function dropout2d(x: Tensor, p = 0.5, training = true, options: DropoutOptions = {}): Tensor {
  checkOptions('dropout2d', options, DROPOUT_KEYS);
  checkP('dropout2d', p);
  if (x.ndim !== 3 && x.ndim !== 4) {
    throw new ValueError(
      'dropout2d',
      `expected a 3-D [C,H,W] or 4-D [N,C,H,W] input, got shape [${x.shape.join(',')}]`,
    );
  }
  const planes = x.ndim === 4 ? 2 : 1;
  const maskShape = x.shape.map((d, i) => (i < planes ? d : 1));
  return masked(x, maskShape, p, training, options);
}

function masked(
  x: Tensor,
  maskShape: readonly number[],
  p: number,
  training: boolean,
  options: DropoutOptions,
): Tensor {
  if (!training || p === 0) return x;
  if (p === 1) return x.mul(0);
  return x.mul(keepMask(x, maskShape, p, options).div(1 - p));
}

/** 1 where an element (or plane) of `x` is kept, with probability `1 - p`, else 0, in `x`'s dtype. */
function keepMask(x: Tensor, maskShape: readonly number[], p: number, options: DropoutOptions): Tensor {
  return rand(maskShape, {
    dtype: x.dtype,
    device: x.device,
    ...(options.generator ? { generator: options.generator } : {}),
  })
    .lt(1 - p)
    .to(x.dtype);
}

/** SELU's saturation value `-scale * alpha` in magnitude: where alpha dropout sends dropped units. */
const SELU_SATURATION = 1.7580993408473766;

/**
 * Dropout for SELU networks (`F.alpha_dropout`): dropped elements are set to SELU's negative saturation
 * value and the result is scaled and shifted so that zero-mean unit-variance input keeps its mean and
 * variance (Klambauer et al. 2017). The identity when `training` is false.
 *
 * @example
 * ```ts
 * import { F } from '@nn/nn';
 * import { randn } from '@nn/tensor';
 *
 * const y = F.alphaDropout(randn([100000]), 0.2, true); // training: a fifth of the values dropped
 * console.log(Math.abs(y.mean().item() as number) < 0.02, Math.abs((y.std().item() as number) - 1) < 0.02); // true true
 * ```
 */
export function alphaDropout(x: Tensor, p = 0.5, training = false, options: DropoutOptions = {}): Tensor {
  checkOptions('alphaDropout', options, DROPOUT_KEYS);
  checkP('alphaDropout', p);
  return alphaMasked(x, x.shape, p, training, options);
}

/**
 * Alpha dropout of whole channels (`F.feature_alpha_dropout`): each `(sample, channel)` slice of an
 * `[N, C, ...]` input is dropped together. The identity when `training` is false.
 */
export function featureAlphaDropout(
  x: Tensor,
  p = 0.5,
  training = false,
  options: DropoutOptions = {},
): Tensor {
  checkOptions('featureAlphaDropout', options, DROPOUT_KEYS);
  checkP('featureAlphaDropout', p);
  if (x.ndim < 2) {
    throw new ValueError(
      'featureAlphaDropout',
      `feature dropout requires at least 2 dimensions [N, C, ...] in the input, got shape [${x.shape.join(',')}]`,
    );
  }
  return alphaMasked(
    x,
    x.shape.map((d, i) => (i < 2 ? d : 1)),
    p,
    training,
    options,
  );
}

/** PyTorch's `_dropout_impl` with alpha: `x * keep * a + (keep - 1) * alpha * a + alpha * a * p`. */
function alphaMasked(
  x: Tensor,
  maskShape: readonly number[],
  p: number,
  training: boolean,
  options: DropoutOptions,
): Tensor {
  if (!training || p === 0) return x;
  if (p === 1) return x.mul(0);
  const keep = keepMask(x, maskShape, p, options);
  const a = 1 / Math.sqrt((SELU_SATURATION * SELU_SATURATION * p + 1) * (1 - p));
  const shift = keep
    .sub(1)
    .mul(SELU_SATURATION * a)
    .add(SELU_SATURATION * a * p);
  return x.mul(keep.mul(a)).add(shift);
}
