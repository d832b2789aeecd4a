// Element conversions for file dtypes @nn lacks: 16-bit floats widen to float32, int64 narrows to int32.
import { ValueError } from '@nn/tensor';

/** The value of IEEE half-precision bits (exact in float32). */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

const BITS = new Uint32Array(1);
const FLOAT = new Float32Array(BITS.buffer);

/** The value of bfloat16 bits (the top half of a float32's). */
export function bfloat16ToFloat(bits: number): number {
  BITS[0] = bits << 16;
  return FLOAT[0]!;
}

/** float32 values of bfloat16 bit patterns (the top half of a float32). */
export function bfloat16ToFloat32(bits: Uint16Array): Float32Array {
  return new Float32Array(Uint32Array.from(bits, (b) => b << 16).buffer);
}

const INT32_MIN = -(2n ** 31n);
const INT32_MAX = 2n ** 31n - 1n;

/** Whether an int64 value fits the int32 that @nn stores integers in. */
export const fitsInt32 = (value: bigint): boolean => value >= INT32_MIN && value <= INT32_MAX;

/**
 * The error for an int64 element that does not fit int32, naming the tensor, its dtype as the file spells it
 * (`I64`, `int64`), the value and its index.
 */
export function int64RangeError(
  op: string,
  tensor: string,
  dtype: string,
  value: bigint,
  index: number,
): ValueError {
  return new ValueError(
    op,
    `tensor "${tensor}" (${dtype}) holds ${value} at flat index ${index}, outside the int32 range @nn stores integers in; ` +
      'convert it to float64 before saving it in PyTorch',
  );
}
