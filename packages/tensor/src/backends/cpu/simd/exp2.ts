import { type Code, type FunctionSpec, op } from '../gemm/wasm-emitter';
import {
  A,
  FIRST_LOCAL,
  f32Splat,
  f32x4,
  f64Splat,
  f64x2,
  hornerF64,
  type LanePair,
  narrowPairs,
  OUT,
  pow2F64,
  type Step,
  simd,
  vectorLoop,
  widen,
} from './code';
import { EXP_VECTORS } from './exp';

// float32 2^x on f32x4 lanes: x = k + f with k = round(x) and f in [-1/2, 1/2] (both exact), then in
// float64 two lanes at a time 2^f = e^(f ln2) by its Taylor series to degree 8 (|f ln2| <= 0.35: 2e-10
// relative) and 2^k exactly, rounded once to float32: subnormal results and overflow come out as a
// correctly rounded 2^x's would. The JS loop's Math.pow(2, x) took ~70 ms per 1e6 values.

/** 2^x rounds to 0 in float32 below -150 and overflows above 128: clamping here keeps k an integer. */
const EXP2_FLOOR = -151;
const EXP2_CEILING = 129;
/** e^r's Taylor coefficients 1/8! ... 1/1!, 1, highest degree first. */
const TAYLOR = [1 / 40320, 1 / 5040, 1 / 720, 1 / 120, 1 / 24, 1 / 6, 1 / 2, 1, 1];
/** i32x4.trunc_sat_f32x4_s. */
const TRUNC_TO_I32 = 0xf8;

/** Per vector: x (clamped), k as a float, k as an integer, f, then f ln2 per lane pair (float64). */
const LOCALS = 6;

/** 2^x, `EXP_VECTORS` vectors per iteration: <= 0.51 ulp. NaN stays NaN; -Infinity gives 0. */
function exp2Function(): FunctionSpec {
  const { get, set } = op;
  const localsOf = (vector: number) => {
    const first = FIRST_LOCAL + vector * LOCALS;
    return { x: first, k: first + 1, n: first + 2, f: first + 3, r: { low: first + 4, high: first + 5 } };
  };
  type Locals = ReturnType<typeof localsOf>;
  const on =
    (statement: (l: Locals, offset: number) => Code): Step =>
    (vector) =>
      statement(localsOf(vector), 16 * vector);
  const f64 = (opcode: number, ...operands: Code[]) => simd(opcode, ...operands);
  const half = ({ n, r }: Locals, pair: LanePair): Code => {
    return f64(f64x2.mul, hornerF64(get(r[pair]), TAYLOR), pow2F64(get(n), pair));
  };
  return vectorLoop({
    name: 'exp2',
    vectors: EXP_VECTORS,
    locals: EXP_VECTORS * LOCALS,
    steps: [
      // pmin / pmax keep a NaN (their first operand), which f carries to the result.
      on(({ x }, offset) =>
        set(
          x,
          simd(
            f32x4.pmax,
            simd(f32x4.pmin, op.v128Load(get(A), offset), f32Splat(EXP2_CEILING)),
            f32Splat(EXP2_FLOOR),
          ),
        ),
      ),
      on(({ x, k }) => set(k, simd(f32x4.nearest, get(x)))),
      on(({ k, n }) => set(n, simd(TRUNC_TO_I32, get(k)))),
      on(({ x, k, f }) => set(f, simd(f32x4.sub, get(x), get(k)))),
      (vector) => {
        const { f, r } = localsOf(vector);
        return (['low', 'high'] as const).flatMap((pair) =>
          set(r[pair], f64(f64x2.mul, widen(get(f), pair), f64Splat(Math.LN2))),
        );
      },
      on((l, offset) => op.v128Store(get(OUT), offset, narrowPairs(half(l, 'low'), half(l, 'high')))),
    ],
  });
}

/** The 2^x kernel, exported as `exp2`. */
export const exp2Functions = (): FunctionSpec[] => [exp2Function()];
