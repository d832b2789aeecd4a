import { type Code, type FunctionSpec, op } from '../gemm/wasm-emitter';
import {
  A,
  FIRST_LOCAL,
  f32Splat,
  f32x4,
  f64Splat,
  f64x2,
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
import { EXP_VECTORS, expPolynomialSteps, LANE_LOCALS, type Lanes, lanes, ROUNDER_BITS } from './exp';

// sigmoid and silu over the whole float32 range, for the chunks the fast kernels (activations.ts) flag:
// |x| past ~86, where results reach float32's subnormals, and NaN or infinities. e = e^-|x| comes from
// exp.ts's float32 reduction and polynomial; the tail runs in float64, two lanes at a time, so nothing
// overflows or flushes.

const f64 = (opcode: number, ...operands: Code[]) => simd(opcode, ...operands);

/** sigmoid's lowest argument: |x| e^x is below half float32's smallest subnormal there (silu rounds to -0). */
const SIGMOID_FLOOR = -120;
/** Per vector: the exp's lanes and the input x. */
const SIGMOID_LOCALS = LANE_LOCALS + 1;

/**
 * sigmoid (or silu, x sigmoid(x)), `EXP_VECTORS` vectors per iteration: e^-|x| = e^r 2^k by exp.ts's
 * float32 reduction and polynomial (x clamped at -120, where both round to 0 in float32), then in float64
 * per half e^r = (1 + r) + r^2 P(r), e = e^r 2^k exactly and (x < 0 ? e : 1) / (1 + e) (times x for
 * silu), rounded once to float32: <= 0.8 ulp measured, subnormal results included. NaN stays NaN;
 * silu(-Infinity) is NaN (-inf * 0), as PyTorch's x / (1 + e^-x).
 */
function fullRangeFunction(name: 'sigmoid' | 'silu'): FunctionSpec {
  const { get, set } = op;
  const first = (vector: number) => FIRST_LOCAL + vector * SIGMOID_LOCALS;
  const lanesOf = (vector: number) => lanes(first(vector) + 1);
  const on =
    (statement: (x: number, v: Lanes, offset: number) => Code): Step =>
    (vector) =>
      statement(first(vector), lanesOf(vector), 16 * vector);
  /** The float64 result for the low or high two lanes. */
  const half = (x: number, v: Lanes, part: LanePair): Code => {
    const k = simd(i32x4.sub, get(v.t), i32Splat(ROUNDER_BITS));
    // e^r = (1 + r) + r^2 P(r), the small last term (in p) rounded in float32.
    const expR = f64(f64x2.add, f64(f64x2.add, widen(get(v.r), part), f64Splat(1)), widen(get(v.p), part));
    const scaled = f64(f64x2.mul, expR, pow2F64(k, part));
    const xs = widen(get(x), part);
    // Below the floor e is 0: the clamped exponential would make silu's x e nonzero. NaN keeps its NaN.
    const e = f64(v128.andNot, scaled, f64(f64x2.lt, xs, f64Splat(SIGMOID_FLOOR)));
    const numerator = f64(v128.bitselect, e, f64Splat(1), f64(f64x2.lt, xs, f64Splat(0)));
    const sigmoid = f64(f64x2.div, numerator, f64(f64x2.add, e, f64Splat(1)));
    return name === 'sigmoid' ? sigmoid : f64(f64x2.mul, xs, sigmoid);
  };
  const result = (x: number, v: Lanes) => narrowPairs(half(x, v, 'low'), half(x, v, 'high'));
  return vectorLoop({
    name: `${name}FullRange`,
    vectors: EXP_VECTORS,
    locals: EXP_VECTORS * SIGMOID_LOCALS,
    steps: [
      on((x, _, offset) => set(x, op.v128Load(get(A), offset))),
      on((x, v) =>
        set(v.x, simd(f32x4.pmax, simd(f32x4.neg, simd(f32x4.abs, get(x))), f32Splat(SIGMOID_FLOOR))),
      ),
      ...expPolynomialSteps(lanesOf),
      on((_, v) => set(v.p, simd(f32x4.mul, get(v.q), get(v.p)))),
      on((x, v, offset) => op.v128Store(get(OUT), offset, result(x, v))),
    ],
  });
}

/** The full-range kernels, exported as `sigmoidFullRange` and `siluFullRange`. */
export const sigmoidFullRangeFunctions = (): FunctionSpec[] => [
  fullRangeFunction('sigmoid'),
  fullRangeFunction('silu'),
];
