// Fast transcendental functions for float32 results. Each works in float64 arithmetic with a relative
// error far below half a float32 ulp (~3e-8), so the result, once stored into a Float32Array, matches the
// correctly rounded value except in rare ties, well inside PyTorch's float32 tolerance. They must never
// feed float64 outputs: those keep Math's full float64 accuracy.

/** 2^(j/32) for j = 0..31: the table step of expF32's range reduction. */
const EXP_TABLE = Float64Array.from({ length: 32 }, (_, j) => 2 ** (j / 32));
/** 2^e for e = -POW2_BIAS..: exact powers of two that rescale the reduced exponential. */
const POW2_BIAS = 160;
const POW2 = Float64Array.from({ length: 2 * POW2_BIAS }, (_, i) => 2 ** (i - POW2_BIAS));
const INV_LN2_32 = 32 / Math.LN2;
const LN2_32 = Math.LN2 / 32;
/** Adding then subtracting 1.5 * 2^52 rounds a float64 of magnitude < 2^51 to the nearest integer. */
const ROUND = 6755399441055744;

/**
 * exp for float32 results: x = (32m + j) ln2/32 + r with |r| <= ln2/64, exp(x) = 2^m 2^(j/32) e^r and e^r
 * by a degree-4 Taylor polynomial (relative error < 2e-12). Saturates outside float32's range.
 */
export function expF32(x: number): number {
  if (!(x <= 89)) return x + Number.POSITIVE_INFINITY; // overflow, or NaN stays NaN
  if (x < -104) return 0; // below half the smallest float32 subnormal
  const k = x * INV_LN2_32 + ROUND - ROUND;
  const r = x - k * LN2_32;
  const p = 1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24))));
  return EXP_TABLE[k & 31]! * p * POW2[(k >> 5) + POW2_BIAS]!;
}

/** sigmoid for float32 results, from e^-|x| so neither tail overflows nor flushes subnormals to 0. */
export function sigmoidF32(x: number): number {
  const e = expF32(-Math.abs(x));
  return x < 0 ? e / (1 + e) : 1 / (1 + e);
}

/**
 * tanh for float32 results: an odd Taylor series near 0 (where 1 - 2/(e^2x + 1) would cancel), the
 * exponential form elsewhere.
 */
export function tanhF32(x: number): number {
  const ax = Math.abs(x);
  if (ax < 0.1) {
    const z = x * x;
    return x * (1 + z * (-1 / 3 + z * (2 / 15 + z * (-17 / 315 + z * (62 / 2835)))));
  }
  const t = 1 - 2 / (expF32(2 * ax) + 1);
  return x < 0 ? -t : t;
}
