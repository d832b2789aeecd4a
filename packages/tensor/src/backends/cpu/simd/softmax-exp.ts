import { type Code, type FunctionSpec, I32, op, V128 } from '../gemm/wasm-emitter';
import { f32Splat, f32x4, interleavedLoop, type Step, simd } from './code';
import { EXP_UNDERFLOW, EXP_VECTORS, expSteps, LANE_LOCALS, type Lanes, lanes, scaledFullRange } from './exp';

// softmaxExp(a, shifts, out, rows, length): e^(x + shift) over `rows` rows of `length` floats, one f32
// shift per row (minus the row's max, for softmax). The sum x + shift is rounded in float32, which would
// cost up to |x + shift| * 2^-24 of relative accuracy (1e-6 at a distance of 20 from the max); its exact
// rounding error (TwoSum) is folded back in as e^(s + err) = e^s (1 + err).

const [A, SHIFTS, OUT, ROWS, LENGTH] = [0, 1, 2, 3, 4];
const [ROW_A, ROW_OUT, ROW_END] = [5, 6, 7];
const SHIFT = 8;
/** The largest finite float32. */
const F32_MAX = 3.4028234663852886e38;
/** Per vector: the exp lanes and the rounding error of x + shift. */
const VECTOR_LOCALS = LANE_LOCALS + 1;

/**
 * The kernel. Each row runs in whole 4-vector iterations, so it writes up to 15 floats past its end: into
 * the next row's output, which that row then overwrites, and past the last row into slack the caller
 * leaves. `shift` must keep x + shift <= 89 (a row's max, or a finite shift for rows the caller redoes).
 */
export function softmaxExpFunction(): FunctionSpec {
  const { get, set } = op;
  const first = (vector: number) => SHIFT + 1 + vector * VECTOR_LOCALS;
  const on =
    (statement: (v: Lanes, err: number, offset: number) => Code): Step =>
    (vector) =>
      statement(lanes(first(vector)), first(vector) + LANE_LOCALS, 16 * vector);
  const steps: Step[] = [
    // x, parked in p; -Infinity (a masked logit) as the lowest finite float, so TwoSum stays finite.
    on((v, _, offset) => set(v.p, simd(f32x4.pmax, op.v128Load(get(A), offset), f32Splat(-F32_MAX)))),
    on((v) => set(v.x, simd(f32x4.add, get(v.p), get(SHIFT)))), // s = x + shift
    // TwoSum: err = (x - (s - b')) + (shift - b') with b' = s - x.
    on((v) => set(v.t, simd(f32x4.sub, get(v.x), get(v.p)))),
    on((v, err) =>
      set(
        err,
        simd(
          f32x4.add,
          simd(f32x4.sub, get(v.p), simd(f32x4.sub, get(v.x), get(v.t))),
          simd(f32x4.sub, get(SHIFT), get(v.t)),
        ),
      ),
    ),
    on((v) => set(v.x, simd(f32x4.pmax, get(v.x), f32Splat(EXP_UNDERFLOW)))),
    ...expSteps((vector) => lanes(first(vector))),
    // The correction goes on after scaling: where s was clamped the result is 0, whatever err is.
    on((v) => set(v.p, scaledFullRange(v))),
    on((v, err, offset) =>
      op.v128Store(get(OUT), offset, simd(f32x4.add, get(v.p), simd(f32x4.mul, get(v.p), get(err)))),
    ),
  ];
  const rowBytes = op.shl(get(LENGTH), op.i32(2));
  // The row's output end, rounded up to whole iterations.
  const iteration = 4 * EXP_VECTORS; // floats
  const paddedBytes = op.mul(
    op.divU(op.add(get(LENGTH), op.i32(iteration - 1)), op.i32(iteration)),
    op.i32(4 * iteration),
  );
  return {
    name: 'softmaxExp',
    params: 5,
    locals: [
      [3, I32],
      [1 + EXP_VECTORS * VECTOR_LOCALS, V128],
    ],
    body: op.doWhile(
      [
        ...set(SHIFT, op.splat(4, get(SHIFTS), 0)),
        ...set(ROW_A, get(A)),
        ...set(ROW_OUT, get(OUT)),
        ...set(ROW_END, op.add(get(OUT), paddedBytes)),
        ...interleavedLoop(EXP_VECTORS, steps, [A, OUT], OUT, get(ROW_END)),
        ...set(A, op.add(get(ROW_A), rowBytes)),
        ...set(OUT, op.add(get(ROW_OUT), rowBytes)),
        ...set(SHIFTS, op.add(get(SHIFTS), op.i32(4))),
        ...set(ROWS, op.sub(get(ROWS), op.i32(1))),
      ],
      op.ne(get(ROWS), op.i32(0)),
    ),
  };
}
