// 16-bit float formats, stored as raw bits in a Uint16Array (JavaScript has no Float16Array on Node 20).

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/** The value of IEEE half-precision bits (exact in float32). */
export function halfBitsToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/**
 * The half-precision bits nearest to `value` rounded first to float32, ties to even, as c10::Half's
 * constructor (which takes a float): overflow gives ±Infinity, NaN stays NaN.
 */
export function numberToHalfBits(value: number): number {
  F32[0] = value;
  const f = U32[0]!;
  const sign = (f >>> 16) & 0x8000;
  const exponent = (f >>> 23) & 0xff;
  const mantissa = f & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const e = exponent - 112; // rebias 127 -> 15
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // A half subnormal (or zero): the value in units of 2^-24, rounded to nearest even.
    const shift = 14 - e;
    if (shift > 24) return sign;
    const m = mantissa | 0x800000;
    let q = m >>> shift;
    const rest = m & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && q & 1)) q++;
    return sign | q;
  }
  let q = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  // A carry out of the mantissa bumps the exponent, up to Infinity (0x7c00): what rounding means there.
  if (rest > 0x1000 || (rest === 0x1000 && q & 1)) q++;
  return sign | q;
}

/** The value of bfloat16 bits (the top half of a float32's). */
export function bfloat16BitsToNumber(bits: number): number {
  U32[0] = bits << 16;
  return F32[0]!;
}

/** The bfloat16 bits nearest to `value` rounded first to float32, ties to even (c10::BFloat16); NaN is 0x7fc0. */
export function numberToBfloat16Bits(value: number): number {
  F32[0] = value;
  if (Number.isNaN(F32[0])) return 0x7fc0;
  const f = U32[0]!;
  return ((f + 0x7fff + ((f >>> 16) & 1)) >>> 16) & 0xffff;
}
