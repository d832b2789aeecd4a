import { type Code, type FunctionSpec, op } from '../gemm/wasm-emitter';
import {
  A,
  B,
  FIRST_LOCAL,
  f32Splat,
  f32x4,
  f64Splat,
  f64x2,
  hornerF64,
  i32Splat,
  i32x4,
  type LanePair,
  narrowPairs,
  OUT,
  pow2F64OfI64,
  type Step,
  simd,
  stepsOver,
  v128,
  vectorLoop,
  widen,
} from './code';
import { EXP_VECTORS } from './exp';

// float32 x^c for a number exponent c (finite, nonzero, none of the ones torch special-cases), on f32x4
// lanes with the arithmetic in float64 two lanes at a time: |x| = 2^k m (m in [sqrt(1/2), sqrt(2)), from
// the float32 bits, subnormals scaled first), ln m = 2 atanh(s) with s = (m - 1) / (m + 1) by its series
// (|s| <= 0.172: 1e-15), y = c (k ln2 + ln m), and e^y = 2^n e^r by Cody-Waite and the Taylor series, all
// good to ~1e-14 relative, then rounded once to float32. C's pow rules for the rest: odd integer exponents
// keep x's sign, a finite negative x with a non-integer c gives NaN, 0 and infinities give 0 or Infinity.
// The JS loop's x ** c took ~90 ms per 1e6 values.

/** i32x4.trunc_sat_f32x4_s's inverse, f32x4.convert_i32x4_s; f64x2 pmin / pmax; f64x2.eq / ne. */
const OP = { fromI32: 0xfa, pmin: 0xf6, pmax: 0xf7, eq: 0x47, ne: 0x48 };
/** 1.5 * 2^52: adding it rounds a float64 to an integer held in the low mantissa bits. */
const ROUNDER = 6755399441055744;
/** ln 2 in two parts, the first with trailing zeros so n * LN2_HIGH is exact for |n| < 2^20 (fdlibm's). */
const LN2_HIGH = 0.6931471803691238;
const LN2_LOW = 1.9082149292705877e-10;
/** e^y is 0 in float32 below -110 and overflows above 90: y is clamped there, which keeps 2^n normal. */
const Y_FLOOR = -110;
const Y_CEILING = 90;
/** ln m = 2 s (1 + s^2 T(s^2)): T's coefficients 1/3, 1/5, ..., 1/17, highest degree first. */
const ATANH_SERIES = Array.from({ length: 8 }, (_, i) => 1 / (2 * i + 3)).reverse();
/** e^r's Taylor coefficients 1/11! ... 1/1!, 1, highest degree first (|r| <= ln2 / 2: 6e-15). */
const EXP_SERIES = Array.from({ length: 12 }, (_, i) => 1 / factorial(11 - i));

function factorial(n: number): number {
  return n <= 1 ? 1 : n * factorial(n - 1);
}

/** Splat locals, read once: c in float64 lanes, and the masks of an odd integer and a non-integer c. */
const [EXPONENT, ODD, FRACTIONAL] = [FIRST_LOCAL, FIRST_LOCAL + 1, FIRST_LOCAL + 2];
/** Per vector: x, m and k (float32 lanes), then per lane pair ln|x|, y, y's rounder sum t and r (float64). */
const LOCALS = 11;
interface PowLocals {
  readonly x: number;
  readonly m: number;
  readonly k: number;
  readonly log: Readonly<Record<LanePair, number>>;
  readonly y: Readonly<Record<LanePair, number>>;
  readonly t: Readonly<Record<LanePair, number>>;
  readonly r: Readonly<Record<LanePair, number>>;
}

const { get, set } = op;
const f32 = (opcode: number, ...operands: Code[]) => simd(opcode, ...operands);
const f64 = (opcode: number, ...operands: Code[]) => simd(opcode, ...operands);

/**
 * `powScalar`: x^c with c the float32 at B, `EXP_VECTORS` vectors per iteration: <= 0.51 ulp (the
 * exponent must be finite and nonzero; planSimdFloat32 sends no other).
 */
function powScalarFunction(): FunctionSpec {
  const localsOf = (vector: number): PowLocals => {
    const first = FIRST_LOCAL + 3 + vector * LOCALS;
    return {
      x: first,
      m: first + 1,
      k: first + 2,
      log: { low: first + 3, high: first + 4 },
      y: { low: first + 5, high: first + 6 },
      t: { low: first + 7, high: first + 8 },
      r: { low: first + 9, high: first + 10 },
    };
  };
  const { on, forPairs } = stepsOver(localsOf);
  const half = ({ x, t, r }: PowLocals, pair: LanePair): Code => {
    const magnitude = f64(
      f64x2.mul,
      hornerF64(get(r[pair]), EXP_SERIES),
      pow2F64OfI64(simd(0xd1, get(t[pair]), f64Splat(ROUNDER))), // i64x2.sub: n as an integer
    );
    const xs = widen(get(x), pair);
    const sign = simd(v128.and, simd(v128.and, xs, f64Splat(-0)), get(ODD));
    const size = f64(f64x2.abs, xs);
    // NaN (the JS loop's, bit for bit) for a finite negative x and a non-integer c
    const invalid = simd(
      v128.and,
      get(FRACTIONAL),
      simd(v128.and, f64(f64x2.lt, xs, f64Splat(0)), f64(OP.ne, size, f64Splat(Infinity))),
    );
    return simd(v128.bitselect, f64Splat(Number.NaN), simd(v128.or, magnitude, sign), invalid);
  };
  const loop = vectorLoop({
    name: 'powScalar',
    vectors: EXP_VECTORS,
    locals: 3 + EXP_VECTORS * LOCALS,
    steps: [
      on(({ x }, offset) => set(x, op.v128Load(get(A), offset))),
      // |x|, subnormals scaled by 2^23 (k: their mask for now)
      on(({ x, m, k }) => [
        ...set(m, f32(f32x4.abs, get(x))),
        ...set(k, f32(f32x4.lt, get(m), f32Splat(2 ** -126))),
        ...set(m, simd(v128.bitselect, f32(f32x4.mul, get(m), f32Splat(2 ** 23)), get(m), get(k))),
      ]),
      // k from the exponent bits (less 23 where scaled), m the mantissa with exponent 0: in [1, 2)
      on(({ m, k }) => [
        ...set(
          k,
          simd(
            i32x4.sub,
            simd(i32x4.shrU, get(m), op.i32(23)),
            simd(v128.bitselect, i32Splat(127 + 23), i32Splat(127), get(k)),
          ),
        ),
        ...set(m, simd(v128.or, simd(v128.and, get(m), i32Splat(0x7fffff)), i32Splat(0x3f800000))),
      ]),
      // past sqrt(2): m / 2 and k + 1 (the mask, -1, borrows log.low); then k as a float
      on(({ m, k, log }) => [
        ...set(log.low, f32(f32x4.ge, get(m), f32Splat(Math.SQRT2))),
        ...set(m, simd(v128.bitselect, f32(f32x4.mul, get(m), f32Splat(0.5)), get(m), get(log.low))),
        ...set(k, f32(OP.fromI32, simd(i32x4.sub, get(k), get(log.low)))),
      ]),
      // s = (m - 1) / (m + 1), exact but for the division (in y for now)
      forPairs(({ m, y }, pair) => {
        const mantissa = widen(get(m), pair);
        return set(
          y[pair],
          f64(f64x2.div, f64(f64x2.sub, mantissa, f64Splat(1)), f64(f64x2.add, mantissa, f64Splat(1))),
        );
      }),
      forPairs(({ log, y }, pair) => set(log[pair], f64(f64x2.mul, get(y[pair]), get(y[pair])))), // s^2
      // ln|x| = k ln2 + 2 s + 2 s s^2 T(s^2)
      forPairs(({ k, log, y }, pair) => {
        const twoS = f64(f64x2.add, get(y[pair]), get(y[pair]));
        const lnM = f64(
          f64x2.add,
          twoS,
          f64(f64x2.mul, f64(f64x2.mul, twoS, get(log[pair])), hornerF64(get(log[pair]), ATANH_SERIES)),
        );
        return set(log[pair], f64(f64x2.add, f64(f64x2.mul, widen(get(k), pair), f64Splat(Math.LN2)), lnM));
      }),
      // |x| of 0, Infinity or NaN: ln|x| is -Infinity, Infinity or NaN
      forPairs(({ x, log }, pair) => {
        const size = f64(f64x2.abs, widen(get(x), pair));
        const zero = simd(v128.bitselect, f64Splat(-Infinity), get(log[pair]), f64(OP.eq, size, f64Splat(0)));
        const infinite = simd(v128.bitselect, f64Splat(Infinity), zero, f64(OP.eq, size, f64Splat(Infinity)));
        return set(log[pair], simd(v128.bitselect, size, infinite, f64(OP.ne, size, size)));
      }),
      // y = c ln|x|, clamped (pmax / pmin keep a NaN, their first operand)
      forPairs(({ log, y }, pair) =>
        set(
          y[pair],
          f64(
            OP.pmin,
            f64(OP.pmax, f64(f64x2.mul, get(EXPONENT), get(log[pair])), f64Splat(Y_FLOOR)),
            f64Splat(Y_CEILING),
          ),
        ),
      ),
      // y = n ln2 + r: n by the rounder (t = y log2(e) + 1.5 * 2^52 holds it), r by Cody-Waite
      forPairs(({ y, t }, pair) =>
        set(t[pair], f64(f64x2.add, f64(f64x2.mul, get(y[pair]), f64Splat(Math.LOG2E)), f64Splat(ROUNDER))),
      ),
      forPairs(({ y, t, r }, pair) => {
        const n = f64(f64x2.sub, get(t[pair]), f64Splat(ROUNDER));
        const high = f64(f64x2.sub, get(y[pair]), f64(f64x2.mul, n, f64Splat(LN2_HIGH)));
        return set(r[pair], f64(f64x2.sub, high, f64(f64x2.mul, n, f64Splat(LN2_LOW))));
      }),
      // 2^n e^r with x's sign or NaN where C's pow gives them
      on((l, offset) => op.v128Store(get(OUT), offset, narrowPairs(half(l, 'low'), half(l, 'high')))),
    ],
  });
  const exponent = op.splat(4, get(B), 0);
  const half2 = f32(f32x4.mul, exponent, f32Splat(0.5));
  const prologue = [
    ...set(EXPONENT, widen(exponent, 'low')),
    ...set(FRACTIONAL, f32(f32x4.ne, f32(f32x4.nearest, exponent), exponent)),
    ...set(ODD, simd(v128.andNot, f32(f32x4.ne, f32(f32x4.nearest, half2), half2), get(FRACTIONAL))),
  ];
  return { ...loop, body: [...prologue, ...loop.body] };
}

/** The number-exponent pow kernel, exported as `powScalar`. */
export const powFunctions = (): FunctionSpec[] => [powScalarFunction()];
