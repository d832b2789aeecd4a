// What the losses share: the reduction of per-element losses and the same-shape check (internal to F).
import { ShapeError, type Tensor, ValueError } from '@nn/tensor';

/** How a loss reduces its per-element values: average (the default), total, or none (same shape as input). */
export type Reduction = 'mean' | 'sum' | 'none';

/** `loss` averaged, summed or kept per element, naming `op` for a bad reduction. */
export function reduce(op: string, loss: Tensor, reduction: Reduction | undefined): Tensor {
  switch (reduction ?? 'mean') {
    case 'mean':
      return loss.mean();
    case 'sum':
      return loss.sum();
    case 'none':
      return loss;
    default:
      throw new ValueError(
        op,
        `${String(reduction)} is not a valid value for reduction; use 'mean', 'sum' or 'none'`,
      );
  }
}

/** Throws unless `target` has exactly `input`'s shape, as PyTorch's elementwise losses require. */
export function sameShape(op: string, input: Tensor, target: Tensor): void {
  if (input.ndim !== target.ndim || input.shape.some((d, i) => d !== target.shape[i])) {
    throw new ShapeError(
      op,
      `target size [${target.shape.join(',')}] must be the same as input size [${input.shape.join(',')}]`,
    );
  }
}
