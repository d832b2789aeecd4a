import { allocate, type DType, DTypeError, type StorageArray, type TypedArray } from '@nn/tensor';

/** The dtypes a gpu storage may have: each is float32 on the device. */
const GPU_DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'int64', 'bool'];

/**
 * Refuses dtypes the device cannot keep with their semantics (the wrap-around of uint8/int8/int16, the
 * rounding of float16/bfloat16): an error naming `op` and the conversion to make, never different numbers.
 */
export function checkGpuDType(op: string, dtype: DType): void {
  if (GPU_DTYPES.includes(dtype)) return;
  const to = dtype === 'float16' || dtype === 'bfloat16' ? '.float()' : '.int() or .float()';
  throw new DTypeError(
    op,
    `gpu devices hold ${GPU_DTYPES.join(', ')} tensors, not ${dtype}; convert with ${to} first ` +
      '(on the CPU, before moving the tensor to the gpu)',
  );
}

/** Host values as plain numbers (int64's bigints converted), ready for the device's float32. */
export function hostNumbers(values: StorageArray): TypedArray {
  return values instanceof BigInt64Array ? Float64Array.from(values, Number) : values;
}

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
  return dtype === 'int32' || dtype === 'int64' || dtype === 'float64';
}

/** Device float32 values (or exact host ones) as a host array of `dtype` (integers truncated, bools 0/1). */
export function fromDeviceValues(values: TypedArray, dtype: DType): TypedArray {
  if (dtype === 'float32' && values instanceof Float32Array) return values;
  if (dtype === 'int64')
    return BigInt64Array.from(values, (v) => BigInt(Math.trunc(v))) as unknown as TypedArray;
  const out = allocate(dtype, values.length);
  if (dtype === 'bool') {
    for (let i = 0; i < values.length; i++) out[i] = values[i] !== 0 ? 1 : 0;
  } else {
    out.set(values);
  }
  return out;
}
