import { type Code, type FunctionSpec, op } from '../gemm/wasm-emitter';
import {
  A,
  FIRST_LOCAL,
  f32Splat,
  f32x4,
  f64Splat,
  f64x2,
  highLanes,
  i32Splat,
  i32x4,
  OUT,
  range,
  type Step,
  shuffle,
  simd,
  v128,
  vectorLoop,
} from './code';
import { EXP_VECTORS, expPolynomialSteps, LANE_LOCALS, type Lanes, lanes, ROUNDER_BITS } from './exp';

// sigmoid and silu over the whole float32 range, for the chunks the fast kernels (activations.ts) flag:
// |x| past ~86, where results reach float32's subnormals, and NaN or infinities. e = e^-|x| comes from
// exp.ts's float32 reduction and polynomial; the tail runs in float64, two lanes at a time, so nothing
// overflows or flushes.

/** i64x2 opcodes these kernels use. */
const I64 = { shl: 0xcb, add: 0xce };
/** i64x2 from the low / high two i32x4 lanes, sign-extended. */
const I64_EXTEND = { low: 0xc7, high: 0xc8 };

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
  const half = (x: number, v: Lanes, part: 'low' | 'high'): Code => {
    const lanesOfPart = (u: Code) => simd(f64x2.promoteLowF32x4, part === 'low' ? u : highLanes(u));
    const k = simd(I64_EXTEND[part], simd(i32x4.sub, get(v.t), i32Splat(ROUNDER_BITS)));
    // e^r = (1 + r) + r^2 P(r), the small last term (in p) rounded in float32.
    const expR = f64(f64x2.add, f64(f64x2.add, lanesOfPart(get(v.r)), f64Splat(1)), lanesOfPart(get(v.p)));
    const scaled = f64(f64x2.mul, expR, simd(I64.shl, simd(I64.add, k, i64Splat1023), op.i32(52)));
    const xs = lanesOfPart(get(x));
    // Below the floor e is 0: the clamped exponential would make silu's x e nonzero. NaN keeps its NaN.
    const e = f64(v128.andNot, scaled, f64(f64x2.lt, xs, f64Splat(SIGMOID_FLOOR)));
    const numerator = f64(v128.bitselect, e, f64Splat(1), f64(f64x2.lt, xs, f64Splat(0)));
    const sigmoid = f64(f64x2.div, numerator, f64(f64x2.add, e, f64Splat(1)));
    return simd(f32x4.demoteF64x2, name === 'sigmoid' ? sigmoid : f64(f64x2.mul, xs, sigmoid));
  };
  const result = (x: number, v: Lanes) =>
    shuffle(half(x, v, 'low'), half(x, v, 'high'), [...range(0, 8), ...range(16, 8)]);
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

/** 1023 in both i64 lanes: the float64 exponent bias. */
const i64Splat1023: Code = simd(0x12, [0x42, 0xff, 0x07]);

/** The full-range kernels, exported as `sigmoidFullRange` and `siluFullRange`. */
export const sigmoidFullRangeFunctions = (): FunctionSpec[] => [
  fullRangeFunction('sigmoid'),
  fullRangeFunction('silu'),
];
