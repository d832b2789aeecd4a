import { TANHSHRINK_SERIES, TANHSHRINK_SERIES_BELOW } from './tanhshrink-series';

// Scalar functions JavaScript's Math lacks, matching PyTorch's definitions (every export is callable from
// the elementwise expressions, so only functions here).

/** Error function (W. J. Cody's rational approximations, |error| < 1e-15 — float64 accurate). */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 0.5) {
    const t = x * x;
    const num =
      (((0.18577770618460307 * t + 3.1611237438705655) * t + 113.86415415105016) * t + 377.485237685302) * t +
      3209.3775891384694;
    const den =
      (((t + 23.601290952344122) * t + 244.02463793444417) * t + 1282.6165260773723) * t + 2844.2368334391704;
    return (x * num) / den;
  }
  return x < 0 ? erfcPositive(ax) - 1 : 1 - erfcPositive(ax);
}

function erfcPositive(x: number): number {
  if (x >= 27) return 0;
  let r: number;
  if (x < 4) {
    const num =
      (((((((2.1531153547440383e-8 * x + 0.5641884969886701) * x + 8.883149794388377) * x +
        66.11919063714163) *
        x +
        298.6351381974) *
        x +
        881.9522212417691) *
        x +
        1712.0476126340707) *
        x +
        2051.0783778260716) *
        x +
      1230.3393547979972;
    const den =
      (((((((x + 15.744926110709835) * x + 117.6939508913125) * x + 537.1811018620099) * x +
        1621.3895745666903) *
        x +
        3290.7992357334597) *
        x +
        4362.619090143247) *
        x +
        3439.3676741437216) *
        x +
      1230.3393548037495;
    r = num / den;
  } else {
    const z = 1 / (x * x);
    const num =
      ((((0.016315387137302097 * z + 0.30532663496123236) * z + 0.36034489994980445) * z +
        0.12578172611122926) *
        z +
        0.016083785148742275) *
        z +
      0.0006587491615298378;
    const den =
      ((((z + 2.568520192289822) * z + 1.8729528499234604) * z + 0.5279051029514285) * z +
        0.06051834131244132) *
        z +
      0.0023352049762686918;
    r = (1 / x) * (0.5641895835477563 - (z * num) / den);
  }
  const xs = Math.trunc(x * 16) / 16;
  return Math.exp(-xs * xs) * Math.exp(-(x - xs) * (x + xs)) * r;
}

/** Round half to even, as torch.round. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Python-style remainder: the result has the divisor's sign (torch.remainder). */
export function remainder(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}

/** torch.lerp's two-sided formula, exact at both ends. */
export function lerp(start: number, end: number, weight: number): number {
  return Math.abs(weight) < 0.5 ? start + weight * (end - start) : end - (end - start) * (1 - weight);
}

/** Floor division of floats as PyTorch computes it (exact when a/b rounds across an integer). */
export function floorDivide(a: number, b: number): number {
  if (b === 0) return a / b;
  const mod = a % b;
  let div = (a - mod) / b;
  if (mod !== 0 && b < 0 !== mod < 0) div -= 1;
  if (div === 0) return 0 * (a / b);
  let floored = Math.floor(div);
  if (div - floored > 0.5) floored += 1;
  return floored;
}

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/**
 * Inverse error function, float64 accurate: M. Giles' single-precision approximation ("Approximating the
 * erfinv function", 2010) refined by Newton steps. Where |x| >= 0.5 the steps solve erfc(y) = 1 - |x|
 * (1 - |x| is exact there, and erfc keeps its relative accuracy), so the tails stay accurate up to ±1.
 */
export function erfinv(x: number): number {
  const a = Math.abs(x);
  if (!(a <= 1)) return Number.NaN;
  if (a === 1) return x * Infinity;
  if (x === 0) return x; // keeps -0
  let w = -Math.log((1 - a) * (1 + a));
  let p: number;
  if (w < 5) {
    w -= 2.5;
    p = 2.81022636e-8;
    p = 3.43273939e-7 + p * w;
    p = -3.5233877e-6 + p * w;
    p = -4.39150654e-6 + p * w;
    p = 0.00021858087 + p * w;
    p = -0.00125372503 + p * w;
    p = -0.00417768164 + p * w;
    p = 0.246640727 + p * w;
    p = 1.50140941 + p * w;
  } else {
    w = Math.sqrt(w) - 3;
    p = -0.000200214257;
    p = 0.000100950558 + p * w;
    p = 0.00134934322 + p * w;
    p = -0.00367342844 + p * w;
    p = 0.00573950773 + p * w;
    p = -0.0076224613 + p * w;
    p = 0.00943887047 + p * w;
    p = 1.00167406 + p * w;
    p = 2.83297682 + p * w;
  }
  let y = p * a;
  const q = 1 - a;
  // The start is good to ~1e-7 for float32 inputs, worse in the float64 tail (1 - |x| < 1e-7), where
  // Newton works on log(erfc(y)) = log(1 - |x|), nearly linear in y there. Iterate until the step is
  // within a few ulps (two or three steps; at most five over 20,000 points of (-1, 1), where the result is
  // within 2.1 ulps of mpmath's erfinv; torch 1.13's is off by up to 6e-5 relative next to ±1).
  for (let i = 0; i < 8; i++) {
    const slope = TWO_OVER_SQRT_PI * Math.exp(-y * y);
    let step: number;
    if (a < 0.5) {
      step = (erf(y) - a) / slope;
    } else {
      const erfc = erfcPositive(y);
      step = (-Math.log(erfc / q) * erfc) / slope;
    }
    y -= step;
    if (Math.abs(step) <= 4 * Number.EPSILON * y) break;
  }
  return x < 0 ? -y : y;
}

/**
 * torch.logit: log(x / (1 - x)), after clamping x to [eps, 1 - eps] when eps >= 0; a negative eps
 * clamps nothing (PyTorch encodes eps=None as -1 the same way).
 */
export function logit(x: number, eps: number): number {
  const z = eps < 0 ? x : x < eps ? eps : Math.min(x, 1 - eps); // NaN stays NaN
  return Math.log(z / (1 - z));
}

/** torch.xlogy: x * log(y), except 0 where x is 0 (even for y = 0 or Infinity), and NaN where y is NaN. */
export function xlogy(x: number, y: number): number {
  if (Number.isNaN(y)) return Number.NaN;
  return x === 0 ? 0 : x * Math.log(y);
}

const SERIES_BELOW_SQUARED = TANHSHRINK_SERIES_BELOW ** 2;
/** Indexed from a typed array (for-of over the array and the bound squared per call: JS loop 2x slower). */
const SERIES = Float64Array.from(TANHSHRINK_SERIES);

/**
 * torch.tanhshrink, x - tanh x, without the cancellation near 0: below |x| = 0.25 by its series
 * ({@link TANHSHRINK_SERIES}), plus 0 so that -0 gives +0 as x - tanh x does.
 */
export function tanhshrink(x: number): number {
  const z = x * x;
  if (!(z < SERIES_BELOW_SQUARED)) return x - Math.tanh(x); // NaN too
  let sum = 0;
  for (let i = 0; i < SERIES.length; i++) sum = sum * z + SERIES[i]!;
  return x * z * sum + 0;
}

const signView = new DataView(new ArrayBuffer(8));

/** C's copysign, as torch.copysign: |magnitude| with the sign bit of `sign` (-0 and a negative NaN count). */
export function copysign(magnitude: number, sign: number): number {
  const m = Math.abs(magnitude);
  if (sign < 0 || Object.is(sign, -0)) return -m;
  if (sign >= 0) return m;
  signView.setFloat64(0, sign); // NaN: read its sign bit
  return signView.getUint8(0) >= 0x80 ? -m : m;
}

/**
 * torch's pow with a floating exponent: the exponents its CPU kernel special-cases (2, 3, 0.5, -0.5, -1,
 * -2) as products, square roots and quotients rounded step by step to the result's precision (`round`),
 * so `x ** 3` is `x * x * x`, not a correctly rounded cube; every other exponent through the library pow,
 * with C's special cases where JS's ** differs.
 */
function torchPow(round: (x: number) => number) {
  return (x: number, exponent: number): number => {
    switch (exponent) {
      case 2:
        return x * x;
      case 3:
        return round(x * x) * x;
      case 0.5:
        return Math.sqrt(x);
      case -0.5:
        return 1 / round(Math.sqrt(x));
      case -1:
        return 1 / x;
      case -2:
        return 1 / round(x * x);
      default:
        // C's pow (and torch) give 1 where JS's ** gives NaN: 1 ** NaN, 1 ** +-Infinity, (-1) ** +-Infinity
        return x === 1 || (x === -1 && Math.abs(exponent) === Infinity) ? 1 : x ** exponent;
    }
  };
}

/** {@link torchPow} for float32 results (the caller stores into float32, the last rounding). */
export const powF32 = torchPow(Math.fround);
/** {@link torchPow} for float64 results. */
export const powF64 = torchPow((x) => x);
