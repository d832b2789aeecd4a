import { type Code, type FunctionSpec, op } from '../gemm/wasm-emitter';
import { powF32 } from '../scalar-math';
import {
  A,
  B,
  END,
  FIRST_LOCAL,
  f32Splat,
  f32x4,
  f64Splat,
  f64x2,
  hornerF64,
  i32Splat,
  i32x4,
  i64x2,
  type LanePair,
  narrowPairs,
  OUT,
  pow2F64OfI64,
  simd,
  stepsOver,
  v128,
  vectorLoop,
  widen,
  widenMask,
} from './code';
import { EXP_VECTORS } from './exp';
import { lnOfMantissa } from './log-f64';

// float32 x^c for a number exponent c (`powScalar`: finite, nonzero, none of the ones torch special-cases)
// or a float32 tensor of them (`pow`), on f32x4 lanes with the arithmetic in float64 two lanes at a time:
// |x| = 2^k m (m in [sqrt(1/2), sqrt(2)), from the float32 bits, subnormals scaled first), ln m = 2 atanh(s)
// with s = (m - 1) / (m + 1) by its series (|s| <= 0.172: 1e-15), y = c (k ln2 + ln m), and e^y = 2^n e^r
// by Cody-Waite and the Taylor series, all good to ~1e-14 relative, then rounded once to float32. C's pow
// rules for the rest: odd integer exponents keep x's sign, a finite negative x with a non-integer c gives
// NaN, 0 and infinities give 0 or Infinity (c = +-Infinity too: y is clamped).
//
// A tensor exponent brings per lane what a number exponent never does: C's ones (c = 0 gives 1 even for a
// NaN x; x = 1 gives 1 even for a NaN c, and x = -1 with c = +-Infinity; the float64 path gives NaN for
// them, 0 * Infinity or NaN * 0), and torch's special-cased exponents as the JS loop computes them: float32
// x * x, (x * x) * x, sqrt x, 1 / sqrt x, 1 / x and 1 / (x * x), rounded step by step. 2, 0.5 and -1 need
// the select as much as 3, -0.5 and -2: those three are correctly rounded, but the float64 path is only
// good to ~1e-14, and x^2 can be a float32 midpoint exactly (x = 1 + 2^-12), sqrt x and 1 / x within
// ~2^-49 of one; sqrt(-0) is -0 and sqrt(-Infinity) NaN where C's pow gives +0 and Infinity.
//
// Both kernels give exactly the JS loop's values (fround of V8's x ** c, fdlibm's pow: within 1 float64 ulp,
// 2^-52). With u = 2^-53 the float64 result t is within (15 |y| + 85) u of x^c relatively: ln m to 10 u
// (its division and series), ln|x| to 14 u (k ln2's rounding, and a factor 2 where k = +-1 and ln m cancels
// half of it), y's product u more, e^r 80 u (the series' truncation, r^12 / 12! relative to e^r at
// r = -ln2 / 2) and ~5 u (r and Horner's rounding); 2^n is exact. Measured: at most 0.6 d (3e6 pairs, y
// up to +-100). So where t (1 - d) and t (1 + d) round to the same float32, with d =
// (16 |y| + 128) u, so do x^c and V8's value; other lanes are marked (POW_MARK) and flagged at END as
// trig.ts's, and redone by the JS loop's powF32 (POW_REDO). Random x and c mark ~1 value in 10^6; exact
// results that are float32 midpoints always (11^7, 25 bits), ~1% of small integers' integer powers.
// The JS loop's x ** c took ~90 ms per 1e6 values with a number exponent, ~56 ms with a tensor of them.

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
/** e^r's Taylor coefficients 1/11! ... 1/1!, 1, highest degree first (|r| <= ln2 / 2: 6e-15). */
export const EXP_SERIES = Array.from({ length: 12 }, (_, i) => 1 / factorial(11 - i));

function factorial(n: number): number {
  return n <= 1 ? 1 : n * factorial(n - 1);
}

/** The flags, then a number exponent's locals, before the vectors': c in float64 lanes and its masks. */
const [FLAGS, EXPONENT, ODD, FRACTIONAL] = [FIRST_LOCAL, FIRST_LOCAL + 1, FIRST_LOCAL + 2, FIRST_LOCAL + 3];
/** d = ERROR_PER_Y |y| + ERROR_BASE bounds t's relative error and V8's (see above). */
const [ERROR_PER_Y, ERROR_BASE] = [16 * 2 ** -53, 128 * 2 ** -53];
/**
 * Per vector: x, m and k (float32 lanes), then per lane pair ln|x|, y, y's rounder sum t and r (float64);
 * a tensor exponent's c and masks (float32 lanes) follow.
 */
const LOCALS = 11;
interface PowLocals {
  readonly x: number;
  readonly m: number;
  readonly k: number;
  readonly log: Readonly<Record<LanePair, number>>;
  readonly y: Readonly<Record<LanePair, number>>;
  readonly t: Readonly<Record<LanePair, number>>;
  readonly r: Readonly<Record<LanePair, number>>;
  /** The exponent and the masks of an odd integer and of a non-integer (NaN too) exponent. */
  readonly c: number;
  readonly odd: number;
  readonly fractional: number;
}

/** Where the exponent comes from: one float32 at B held in every lane, or one per lane streamed from B. */
type ExponentLayout = 'single' | 'dense';

const { get, set } = op;
const f32 = (opcode: number, ...operands: Code[]) => simd(opcode, ...operands);
const f64 = (opcode: number, ...operands: Code[]) => simd(opcode, ...operands);

/** Sets `fractional` where c (float32 lanes) is no integer or NaN, and `odd` where it is an odd integer. */
function exponentMasks(c: () => Code, fractional: number, odd: number): Code {
  const half = () => f32(f32x4.mul, c(), f32Splat(0.5));
  return [
    ...set(fractional, f32(f32x4.ne, f32(f32x4.nearest, c()), c())),
    ...set(odd, simd(v128.andNot, f32(f32x4.ne, f32(f32x4.nearest, half()), half()), get(fractional))),
  ];
}

/**
 * A tensor exponent's lanes where C's pow gives 1 (c = 0, x = 1, x = -1 with c = +-Infinity), and those
 * with an exponent torch special-cases as the JS loop computes them: values (m holds sqrt x and k x * x by
 * the time they are read) and their masks, to select in this order.
 */
function torchLanes({ x, m, k, c }: PowLocals): readonly (readonly [Code, Code])[] {
  const cIs = (value: number) => f32(f32x4.eq, get(c), f32Splat(value));
  const xIs = (value: number) => f32(f32x4.eq, get(x), f32Splat(value));
  const infinite = f32(f32x4.eq, f32(f32x4.abs, get(c)), f32Splat(Infinity));
  const one = simd(v128.or, simd(v128.or, cIs(0), xIs(1)), simd(v128.and, xIs(-1), infinite));
  // one division for the three negative exponents: 1 / x, 1 / sqrt x or 1 / (x * x)
  const denominator = simd(v128.bitselect, get(x), simd(v128.bitselect, get(m), get(k), cIs(-0.5)), cIs(-1));
  const reciprocal = simd(v128.or, simd(v128.or, cIs(-1), cIs(-0.5)), cIs(-2));
  return [
    [f32Splat(1), one],
    [f32(f32x4.div, f32Splat(1), denominator), reciprocal],
    [get(m), cIs(0.5)],
    [f32(f32x4.mul, get(k), get(x)), cIs(3)],
    [get(k), cIs(2)],
  ];
}

/**
 * `powScalar` (x^c with c the float32 at B: finite and nonzero, planSimdFloat32 sends no other) or `pow`
 * (c streamed from B with x), `EXP_VECTORS` vectors per iteration: the JS loop's values, <= 0.51 ulp, but
 * for the lanes in doubt, marked with POW_MARK and flagged at END for redoing (see above).
 */
function powFunction(layout: ExponentLayout): FunctionSpec {
  const dense = layout === 'dense';
  const [shared, perVector] = dense ? [1, LOCALS + 3] : [4, LOCALS];
  const localsOf = (vector: number): PowLocals => {
    const first = FIRST_LOCAL + shared + vector * perVector;
    return {
      x: first,
      m: first + 1,
      k: first + 2,
      log: { low: first + 3, high: first + 4 },
      y: { low: first + 5, high: first + 6 },
      t: { low: first + 7, high: first + 8 },
      r: { low: first + 9, high: first + 10 },
      ...(dense
        ? { c: first + LOCALS, odd: first + LOCALS + 1, fractional: first + LOCALS + 2 }
        : { c: EXPONENT, odd: ODD, fractional: FRACTIONAL }),
    };
  };
  const { on, forPairs } = stepsOver(localsOf);
  // A number exponent's locals hold c widened and masks alike in all lanes: float64 lanes as they are.
  const exponentOf = ({ c }: PowLocals, pair: LanePair) => (dense ? widen(get(c), pair) : get(c));
  const maskOf = (mask: number, pair: LanePair) => (dense ? widenMask(get(mask), pair) : get(mask));
  // x^c from |x^c| (in t), with x's sign or NaN where C's pow gives them
  const half = (l: PowLocals, pair: LanePair): Code => {
    const magnitude = get(l.t[pair]);
    const xs = widen(get(l.x), pair);
    const sign = simd(v128.and, simd(v128.and, xs, f64Splat(-0)), maskOf(l.odd, pair));
    const size = f64(f64x2.abs, xs);
    // NaN (the JS loop's, bit for bit) for a finite negative x and a non-integer c
    const invalid = simd(
      v128.and,
      maskOf(l.fractional, pair),
      simd(v128.and, f64(f64x2.lt, xs, f64Splat(0)), f64(OP.ne, size, f64Splat(Infinity))),
    );
    return simd(v128.bitselect, f64Splat(Number.NaN), simd(v128.or, magnitude, sign), invalid);
  };
  const loop = vectorLoop({
    name: dense ? 'pow' : 'powScalar',
    vectors: EXP_VECTORS,
    locals: shared + EXP_VECTORS * perVector,
    steps: [
      on(({ x }, offset) => set(x, op.v128Load(get(A), offset))),
      ...(dense
        ? [
            on(({ c, odd, fractional }, offset) => [
              ...set(c, op.v128Load(get(B), offset)),
              ...exponentMasks(() => get(c), fractional, odd),
            ]),
          ]
        : []),
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
        const lnM = lnOfMantissa(get(y[pair]), get(log[pair]));
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
      forPairs((l, pair) =>
        set(
          l.y[pair],
          f64(
            OP.pmin,
            f64(OP.pmax, f64(f64x2.mul, exponentOf(l, pair), get(l.log[pair])), f64Splat(Y_FLOOR)),
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
      // |x^c| = 2^n e^r (t: n as an integer, less the rounder's bits), then t d (in r: free now)
      forPairs(({ t, r }, pair) =>
        set(
          t[pair],
          f64(
            f64x2.mul,
            hornerF64(get(r[pair]), EXP_SERIES),
            pow2F64OfI64(simd(i64x2.sub, get(t[pair]), f64Splat(ROUNDER))),
          ),
        ),
      ),
      forPairs(({ y, t, r }, pair) => {
        const d = f64(
          f64x2.add,
          f64(f64x2.mul, f64(f64x2.abs, get(y[pair])), f64Splat(ERROR_PER_Y)),
          f64Splat(ERROR_BASE),
        );
        return set(r[pair], f64(f64x2.mul, get(t[pair]), d));
      }),
      // the lanes whose float32 rounding is in doubt (the mask borrows log.low), flagged: a tensor
      // exponent's special lanes may be too, but their value replaces the mark (the redo finds none)
      on((l) => {
        const bound = (operation: number) =>
          narrowPairs(
            f64(operation, get(l.t.low), get(l.r.low)),
            f64(operation, get(l.t.high), get(l.r.high)),
          );
        return [
          ...set(l.log.low, f32(f32x4.lt, bound(f64x2.sub), bound(f64x2.add))),
          ...set(FLAGS, simd(v128.or, get(FLAGS), get(l.log.low))),
        ];
      }),
      // a tensor exponent's special lanes over the rest (m and k are free by now)
      ...(dense
        ? [
            on(({ x, m, k }) => [
              ...set(m, f32(f32x4.sqrt, get(x))),
              ...set(k, f32(f32x4.mul, get(x), get(x))),
            ]),
          ]
        : []),
      on((l, offset) => {
        const general = narrowPairs(half(l, 'low'), half(l, 'high'));
        const marked = simd(v128.bitselect, i32Splat(POW_MARK), general, get(l.log.low));
        const value = dense
          ? torchLanes(l).reduce<Code>((rest, [lane, mask]) => simd(v128.bitselect, lane, rest, mask), marked)
          : marked;
        return op.v128Store(get(OUT), offset, value);
      }),
    ],
    epilogue: op.v128Store(get(END), 0, get(FLAGS)),
  });
  if (dense) return loop;
  const exponent = () => op.splat(4, get(B), 0);
  const prologue = [...set(EXPONENT, widen(exponent(), 'low')), ...exponentMasks(exponent, FRACTIONAL, ODD)];
  return { ...loop, body: [...prologue, ...loop.body] };
}

/** The pow kernels: `powScalar` (a number exponent) and `pow` (a float32 tensor exponent). */
export const powFunctions = (): FunctionSpec[] => [powFunction('single'), powFunction('dense')];

/**
 * The bits the pow kernels write to a lane in doubt: a signalling NaN, which no arithmetic gives (wasm's
 * NaN results are quiet), so only those lanes of a flagged chunk need redoing.
 */
export const POW_MARK = 0x7f80_0001;

/** What redoes the lanes the pow kernels marked ({@link POW_MARK}): the JS loop's function. */
export const POW_REDO: Readonly<Record<string, (x: number, c: number) => number>> = {
  pow: powF32,
  powScalar: powF32,
};
