import { shapeSize } from './shape';

/**
 * Storage positions of a view's elements in row-major order. One walk serves both directions: gathering
 * a view into a dense array (`dense[i] = storage[at[i]]`) and scattering into it (`storage[at[i]] = dense[i]`).
 */
export function stridedOffsets(
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
): Int32Array {
  const count = shapeSize(shape);
  // Offsets beyond int32 only occur for storages past 2^31 elements, which typed arrays cannot hold anyway.
  const at = new Int32Array(count);
  const index = new Array<number>(shape.length).fill(0);
  let pointer = offset;
  for (let i = 0; i < count; i++) {
    at[i] = pointer;
    for (let d = shape.length - 1; d >= 0; d--) {
      pointer += strides[d]!;
      if (++index[d]! < shape[d]!) break;
      pointer -= strides[d]! * shape[d]!;
      index[d] = 0;
    }
  }
  return at;
}
