import { type Code, type FunctionSpec, op } from '../gemm/wasm-emitter';
import {
  A,
  END,
  FIRST_LOCAL,
  f32Splat,
  f32x4,
  hornerSteps,
  i32Splat,
  i32x4,
  OUT,
  type Step,
  simd,
  vectorLoop,
} from './code';

// float32 e^x on f32x4 lanes. Cody-Waite reduction x = k ln2 + r with k = round(x / ln2), |r| <= ln2/2,
// then e^r by a degree-6 minimax polynomial (3.6e-9 relative error, so float32 rounding dominates: <= 1
// ulp measured). k is rounded by adding 1.5 * 2^23, which leaves k in the sum's low mantissa bits, so 2^k
// is one integer shift away.
//
// Two kernels: `exp` covers |k| <= 125 (nearly every input) with a branch-free loop and flags the chunk
// when some lane is outside; `expFullRange` then redoes that chunk over the whole float32 range. Both run
// the same arithmetic on in-range lanes, so their bits agree.

/** 1.5 * 2^23: adding it to |v| < 2^22 rounds v to an integer held in the sum's low mantissa bits. */
export const ROUNDER = 12582912;
/** The bits of 1.5 * 2^23: t's bits minus these are k. */
export const ROUNDER_BITS = 0x4b400000;
/** c6 .. c2 of e^r ~ 1 + r + r^2 (c2 + c3 r + ... + c6 r^4), fitted (Lawson's minimax) on [-ln2/2, ln2/2]. */
const COEFFICIENTS = [1.381454058e-3, 8.368745446e-3, 4.166838899e-2, 1.666652113e-1, 4.999999404e-1];
/** Largest |k| whose 2^k scaling by an exponent-field add keeps every e^r * 2^k a normal float32. */
const FAST_K = 125;
/** Vectors per iteration of the fast loop (see vectorLoop); chunks are padded to a multiple of this. */
export const EXP_VECTORS = 4;

/** The locals one vector's computation uses. */
export interface Lanes {
  /** The input. */
  x: number;
  /** x log2(e) + 1.5 * 2^23: k in its low mantissa bits. */
  t: number;
  /** The reduced argument r. */
  r: number;
  /** The polynomial, then e^r. */
  p: number;
  /** Scratch: k ln2's low part, then r^2. */
  q: number;
}
/** Locals per {@link Lanes}. */
export const LANE_LOCALS = 5;
/** The lanes of one vector, in the locals from `first`. */
export const lanes = (first: number): Lanes => ({
  x: first,
  t: first + 1,
  r: first + 2,
  p: first + 3,
  q: first + 4,
});

const mulAdd = (a: Code, b: Code, c: Code) => simd(f32x4.add, simd(f32x4.mul, a, b), c);

/** Statements leaving e^r in `p` and k in `t`, for x already in `x`. */
export function expSteps(lanesOf: (vector: number) => Lanes): Step[] {
  const { get, set } = op;
  return [
    ...expPolynomialSteps(lanesOf),
    (vector) => {
      const v = lanesOf(vector);
      return set(v.p, mulAdd(get(v.q), get(v.p), simd(f32x4.add, get(v.r), f32Splat(1))));
    },
  ];
}

/**
 * {@link expSteps} but the last: r in `r`, r^2 in `q` and P(r) in `p`, so e^r = 1 + r + r^2 P(r) can be
 * summed in float64 without float32's two final roundings.
 */
export function expPolynomialSteps(lanesOf: (vector: number) => Lanes): Step[] {
  const { get, set } = op;
  const on =
    (statement: (v: Lanes) => Code): Step =>
    (vector) =>
      statement(lanesOf(vector));
  return [
    on((v) => set(v.t, mulAdd(get(v.x), f32Splat(Math.LOG2E), f32Splat(ROUNDER)))),
    on((v) => set(v.r, simd(f32x4.sub, get(v.t), f32Splat(ROUNDER)))), // k, as a float
    // r = x - k ln2, ln2 split so k * 0.693359375 is exact.
    on((v) => set(v.q, simd(f32x4.mul, get(v.r), f32Splat(-2.1219444e-4)))),
    on((v) => set(v.r, simd(f32x4.sub, get(v.x), simd(f32x4.mul, get(v.r), f32Splat(0.693359375))))),
    on((v) => set(v.r, simd(f32x4.sub, get(v.r), get(v.q)))),
    // e^r = 1 + r + r^2 P(r), P by Horner.
    ...hornerSteps(
      (vector) => lanesOf(vector).p,
      (vector) => lanesOf(vector).r,
      COEFFICIENTS,
    ),
    on((v) => set(v.q, simd(f32x4.mul, get(v.r), get(v.r)))),
  ];
}

/**
 * After {@link expPolynomialSteps}: e^x as the exact-sum pair E (in `q`) + el (in `p`), leaving `r` free.
 * e^r = 1 + p, p = r + r^2 P(r), is split exactly into s = fl(1 + p) and c = p - (s - 1), then both are
 * scaled by 2^k: in one multiply (`normal`: exact while |k| <= 126), or in two halves (`fullRange`: E
 * rounds into the subnormals and to 0 as a correctly rounded exp would). `keepRoundingOfP` also keeps
 * what rounding p = r + h dropped: tanh near 0, where n = 1 - e is -p itself, needs it (1.97 ulp without).
 */
export function expPairSteps(
  lanesOf: (vector: number) => Lanes,
  keepRoundingOfP: boolean,
  scale: 'normal' | 'fullRange' = 'normal',
): Step[] {
  const { get, set } = op;
  const add = (a: Code, b: Code) => simd(f32x4.add, a, b);
  const sub = (a: Code, b: Code) => simd(f32x4.sub, a, b);
  const mul = (a: Code, b: Code) => simd(f32x4.mul, a, b);
  const one = f32Splat(1);
  const on =
    (statement: (v: Lanes) => Code): Step =>
    (vector) =>
      statement(lanesOf(vector));
  const scaleBoth = (factor: (v: Lanes) => Code): Step[] => [
    on((v) => set(v.r, factor(v))),
    on((v) => set(v.q, mul(get(v.q), get(v.r)))),
    on((v) => set(v.p, mul(get(v.p), get(v.r)))),
  ];
  return [
    ...(keepRoundingOfP
      ? [
          on((v) => set(v.q, mul(get(v.q), get(v.p)))), // h = r^2 P(r)
          on((v) => set(v.p, add(get(v.r), get(v.q)))), // p = e^r - 1 = r + h
          on((v) => set(v.r, sub(get(v.q), sub(get(v.p), get(v.r))))), // what p dropped (|r| >= |h|)
          on((v) => set(v.q, add(get(v.p), one))), // s
          on((v) => set(v.p, add(sub(get(v.p), sub(get(v.q), one)), get(v.r)))), // c: all that s dropped
        ]
      : [
          on((v) => set(v.p, add(get(v.r), mul(get(v.q), get(v.p))))), // p = e^r - 1
          on((v) => set(v.q, add(get(v.p), one))), // s
          on((v) => set(v.p, sub(get(v.p), sub(get(v.q), one)))), // c: what s dropped
        ]),
    ...(scale === 'normal'
      ? scaleBoth((v) => pow2OfK(get(v.t)))
      : [...scaleBoth((v) => pow2Halves(get(v.t))[0]), ...scaleBoth((v) => pow2Halves(get(v.t))[1])]),
  ];
}

/**
 * Max-accumulates the lanes' k + 125 (one subtraction), read unsigned, into local `flags`: in range while
 * <= 250, see {@link needsFullRange}. NaN and infinities land far outside the range.
 */
export function rangeFlagStatement(flags: number, v: Lanes): Code {
  const { get, set } = op;
  return set(flags, simd(i32x4.maxU, get(flags), simd(i32x4.sub, get(v.t), i32Splat(ROUNDER_BITS - FAST_K))));
}

/** 2^k as float32 lanes, k from `t` (|k| <= 126). */
export const pow2OfK = (t: Code): Code =>
  simd(i32x4.shl, simd(i32x4.sub, t, i32Splat(ROUNDER_BITS - 127)), op.i32(23));

/**
 * e^x for |k| <= 125, `EXP_VECTORS` vectors per iteration: 2^k is applied by adding k to the exponent
 * field, which is only right while the result stays normal. Every lane's k + 125, read unsigned, is
 * max-accumulated and stored at END, for {@link needsFullRange}; NaN and infinities land far outside the
 * range too. No branch in the loop, so V8 hoists every constant splat out of it.
 */
function expFunction(): FunctionSpec {
  const { get, set } = op;
  const flags = FIRST_LOCAL;
  const lanesOf = (vector: number) => lanes(FIRST_LOCAL + 1 + vector * LANE_LOCALS);
  const on =
    (statement: (v: Lanes, offset: number) => Code): Step =>
    (vector) =>
      statement(lanesOf(vector), 16 * vector);
  return vectorLoop({
    name: 'exp',
    vectors: EXP_VECTORS,
    locals: 1 + EXP_VECTORS * LANE_LOCALS,
    steps: [
      on((v, offset) => set(v.x, op.v128Load(get(A), offset))),
      ...expSteps(lanesOf),
      on((v) => rangeFlagStatement(flags, v)),
      on((v, offset) =>
        op.v128Store(get(OUT), offset, simd(i32x4.add, get(v.p), simd(i32x4.shl, get(v.t), op.i32(23)))),
      ),
    ],
    epilogue: op.v128Store(get(END), 0, get(flags)),
  });
}

/**
 * 2^k as two float32 factors 2^(k >> 1) and 2^(k - (k >> 1)), k from `t`: each normal for |k| <= 252, so
 * multiplying by one and then the other reaches the subnormal range and overflows exactly as one
 * correctly rounded scaling would.
 */
function pow2Halves(t: Code): [Code, Code] {
  const pow2 = (exponent: Code) => simd(i32x4.shl, simd(i32x4.add, exponent, i32Splat(127)), op.i32(23));
  const k = simd(i32x4.sub, t, i32Splat(ROUNDER_BITS));
  const half = simd(i32x4.shrS, k, op.i32(1));
  return [pow2(half), pow2(simd(i32x4.sub, k, half))];
}

/**
 * p * 2^k (k from `t`) for every k a clamped x in [-104, 89] gives: applied as two halves, so results reach
 * the subnormal range and overflow exactly as a correctly rounded exp would.
 */
export function scaledFullRange(v: Lanes): Code {
  const [low, high] = pow2Halves(op.get(v.t));
  return simd(f32x4.mul, simd(f32x4.mul, op.get(v.p), low), high);
}

/** e^x is 0 in float32 below this (and +Infinity above 89). */
export const EXP_UNDERFLOW = -104;

/**
 * e^x over the whole float32 range, for chunks {@link expFunction} flagged. x is clamped to [-104, 89],
 * where e^x already rounds to 0 / overflows to Infinity. NaN stays NaN.
 */
function expFullRangeFunction(): FunctionSpec {
  const { get, set } = op;
  const v = lanes(FIRST_LOCAL);
  const clamped = (x: Code) => simd(f32x4.pmax, simd(f32x4.pmin, x, f32Splat(89)), f32Splat(EXP_UNDERFLOW));
  return vectorLoop({
    name: 'expFullRange',
    vectors: 1,
    locals: LANE_LOCALS,
    steps: [
      () => set(v.x, clamped(op.v128Load(get(A), 0))),
      ...expSteps(() => v),
      () => op.v128Store(get(OUT), 0, scaledFullRange(v)),
    ],
  });
}

/** The exp kernels, exported by name: `exp` and `expFullRange`. */
export const expFunctions = (): FunctionSpec[] => [expFunction(), expFullRangeFunction()];

/**
 * Whether the range flags a fast kernel (`exp`, `sigmoid`, `silu`) stored at `flags[at .. at + 3]` report a
 * lane that needs its full-range kernel.
 */
export function needsFullRange(flags: Uint32Array, at: number): boolean {
  return Math.max(flags[at]!, flags[at + 1]!, flags[at + 2]!, flags[at + 3]!) > 2 * FAST_K;
}
