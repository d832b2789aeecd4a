import { type Code, type FunctionSpec, op } from '../gemm/wasm-emitter';
import { A, FIRST_LOCAL, f32Splat, f32x4, hornerSteps, OUT, type Step, simd, v128, vectorLoop } from './code';
import { expSteps, LANE_LOCALS, type Lanes, lanes, pow2OfK } from './exp';

// float32 erf on f32x4 lanes, both branches for every lane and a select, no flags:
// - |x| < 1: erf(x) = c0 x + x s Q(s), s = x^2, c0 = 2/sqrt(pi) as a float32 pair, Q fitted (relative
//   error 9e-10) by iteratively reweighted least squares. c0 x is taken exactly (Dekker's product: no FMA
//   here) since it lands a binade above the result near 1, where its rounding alone would cost an ulp.
// - |x| >= 1: |erf(x)| = 1 - erfc(|x|), erfc(z) = t e^(q(t) - z^2), t = 1 / (1 + z/2), q Numerical
//   Recipes' erfcc polynomial (relative error < 1.2e-7); z is clamped at 4, where erf is 1 in float32,
//   so exp.ts's reduction runs with 2^k normal and NaN stays NaN.
// x's sign goes on last. Measured against float64 erf: worst 1.77 ulp over every third float32 in
// +-[1e-3, 4.5] (just below 1), 1.74 among the subnormals, exactly +-1 beyond. 1e6 values: 5 ms against
// 30 for the JS loop.

/** Q's coefficients, constant term first: erf(x) / x = c0 + s Q(s) on s in [0, 1]. */
const Q = [
  -0.37612634897232056, 0.11283731460571289, -0.026863230392336845, 0.005216978490352631,
  -0.0008454699418507516, 0.00011308330431347713, -1.1321842066536192e-5, 6.195298851707776e-7,
];
/** erfcc's coefficients, constant term first: erfc(z) = t exp(-z^2 + q(t)). */
const NR = [
  -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587,
  -0.82215223, 0.17087277,
];
const fr = Math.fround;
const C0 = 2 / Math.sqrt(Math.PI);
const C0_HI = fr(C0);
const C0_LO = fr(C0 - C0_HI);
/** Dekker's splitter for float32: a * 4097 splits a 24-bit significand into two 12-bit halves. */
const SPLITTER = 4097;
const split = (a: number): [number, number] => {
  const t = fr(SPLITTER * a);
  const hi = fr(t - fr(t - a));
  return [hi, fr(a - hi)];
};
const [C0_HI_HI, C0_HI_LO] = split(C0_HI);
const ERFC_CLAMP = 4;

/** Per vector: input, the branches' temporaries, the small branch's result, and the exp's lanes. */
interface ErfLocals {
  /** The kernel's input; x is erf's argument. */
  input: number;
  x: number;
  /** x^2, then x's low half. */
  s: number;
  /** Q(s), then the small branch's result. */
  y: number;
  /** min(|x|, 4), then x's high half. */
  z: number;
  /** 1 / (1 + z/2). */
  t: number;
  /** c0hi x rounded. */
  p: number;
  /** Squares and odd parts for the polynomials' even/odd split: s^2, Q's odd part, t^2, q's odd part. */
  s2: number;
  qOdd: number;
  t2: number;
  nrOdd: number;
  e: Lanes;
}
const LOCALS = 11 + LANE_LOCALS;
const localsOf = (vector: number): ErfLocals => {
  const first = FIRST_LOCAL + vector * LOCALS;
  return {
    ...{ x: first, s: first + 1, y: first + 2, z: first + 3, t: first + 4, p: first + 5 },
    ...{ s2: first + 6, qOdd: first + 7, t2: first + 8, nrOdd: first + 9, input: first + 10 },
    e: lanes(first + 11),
  };
};

const { get, set } = op;
const add = (a: Code, b: Code) => simd(f32x4.add, a, b);
const sub = (a: Code, b: Code) => simd(f32x4.sub, a, b);
const mul = (a: Code, b: Code) => simd(f32x4.mul, a, b);
const c = f32Splat;
const on =
  (statement: (l: ErfLocals, offset: number) => Code): Step =>
  (vector) =>
    statement(localsOf(vector), 16 * vector);

type Local = (l: ErfLocals) => number;

/**
 * P(u) = E(u^2) + u O(u^2) into `into`: two independent Horner chains of half the length (`odd` and
 * `square` are scratch), for more work in flight (6% faster than one chain, measured).
 */
function evenOddSteps(
  into: Local,
  odd: Local,
  square: Local,
  at: Local,
  coefficients: readonly number[],
): Step[] {
  // Horner's rule in u^2 over every other coefficient, highest degree first.
  const every = (parity: number) => coefficients.filter((_, i) => i % 2 === parity).reverse();
  const inVector = (local: Local) => (vector: number) => local(localsOf(vector));
  return [
    on((l) => set(square(l), mul(get(at(l)), get(at(l))))),
    ...sideBySide(
      hornerSteps(inVector(into), inVector(square), every(0)),
      hornerSteps(inVector(odd), inVector(square), every(1)),
    ),
    on((l) => set(into(l), add(get(into(l)), mul(get(at(l)), get(odd(l)))))),
  ];
}

/** Independent step lists run side by side: step i of each in one step. */
const sideBySide = (...lists: Step[][]): Step[] =>
  Array.from(
    { length: Math.max(...lists.map((list) => list.length)) },
    (_, i) => (vector: number) => lists.flatMap((list) => (list[i] ? [...list[i]!(vector)] : [])),
  );

/** Vectors per iteration of the erf kernel (sixteen locals each; 1 and 4 measured slower). */
export const ERF_VECTORS = 2;

/**
 * A kernel computing erf of `argument(input)` for each input vector: `result(input, erf)` is stored. The
 * input stays in its own local; erf's argument and result sit in `x` and `y`.
 */
function erfKernel(
  name: string,
  argument: (input: Code) => Code,
  result: (input: Code, erf: Code) => Code,
): FunctionSpec {
  return vectorLoop({
    name,
    vectors: ERF_VECTORS,
    locals: ERF_VECTORS * LOCALS,
    steps: [
      on((l, offset) => [...set(l.input, op.v128Load(get(A), offset)), ...set(l.x, argument(get(l.input)))]),
      on((l) => [
        ...set(l.s, mul(get(l.x), get(l.x))),
        ...set(l.z, simd(f32x4.min, simd(f32x4.abs, get(l.x)), c(ERFC_CLAMP))),
      ]),
      on((l) => set(l.t, simd(f32x4.div, c(1), add(c(1), mul(get(l.z), c(0.5)))))),
      // Q(s) for |x| < 1 beside q(t) for |x| >= 1.
      ...sideBySide(
        evenOddSteps(
          (l) => l.y,
          (l) => l.qOdd,
          (l) => l.s2,
          (l) => l.s,
          Q,
        ),
        evenOddSteps(
          (l) => l.e.x,
          (l) => l.nrOdd,
          (l) => l.t2,
          (l) => l.t,
          NR,
        ),
      ),
      on((l) => [
        ...set(l.e.x, sub(get(l.e.x), mul(get(l.z), get(l.z)))), // q(t) - z^2
        ...set(l.y, add(mul(get(l.x), mul(get(l.s), get(l.y))), mul(get(l.x), c(C0_LO)))), // x s Q + c0lo x
      ]),
      ...sideBySide(
        expSteps((vector) => localsOf(vector).e),
        [
          // c0hi x = p + err exactly (Dekker): x = z + s in halves of 12 bits.
          on((l) => set(l.z, mul(get(l.x), c(SPLITTER)))),
          on((l) => set(l.z, sub(get(l.z), sub(get(l.z), get(l.x))))),
          on((l) => set(l.s, sub(get(l.x), get(l.z)))),
          on((l) => set(l.p, mul(get(l.x), c(C0_HI)))),
          on((l) => {
            const high = sub(mul(get(l.z), c(C0_HI_HI)), get(l.p));
            const err = add(
              add(add(high, mul(get(l.z), c(C0_HI_LO))), mul(get(l.s), c(C0_HI_HI))),
              mul(get(l.s), c(C0_HI_LO)),
            );
            return set(l.y, add(get(l.p), add(err, get(l.y))));
          }),
        ],
      ),
      on((l) => set(l.e.p, mul(get(l.t), mul(get(l.e.p), pow2OfK(get(l.e.t)))))), // erfc(z)
      // Both branches' magnitudes, then x's sign: keeps erf(-0) = -0, which a sum with +0 above would lose.
      on((l, offset) => {
        const small = simd(f32x4.abs, get(l.y));
        const large = sub(c(1), get(l.e.p));
        const magnitude = simd(v128.bitselect, small, large, simd(f32x4.lt, simd(f32x4.abs, get(l.x)), c(1)));
        const erf = simd(v128.or, magnitude, simd(v128.and, get(l.x), c(-0)));
        return op.v128Store(get(OUT), offset, result(get(l.input), erf));
      }),
    ],
  });
}

/** erf, {@link ERF_VECTORS} vectors per iteration. */
export const erfFunction = () =>
  erfKernel(
    'erf',
    (x) => x,
    (_, erf) => erf,
  );

/**
 * gelu (exact form) in float32 as PyTorch's vectorized kernel computes it: h + h erf(x sqrt(1/2)), h = x / 2,
 * so below 0 it carries 1 + erf's cancellation as PyTorch's does (absolute error up to ~1.2e-7 |x|), and
 * gelu(-0) is +0.
 */
export const geluFunction = () =>
  erfKernel(
    'gelu',
    (x) => mul(x, c(Math.SQRT1_2)),
    (x, erf) => add(mul(x, c(0.5)), mul(mul(x, c(0.5)), erf)),
  );
