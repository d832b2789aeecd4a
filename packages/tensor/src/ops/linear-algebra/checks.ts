import { isFloating } from '../../kernel/dtype';
import { DTypeError, fmtShape, ShapeError } from '../../kernel/errors';
import type { Tensor } from '../../tensor';

/** `[..., m, n]` with a float dtype, as every torch.linalg function needs. */
export function checkMatrices(op: string, x: Tensor): void {
  if (x.ndim < 2) {
    throw new ShapeError(
      op,
      `The input tensor A must have at least 2 dimensions, got shape ${fmtShape(x.shape)}`,
    );
  }
  if (!isFloating(x.dtype)) {
    throw new DTypeError(
      op,
      `Expected a floating point tensor as input. Got ${x.dtype}; convert with .float() or .double()`,
    );
  }
}

/** `[..., n, n]` float matrices. */
export function checkSquare(op: string, x: Tensor): void {
  checkMatrices(op, x);
  if (x.shape[x.ndim - 1] !== x.shape[x.ndim - 2]) {
    throw new ShapeError(
      op,
      `A must be batches of square matrices, but they are ${x.shape[x.ndim - 2]} by ${x.shape[x.ndim - 1]} matrices`,
    );
  }
}
