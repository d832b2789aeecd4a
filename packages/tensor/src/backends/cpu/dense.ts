import type { TypedArray } from '../../kernel/dtype';
import { numel, type TensorView } from '../../kernel/view';
import { contiguousCpu } from './elementwise';

/** A view's elements in row-major order (the storage itself when contiguous, else a copy). */
export function denseValues(x: TensorView): TypedArray {
  const c = contiguousCpu(x);
  return (c.storage.data as TypedArray).subarray(c.offset, c.offset + numel(c)) as TypedArray;
}
