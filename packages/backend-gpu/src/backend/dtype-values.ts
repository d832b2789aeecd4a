import { allocate, type DType, type TypedArray } from '@nn/tensor';

/**
 * Host values as the device stores them: every dtype is float32 on the device (gpu.js computes in
 * float32 only), so int32 is exact for |v| <= 2^24 and float64 keeps float32 precision.
 */
export function toDeviceValues(values: TypedArray): Float32Array {
  return values instanceof Float32Array ? values.slice() : Float32Array.from(values);
}

/**
 * Whether a gpu storage of `dtype` keeps its exact host values next to the device's float32 ones
 * (int32 and float64, which float32 cannot hold exactly), until its first in-place write.
 */
export function keepsHostValues(dtype: DType): boolean {
  return dtype === 'int32' || dtype === 'float64';
}

/** Device float32 values (or exact host ones) as a host array of `dtype` (integers truncated, bools 0/1). */
export function fromDeviceValues(values: TypedArray, dtype: DType): TypedArray {
  if (dtype === 'float32' && values instanceof Float32Array) return values;
  const out = allocate(dtype, values.length);
  if (dtype === 'bool') {
    for (let i = 0; i < values.length; i++) out[i] = values[i] !== 0 ? 1 : 0;
  } else {
    out.set(values);
  }
  return out;
}
