import { type Code, type FunctionSpec, op } from '../gemm/wasm-emitter';
import {
  A,
  B,
  FIRST_LOCAL,
  f32Splat,
  f32x4,
  f64Splat,
  f64x2,
  hornerSteps,
  i32Splat,
  i32x4,
  type LanePair,
  narrowPairs,
  OUT,
  pow2F64,
  type Step,
  simd,
  v128,
  vectorLoop,
  widen,
} from './code';
import {
  EXP_VECTORS,
  expPairSteps,
  expPolynomialSteps,
  LANE_LOCALS,
  type Lanes,
  lanes,
  ROUNDER_BITS,
} from './exp';
import { LOG_POLYNOMIAL } from './log';

// Activations built on softplus(x) = log(1 + e^x), on f32x4 lanes from exp.ts's reduction and
// polynomial:
// - softplus itself, max(u, 0) + log1p(e^-|u|) with u = beta x, and logsigmoid(x) = min(x, 0) -
//   log1p(e^-|x|), PyTorch's form: e = e^-|u| as an exact pair E + el (scaled in two halves, so subnormal
//   results come out right), then log1p(E + el) = log(w) + (what w = fl(1 + E) dropped) / w with
//   log.ts's polynomial on w in [1, 2].
// - mish(x) = x tanh(softplus(x)) = x a / (a + 2), a = e (e + 2), e = e^x (tanh(log n) = (n^2 - 1) /
//   (n^2 + 1) with n = 1 + e): one exponential instead of exp, log1p and tanh, the tail in float64.
// Worst against the float64 result over the float32 range: see the kernels. What they replace took ~37
// ms (logsigmoid's JS loop), ~17 ms (softplus as seven ops) and ~85 ms (mish's JS loop) per 1e6 values.

/** Per vector: the input x, the exp's lanes, then three more. */
const LOCALS = 1 + LANE_LOCALS + 3;

const { get, set } = op;
const add = (a: Code, b: Code) => simd(f32x4.add, a, b);
const sub = (a: Code, b: Code) => simd(f32x4.sub, a, b);
const mul = (a: Code, b: Code) => simd(f32x4.mul, a, b);
const one = f32Splat(1);

/**
 * One vector's locals: the input x, the argument u, the exp's lanes, and `w`, `d` (1 + E and what that
 * sum dropped).
 */
interface SoftplusLocals {
  readonly x: number;
  readonly u: number;
  readonly v: Lanes;
  readonly w: number;
  readonly d: number;
}

/** Splat locals come first (read once from B), then each vector's. */
const localsAfter =
  (splats: number) =>
  (vector: number): SoftplusLocals => {
    const first = FIRST_LOCAL + splats + vector * LOCALS;
    const extra = first + 1 + LANE_LOCALS;
    return { x: first, v: lanes(first + 1), u: extra, w: extra + 1, d: extra + 2 };
  };

/** e^-|u| is 0 in float32 from here (below half the smallest subnormal), so log1p of it is 0. */
const EXP_FLOOR = -104;

/** What a kernel built on L = log1p(e^-|u|) computes around it; `s` are its splat locals. */
interface Log1pOfExpForm {
  readonly name: string;
  /** Values read once from B into splat locals (softplus's beta and threshold). */
  readonly splats: number;
  /** u from the input (a local). */
  readonly argument: (x: Code, s: readonly number[]) => Code;
  /** The result in float64 from the input, u, L and the splats, all float64 (one lane pair). */
  readonly combine: (x: Code, u: Code, log1p: Code, s: readonly Code[]) => Code;
  /** Then, in float32 over the whole vector, a choice between the input and that result. */
  readonly select?: (x: Code, u: Code, result: Code, s: readonly number[]) => Code;
}

/**
 * A kernel computing L = log1p(e^-|u|), `EXP_VECTORS` vectors per iteration: e = e^-|u| as the exact
 * pair E + el (scaled in two halves: subnormal E is rounded right), w = fl(1 + E), and L = log(w) + (what
 * w dropped + el) / w, log(w) by log.ts's polynomial with w in [1, 2]. A NaN u stays NaN through pmax,
 * for `combine` to pass on.
 */
function log1pOfExpKernel({ name, splats, argument, combine, select }: Log1pOfExpForm): FunctionSpec {
  const localsOf = localsAfter(splats);
  const s = Array.from({ length: splats }, (_, i) => FIRST_LOCAL + i);
  const on =
    (statement: (l: SoftplusLocals, offset: number) => Code): Step =>
    (vector) =>
      statement(localsOf(vector), 16 * vector);
  const lanesOf = (vector: number) => localsOf(vector).v;
  const loop = vectorLoop({
    name,
    vectors: EXP_VECTORS,
    locals: splats + EXP_VECTORS * LOCALS,
    steps: [
      on(({ x }, offset) => set(x, op.v128Load(get(A), offset))),
      on(({ x, u }) => set(u, argument(get(x), s))),
      on(({ u, v }) =>
        set(v.x, simd(f32x4.pmax, simd(f32x4.neg, simd(f32x4.abs, get(u))), f32Splat(EXP_FLOOR))),
      ),
      ...expPolynomialSteps(lanesOf),
      ...expPairSteps(lanesOf, true, 'fullRange'), // E in q, el in p: E in [0, 1]
      on(({ v, w }) => set(w, add(one, get(v.q)))),
      // What w dropped, exactly (Fast2Sum: 1 >= E), plus el.
      on(({ v, w, d }) => set(d, add(sub(get(v.q), sub(get(w), one)), get(v.p)))),
      // log(w), w in [1, 2]: f = w - 1 and k = 0, or f = w / 2 - 1 and k = 1 from sqrt(2) (both exact).
      on(({ v, w }) => set(v.t, simd(f32x4.ge, get(w), f32Splat(Math.SQRT2)))),
      on(({ v, w }) =>
        set(v.x, sub(simd(v128.bitselect, mul(get(w), f32Splat(0.5)), get(w), get(v.t)), one)),
      ),
      on(({ v }) => set(v.t, simd(v128.and, get(v.t), one))), // k as a float
      on(({ v }) => set(v.q, mul(get(v.x), get(v.x)))),
      ...hornerSteps(
        (vector) => lanesOf(vector).p,
        (vector) => lanesOf(vector).x,
        LOG_POLYNOMIAL,
      ),
      // log.ts's sum: y = f z P + k * -2.12194440e-4 - z / 2 (in p), log = (f + y) + k * 0.693359375
      on(({ v }) => {
        const z = get(v.q);
        const kLow = mul(get(v.t), f32Splat(-2.1219444e-4));
        return set(v.p, sub(add(mul(mul(get(v.x), z), get(v.p)), kLow), mul(z, f32Splat(0.5))));
      }),
      on(({ v }) => set(v.t, mul(get(v.t), f32Splat(0.693359375)))), // k ln2's high part, exact
      on(({ w, d }) => set(d, simd(f32x4.div, get(d), get(w)))), // what 1 + E dropped, over w
      // L = f + y + k ln2 + d / w and the result in float64 (L never rounded to float32), rounded once.
      on(({ x, u, v, d }, offset) => {
        const half = (pair: LanePair) => {
          const wide = (local: number) => widen(get(local), pair);
          const sum = (...terms: Code[]) => terms.reduce((a, b) => simd(f64x2.add, a, b));
          const log1p = sum(wide(v.x), wide(v.p), wide(v.t), wide(d));
          return combine(
            wide(x),
            wide(u),
            log1p,
            s.map((local) => wide(local)),
          );
        };
        const result = narrowPairs(half('low'), half('high'));
        return op.v128Store(get(OUT), offset, select ? select(get(x), get(u), result, s) : result);
      }),
    ],
  });
  const splatValues = s.flatMap((local, i) => set(local, op.splat(4, get(B), 4 * i)));
  return { ...loop, body: [...splatValues, ...loop.body] };
}

/**
 * logsigmoid(x) = min(x, 0) - log1p(e^-|x|) (PyTorch's form): <= 1.1 ulp measured, subnormal results
 * included. NaN stays NaN, -Infinity gives -Infinity, Infinity +0 (as PyTorch's float32 0 - log1p(0)).
 */
const logsigmoidFunction = () =>
  log1pOfExpKernel({
    name: 'logsigmoid',
    splats: 0,
    argument: (x) => x,
    combine: (x, _, log1p) => simd(f64x2.sub, simd(f64x2.min, x, f64Splat(0)), log1p),
  });

/**
 * softplus(x) with beta and threshold from B (as float32, PyTorch's parameters): with u = fl(beta x),
 * x where u > threshold, else log1p(e^u) / beta = (max(u, 0) + log1p(e^-|u|)) / beta, which never
 * overflows: <= 1.3 ulp measured for betas 1, 2, 0.5, 3 and -1.5. NaN stays NaN (max keeps it),
 * -Infinity gives 0.
 */
const softplusFunction = () =>
  log1pOfExpKernel({
    name: 'softplus',
    splats: 2,
    argument: (x, [beta]) => mul(x, get(beta!)),
    combine: (_, u, log1p, [beta]) =>
      simd(f64x2.div, simd(f64x2.add, simd(f64x2.max, u, f64Splat(0)), log1p), beta!),
    select: (x, u, smooth, [, threshold]) =>
      simd(v128.bitselect, x, smooth, simd(f32x4.gt, u, get(threshold!))),
  });

/** Below this x e^x is under half the smallest subnormal: mish rounds to -0 (NaN at -Infinity). */
const MISH_FLOOR = -120;
/** Above this tanh(softplus(x)) is 1 - 8e-18 or closer: mish is x. Clamping there keeps a finite. */
const MISH_CEILING = 20;

/**
 * mish(x), `EXP_VECTORS` vectors per iteration: e = e^r 2^k exactly in float64, then x a / (a + 2) rounded
 * once to float32 (<= 0.8 ulp measured, subnormal results included). NaN stays NaN; -Infinity gives NaN
 * (-inf * 0) and Infinity itself, as PyTorch's x * tanh(log1p(exp(x))).
 */
function mishFunction(): FunctionSpec {
  const localsOf = localsAfter(0);
  const lanesOf = (vector: number) => localsOf(vector).v;
  const on =
    (statement: (l: SoftplusLocals, offset: number) => Code): Step =>
    (vector) =>
      statement(localsOf(vector), 16 * vector);
  const f64 = (opcode: number, ...operands: Code[]) => simd(opcode, ...operands);
  /** e = e^x in float64 for one lane pair (0 below the floor). */
  const exponential = ({ x, v }: SoftplusLocals, pair: LanePair): Code => {
    const scale = pow2F64(simd(i32x4.sub, get(v.t), i32Splat(ROUNDER_BITS)), pair);
    // e^r = (1 + r) + h, h = r^2 P(r) (in p) rounded in float32.
    const expR = f64(f64x2.add, f64(f64x2.add, widen(get(v.r), pair), f64Splat(1)), widen(get(v.p), pair));
    const below = f64(f64x2.lt, widen(get(x), pair), f64Splat(MISH_FLOOR));
    return f64(v128.andNot, f64(f64x2.mul, expR, scale), below);
  };
  /** The lane pairs' e, kept in the exp's lanes x and q (free by then). */
  const eOf = ({ v }: SoftplusLocals, pair: LanePair) => (pair === 'low' ? v.x : v.q);
  const half = (l: SoftplusLocals, pair: LanePair): Code => {
    const e = get(eOf(l, pair));
    const a = f64(f64x2.mul, e, f64(f64x2.add, e, f64Splat(2)));
    return f64(f64x2.mul, widen(get(l.x), pair), f64(f64x2.div, a, f64(f64x2.add, a, f64Splat(2))));
  };
  return vectorLoop({
    name: 'mish',
    vectors: EXP_VECTORS,
    locals: EXP_VECTORS * LOCALS,
    steps: [
      on(({ x }, offset) => set(x, op.v128Load(get(A), offset))),
      on(({ x, v }) =>
        set(v.x, simd(f32x4.pmax, simd(f32x4.pmin, get(x), f32Splat(MISH_CEILING)), f32Splat(MISH_FLOOR))),
      ),
      ...expPolynomialSteps(lanesOf),
      on(({ v }) => set(v.p, mul(get(v.q), get(v.p)))), // h
      on((l) => [
        ...set(eOf(l, 'low'), exponential(l, 'low')),
        ...set(eOf(l, 'high'), exponential(l, 'high')),
      ]),
      on((l, offset) => op.v128Store(get(OUT), offset, narrowPairs(half(l, 'low'), half(l, 'high')))),
    ],
  });
}

/** The softplus-based kernels, exported as `logsigmoid`, `softplus` and `mish`. */
export const softplusFormFunctions = (): FunctionSpec[] => [
  logsigmoidFunction(),
  softplusFunction(),
  mishFunction(),
];
