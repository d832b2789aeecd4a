import { isFloating } from '../kernel/dtype';
import { DTypeError, fmtShape, ShapeError, ValueError } from '../kernel/errors';
import { broadcastShapes, normalizeDim } from '../kernel/shape';
import { checkOptions, type OptionKeys } from '../options';
import type { Tensor } from '../tensor';
import { stack } from './join';
import { norm } from './reductions';

/** Options of {@link cdist}. */
export interface CdistOptions {
  /** Accepted for PyTorch compatibility: distances are always computed directly (the exact way). */
  computeMode?:
    | 'use_mm_for_euclid_dist_if_necessary'
    | 'use_mm_for_euclid_dist'
    | 'donot_use_mm_for_euclid_dist';
}

/**
 * torch.cdist: the p-norm distance between each row of `x1` `[..., P, M]` and each row of `x2`
 * `[..., R, M]`, `[..., P, R]` (batch dims broadcast). Differentiable; the gradient at a zero distance is 0.
 */
export function cdist(x1: Tensor, x2: Tensor, p = 2, options: CdistOptions = {}): Tensor {
  checkOptions('cdist', options, { computeMode: true } as OptionKeys<CdistOptions>);
  if (x1.ndim < 2 || x2.ndim < 2) {
    throw new ShapeError(
      'cdist',
      `cdist only supports at least 2D tensors, X1 got: ${x1.ndim}D, X2 got: ${x2.ndim}D`,
    );
  }
  if (x1.shape[x1.ndim - 1] !== x2.shape[x2.ndim - 1]) {
    throw new ShapeError(
      'cdist',
      `X1 and X2 must have the same number of columns. X1: ${x1.shape[x1.ndim - 1]} X2: ${x2.shape[x2.ndim - 1]}`,
    );
  }
  if (!isFloating(x1.dtype) || !isFloating(x2.dtype)) {
    throw new DTypeError(
      'cdist',
      `cdist only supports floating-point dtypes, X1 got: ${x1.dtype}, X2 got: ${x2.dtype}`,
    );
  }
  if (!(p >= 0)) throw new ValueError('cdist', `cdist only supports non-negative p values, got ${p}`);
  broadcastShapes('cdist', x1.shape.slice(0, -2), x2.shape.slice(0, -2));
  const difference = x1.unsqueeze(-2).sub(x2.unsqueeze(-3));
  return norm(difference, p, -1);
}

/**
 * torch.linalg.cross: the cross product of 3-vectors along `dim` (default the last), broadcasting.
 */
export function linalgCross(a: Tensor, b: Tensor, dim = -1): Tensor {
  const shape = broadcastShapes('linalg.cross', a.shape, b.shape);
  const d = normalizeDim('linalg.cross', dim, shape.length);
  if (shape[d] !== 3) {
    throw new ShapeError(
      'linalg.cross',
      `the size of dim ${d} must be 3 for both inputs, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`,
    );
  }
  const x = a.expand(shape);
  const y = b.expand(shape);
  const c = (t: Tensor, i: number) => t.select(d, i);
  return stack(
    [
      c(x, 1)
        .mul(c(y, 2))
        .sub(c(x, 2).mul(c(y, 1))),
      c(x, 2)
        .mul(c(y, 0))
        .sub(c(x, 0).mul(c(y, 2))),
      c(x, 0)
        .mul(c(y, 1))
        .sub(c(x, 1).mul(c(y, 0))),
    ],
    d,
  );
}

/**
 * torch.cross: {@link linalgCross} whose default dim is the first of size 3 (PyTorch 1.13's default).
 */
export function cross(a: Tensor, b: Tensor, dim?: number): Tensor {
  if (dim !== undefined) return linalgCross(a, b, dim);
  const shape = broadcastShapes('cross', a.shape, b.shape);
  const first = shape.indexOf(3);
  if (first < 0) throw new ShapeError('cross', `no dimension of size 3 in input ${fmtShape(shape)}`);
  return linalgCross(a, b, first);
}
