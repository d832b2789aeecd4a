import { empty, type Tensor } from '@nn/tensor';

/** The CPU storage of a floating-point tensor. */
export type FloatArray = Float32Array | Float64Array;

/** `t`'s values as a dense row-major array (a subarray of its storage when it is contiguous, else a copy). */
export function dense(t: Tensor): FloatArray {
  const c = t.contiguous();
  const data = c.storage.data as FloatArray;
  const n = c.numel();
  return c.offset === 0 && data.length === n ? data : data.subarray(c.offset, c.offset + n);
}

/** A new tensor of `shape` and `like`'s dtype, with the dense array a kernel writes into. */
export function output(shape: readonly number[], like: Tensor): [Tensor, FloatArray] {
  const t = empty([...shape], { dtype: like.dtype });
  return [t, t.storage.data as FloatArray];
}

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
