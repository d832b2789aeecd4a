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
  const keep = rand(maskShape, {
    dtype: x.dtype,
    device: x.device,
    ...(options.generator ? { generator: options.generator } : {}),
  }).lt(1 - p);
  return x.mul(keep.to(x.dtype).div(1 - p));
}
