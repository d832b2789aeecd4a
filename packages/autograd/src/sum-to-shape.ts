import { ShapeError, sum, type Tensor } from '@nn/tensor';
import { fmtShapeOf } from './messages';

/**
 * Sums a gradient of a broadcast result back to the shape of the input that was broadcast: leading dims
 * are summed away, dims where `shape` has size 1 are summed keeping the dim. Returns `grad` unchanged
 * when the shapes already agree. Differentiable, so it works inside `createGraph` backwards.
 */
export function sumToShape(grad: Tensor, shape: readonly number[]): Tensor {
  const lead = grad.ndim - shape.length;
  const compatible = lead >= 0 && shape.every((size, i) => size === grad.shape[lead + i] || size === 1);
  if (!compatible) {
    throw new ShapeError(
      'sumToShape',
      `gradient of shape ${fmtShapeOf(grad)} cannot be summed to shape ${fmtShapeOf({ shape })}`,
    );
  }
  const dims = grad.shape
    .map((size, d) => (d < lead || (shape[d - lead] === 1 && size !== 1) ? d : -1))
    .filter((d) => d >= 0);
  if (dims.length === 0) return lead === 0 ? grad : grad.reshape(shape);
  return sum(grad, dims, { keepdim: true }).reshape(shape);
}
