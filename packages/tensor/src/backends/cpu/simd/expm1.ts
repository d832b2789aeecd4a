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

// float32 e^x - 1 on f32x4 lanes. exp.ts's reduction x = k ln2 + r and polynomial give e^r - 1 = r + h
// (h = r^2 P(r), rounded in float32 but small against r); the tail runs in float64, two lanes at a time:
// e^x - 1 = 2^k (r + h) + (2^k - 1), where 2^k - 1 is exact, so there is no cancellation near 0 and one
// rounding to float32 at the end. Worst against the float64 result: 0.5 ulp plus the polynomial's
// 3.6e-9 (1e6 values: ~22 ms in the JS loop).

/** e^x - 1 rounds to -1 in float32 below this; clamping x there keeps 2^k well inside float64. */
const EXPM1_FLOOR = -30;
/** e^x overflows float32 above 88.73: clamped here, the float64 tail still rounds to Infinity. */
const EXPM1_CEILING = 89;

/** Per vector: the input x, then the exp's lanes. */
const LOCALS = 1 + LANE_LOCALS;

/**
 * expm1(x), `EXP_VECTORS` vectors per iteration. ±0 give themselves (r + h would turn -0 into +0); NaN
 * stays NaN; -Infinity gives -1 and Infinity Infinity.
 */
export function expm1Function(): FunctionSpec {
  const { get, set } = op;
  const first = (vector: number) => FIRST_LOCAL + vector * LOCALS;
  const lanesOf = (vector: number) => lanes(first(vector) + 1);
  const on =
    (statement: (x: number, v: Lanes, offset: number) => Code): Step =>
    (vector) =>
      statement(first(vector), lanesOf(vector), 16 * vector);
  const f64 = (opcode: number, ...operands: Code[]) => simd(opcode, ...operands);
  /** 2^k (r + h) + (2^k - 1) in float64 for one lane pair. */
  const half = (v: Lanes, pair: LanePair): Code => {
    const scale = pow2F64(simd(i32x4.sub, get(v.t), i32Splat(ROUNDER_BITS)), pair);
    const expm1OfR = f64(f64x2.add, widen(get(v.r), pair), widen(get(v.p), pair));
    return f64(f64x2.add, f64(f64x2.mul, scale, expm1OfR), f64(f64x2.sub, scale, f64Splat(1)));
  };
  return vectorLoop({
    name: 'expm1',
    vectors: EXP_VECTORS,
    locals: EXP_VECTORS * LOCALS,
    steps: [
      on((x, _, offset) => set(x, op.v128Load(get(A), offset))),
      // pmin / pmax keep a NaN (their first operand), so it flows through to the result.
      on((x, v) =>
        set(v.x, simd(f32x4.pmax, simd(f32x4.pmin, get(x), f32Splat(EXPM1_CEILING)), f32Splat(EXPM1_FLOOR))),
      ),
      ...expPolynomialSteps(lanesOf),
      on((_, v) => set(v.p, simd(f32x4.mul, get(v.q), get(v.p)))), // h = r^2 P(r)
      on((x, v, offset) => {
        const result = narrowPairs(half(v, 'low'), half(v, 'high'));
        const zero = simd(f32x4.eq, get(x), f32Splat(0));
        return op.v128Store(get(OUT), offset, simd(v128.bitselect, get(x), result, zero));
      }),
    ],
  });
}
