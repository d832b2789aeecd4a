// Argument helpers of the spatial functions (not part of F).
import { fmtShape, ShapeError, type Size2, type Tensor, ValueError } from '@nn/tensor';

/** A size given once for the three spatial dims or as `[d, h, w]`. */
export type Size3 = number | readonly [number, number, number];

/** `v` as `[d, h, w]`. */
export function triple(op: string, name: string, v: Size3): [number, number, number] {
  const t: number[] = typeof v === 'number' ? [v, v, v] : [...v];
  if (t.length !== 3 || !t.every((x) => Number.isInteger(x) && x >= 0)) {
    throw new ValueError(op, `${name} must be a non-negative integer or 3 of them, got ${String(v)}`);
  }
  return t as [number, number, number];
}

/** `[N, C, D, H, W]` (or unbatched `[C, D, H, W]`) as 5-D, and whether a batch dim was added. */
export function as5d(op: string, x: Tensor): [Tensor, boolean] {
  if (x.ndim === 5) return [x, false];
  if (x.ndim === 4) return [x.unsqueeze(0), true];
  throw new ShapeError(op, `expected 4D (C, D, H, W) or 5D (N, C, D, H, W) input, got ${fmtShape(x.shape)}`);
}

/** `v` as `[h, w]`. */
export const pairOf = (v: Size2): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);
