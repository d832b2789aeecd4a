import { type DType, dtypeOfArray, type TypedArray } from './dtype';
import { fmtShape, ShapeError } from './errors';
import { broadcastStrides, contiguousStrides, shapeSize } from './shape';
import { Storage } from './storage';

/**
 * What a kernel sees of a tensor: a strided window (`shape`, `strides`, `offset`) onto a `Storage` on a
 * device. Kernels take views and return views; the user-facing `Tensor` is one (it has every field), and
 * the dispatcher wraps the views kernels return into tensors. Kernels never see autograd state.
 */
export interface TensorView {
  /** The memory this view reads; shared with every other view of it. */
  readonly storage: Storage;
  /** Sizes of each dimension. */
  readonly shape: readonly number[];
  /** Elements to skip in storage to move one step along each dimension. */
  readonly strides: readonly number[];
  /** Index of the first element in storage. */
  readonly offset: number;
  /** The element type (the storage's). */
  readonly dtype: DType;
  /** The device the storage lives on. */
  readonly device: string;
}

/** A view onto `storage`; `strides` default to contiguous row-major. */
export function makeView(
  storage: Storage,
  shape: readonly number[],
  strides: readonly number[] = contiguousStrides(shape),
  offset = 0,
): TensorView {
  return { storage, shape, strides, offset, dtype: storage.dtype, device: storage.device };
}

/** A contiguous CPU view over a typed array (not copied): how CPU kernels return results. */
export function hostView(
  data: TypedArray,
  shape: readonly number[],
  dtype: DType = dtypeOfArray(data) ?? 'float32',
): TensorView {
  return makeView(new Storage('cpu', dtype, data.length, data), shape);
}

/** Another layout over the same storage (view kernels). */
export function relayout(
  x: TensorView,
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
): TensorView {
  return makeView(x.storage, shape, strides, offset);
}

/** Number of elements. */
export function numel(x: TensorView): number {
  return shapeSize(x.shape);
}

/** Whether `x` is laid out row-major without gaps (size-1 dims may have any stride). */
export function isContiguous(x: TensorView): boolean {
  let step = 1;
  for (let d = x.shape.length - 1; d >= 0; d--) {
    const size = x.shape[d]!;
    if (size !== 1 && x.strides[d] !== step) return false;
    step *= size;
  }
  return true;
}

/** `x` broadcast to `shape` without copying (stride 0 on broadcast dims); throws when it can't be. */
export function expandView(x: TensorView, shape: readonly number[], op = 'expand'): TensorView {
  if (x.shape.length === shape.length && x.shape.every((s, i) => s === shape[i])) return x;
  const lead = shape.length - x.shape.length;
  if (lead < 0 || x.shape.some((s, i) => s !== 1 && s !== shape[i + lead])) {
    throw new ShapeError(op, `cannot broadcast ${fmtShape(x.shape)} to ${fmtShape(shape)}`);
  }
  return makeView(x.storage, shape, broadcastStrides(x.shape, x.strides, shape), x.offset);
}
