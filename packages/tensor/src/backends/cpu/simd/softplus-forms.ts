import { type Code, type FunctionSpec, op } from '../gemm/wasm-emitter';
import {
  A,
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

// Two activations built on softplus(x) = log(1 + e^x), on f32x4 lanes from exp.ts's reduction and
// polynomial:
// - logsigmoid(x) = min(x, 0) - log1p(e^-|x|), PyTorch's form: e = e^-|x| as an exact pair E + el
//   (scaled in two halves, so subnormal results come out right), then log1p(E + el) = log(w) + (what
//   w = fl(1 + E) dropped) / w with log.ts's polynomial on w in [1, 2].
// - mish(x) = x tanh(softplus(x)) = x a / (a + 2), a = e (e + 2), e = e^x (tanh(log n) = (n^2 - 1) /
//   (n^2 + 1) with n = 1 + e): one exponential instead of exp, log1p and tanh, the tail in float64.
// Worst against the float64 result over the float32 range: see the kernels. The JS loops they replace
// took ~37 ms (logsigmoid) and ~85 ms (mish) per 1e6 values.

/** Per vector: the input x, the exp's lanes, then two more. */
const LOCALS = 1 + LANE_LOCALS + 2;

const { get, set } = op;
const add = (a: Code, b: Code) => simd(f32x4.add, a, b);
const sub = (a: Code, b: Code) => simd(f32x4.sub, a, b);
const mul = (a: Code, b: Code) => simd(f32x4.mul, a, b);
const one = f32Splat(1);

/** One vector's locals: the input, the exp's lanes, and `w`, `d` (logsigmoid's 1 + E and its remainder). */
interface SoftplusLocals {
  readonly x: number;
  readonly v: Lanes;
  readonly w: number;
  readonly d: number;
}
const localsOf = (vector: number): SoftplusLocals => {
  const first = FIRST_LOCAL + vector * LOCALS;
  return { x: first, v: lanes(first + 1), w: first + 1 + LANE_LOCALS, d: first + 2 + LANE_LOCALS };
};
const on =
  (statement: (l: SoftplusLocals, offset: number) => Code): Step =>
  (vector) =>
    statement(localsOf(vector), 16 * vector);
const lanesOf = (vector: number) => localsOf(vector).v;

/** e^-x is 0 in float32 from here (below half the smallest subnormal), so logsigmoid's tail is 0. */
const LOGSIGMOID_FLOOR = -104;

/**
 * logsigmoid(x), `EXP_VECTORS` vectors per iteration: <= 1.2 ulp measured, subnormal results included.
 * NaN stays NaN, -Infinity gives -Infinity, Infinity +0 (as PyTorch's float32 kernel: 0 - log1p(0)).
 */
function logsigmoidFunction(): FunctionSpec {
  return vectorLoop({
    name: 'logsigmoid',
    vectors: EXP_VECTORS,
    locals: EXP_VECTORS * LOCALS,
    steps: [
      on(({ x }, offset) => set(x, op.v128Load(get(A), offset))),
      // -|x|; pmax keeps a NaN (its first operand), which min(x, 0) returns at the end.
      on(({ x, v }) =>
        set(v.x, simd(f32x4.pmax, simd(f32x4.neg, simd(f32x4.abs, get(x))), f32Splat(LOGSIGMOID_FLOOR))),
      ),
      ...expPolynomialSteps(lanesOf),
      ...expPairSteps(lanesOf, true, 'fullRange'), // E in q, el in p: E in (0, 1]
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
      on(({ x, v, w, d }, offset) => {
        // log.ts's sum: y = f z P + k * -2.12194440e-4 - z / 2; log = (f + y) + k * 0.693359375
        const f = get(v.x);
        const k = get(v.t);
        const z = get(v.q);
        const y = sub(add(mul(mul(f, z), get(v.p)), mul(k, f32Splat(-2.1219444e-4))), mul(z, f32Splat(0.5)));
        const log = add(add(f, y), mul(k, f32Splat(0.693359375)));
        const log1p = add(log, simd(f32x4.div, get(d), get(w)));
        return op.v128Store(get(OUT), offset, sub(simd(f32x4.min, get(x), f32Splat(0)), log1p));
      }),
    ],
  });
}

/** Below this x e^x is under half the smallest subnormal: mish rounds to -0 (NaN at -Infinity). */
const MISH_FLOOR = -120;
/** Above this tanh(softplus(x)) is 1 - 8e-18 or closer: mish is x. Clamping there keeps a finite. */
const MISH_CEILING = 20;

/**
 * mish(x), `EXP_VECTORS` vectors per iteration: e = e^r 2^k exactly in float64, then x a / (a + 2) rounded
 * once to float32 (<= 0.6 ulp measured, subnormal results included). NaN stays NaN; -Infinity gives NaN
 * (-inf * 0) and Infinity itself, as PyTorch's x * tanh(log1p(exp(x))).
 */
function mishFunction(): FunctionSpec {
  const f64 = (opcode: number, ...operands: Code[]) => simd(opcode, ...operands);
  const half = ({ x, v }: SoftplusLocals, pair: LanePair): Code => {
    const scale = pow2F64(simd(i32x4.sub, get(v.t), i32Splat(ROUNDER_BITS)), pair);
    // e^r = (1 + r) + h, h = r^2 P(r) (in p) rounded in float32.
    const expR = f64(f64x2.add, f64(f64x2.add, widen(get(v.r), pair), f64Splat(1)), widen(get(v.p), pair));
    const xs = widen(get(x), pair);
    const e = f64(v128.andNot, f64(f64x2.mul, expR, scale), f64(f64x2.lt, xs, f64Splat(MISH_FLOOR)));
    const a = f64(f64x2.mul, e, f64(f64x2.add, e, f64Splat(2)));
    return f64(f64x2.mul, xs, f64(f64x2.div, a, f64(f64x2.add, a, f64Splat(2))));
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
      on((l, offset) => op.v128Store(get(OUT), offset, narrowPairs(half(l, 'low'), half(l, 'high')))),
    ],
  });
}

/** The softplus-based kernels, exported as `logsigmoid` and `mish`. */
export const softplusFormFunctions = (): FunctionSpec[] => [logsigmoidFunction(), mishFunction()];
