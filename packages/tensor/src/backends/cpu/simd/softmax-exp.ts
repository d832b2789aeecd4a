import { type Code, type FunctionSpec, I32, op, V128 } from '../gemm/wasm-emitter';
import { f32Splat, f32x4, f64x2, highLanes, i32x4, interleavedLoop, type Step, simd } from './code';
import {
  EXP_UNDERFLOW,
  EXP_VECTORS,
  expSteps,
  LANE_LOCALS,
  type Lanes,
  lanes,
  rangeFlagStatement,
  scaledFullRange,
} from './exp';

// softmaxExp(a, shifts, out, rows, length): e^(x + shift) over `rows` rows of `length` floats, one f32
// shift per row (minus the row's max, for softmax). The sum x + shift is rounded in float32, which would
// cost up to |x + shift| * 2^-24 of relative accuracy (1e-6 at a distance of 20 from the max); its exact
// rounding error (TwoSum) is folded back in as e^(s + err) = e^s (1 + err). softmaxExpSum also sums each
// row, and scales by an exponent-field add where that is exact (nearly always), flagging the rest.

const [A, SHIFTS, OUT, ROWS, LENGTH] = [0, 1, 2, 3, 4];
/** softmaxExpSum's extra parameters: where the rows' partial sums go, and where its range flags go. */
const [SUMS, FLAGS_AT] = [5, 6];
/** The largest finite float32. */
const F32_MAX = 3.4028234663852886e38;
/** Per vector: the exp lanes and the rounding error of x + shift. */
const VECTOR_LOCALS = LANE_LOCALS + 1;
/** Floats per loop iteration. */
const ITERATION = 4 * EXP_VECTORS;

/** Locals from the first after `params`: i32 row start, row output start, row end, full-iterations end. */
function localsOf(params: number) {
  const [rowA, rowOut, rowEnd, fullEnd] = [params, params + 1, params + 2, params + 3];
  const shift = params + 4;
  const [flags, sumLow, sumHigh] = [shift + 1, shift + 2, shift + 3];
  const first = (vector: number) => sumHigh + 1 + vector * VECTOR_LOCALS;
  return { rowA, rowOut, rowEnd, fullEnd, shift, flags, sumLow, sumHigh, first };
}
type Locals = ReturnType<typeof localsOf>;

/**
 * The steps for one vector: x + shift with its TwoSum error, e^(x + shift) compensated by it, stored.
 * `fullRange` steps are right for any lanes (clamped, scaled in two halves); the fast ones scale by an
 * exponent-field add, right while k >= -125, and max-accumulate every lane's k into the range flags.
 */
function expShiftedSteps(l: Locals, fullRange: boolean): Step[] {
  const { get, set } = op;
  const on =
    (statement: (v: Lanes, err: number, offset: number) => Code): Step =>
    (vector) =>
      statement(lanes(l.first(vector)), l.first(vector) + LANE_LOCALS, 16 * vector);
  const load = (offset: number) => op.v128Load(get(A), offset);
  return [
    // x, parked in p; on the full-range path -Infinity (a masked logit) as the lowest finite float, so
    // TwoSum stays finite (the fast path flags infinities and NaN instead).
    on((v, _, offset) =>
      set(v.p, fullRange ? simd(f32x4.pmax, load(offset), f32Splat(-F32_MAX)) : load(offset)),
    ),
    on((v) => set(v.x, simd(f32x4.add, get(v.p), get(l.shift)))), // s = x + shift
    // TwoSum: err = (x - (s - b')) + (shift - b') with b' = s - x.
    on((v) => set(v.t, simd(f32x4.sub, get(v.x), get(v.p)))),
    on((v, err) =>
      set(
        err,
        simd(
          f32x4.add,
          simd(f32x4.sub, get(v.p), simd(f32x4.sub, get(v.x), get(v.t))),
          simd(f32x4.sub, get(l.shift), get(v.t)),
        ),
      ),
    ),
    ...(fullRange ? [on((v) => set(v.x, simd(f32x4.pmax, get(v.x), f32Splat(EXP_UNDERFLOW))))] : []),
    ...expSteps((vector) => lanes(l.first(vector))),
    fullRange
      ? on((v) => set(v.p, scaledFullRange(v)))
      : on((v) => [
          ...rangeFlagStatement(l.flags, v),
          ...set(v.p, simd(i32x4.add, get(v.p), simd(i32x4.shl, get(v.t), op.i32(23)))),
        ]),
    // The correction goes on after scaling: where s was clamped the result is 0, whatever err is.
    on((v, err) => set(v.p, simd(f32x4.add, get(v.p), simd(f32x4.mul, get(v.p), get(err))))),
    on((v, _, offset) => op.v128Store(get(OUT), offset, get(v.p))),
  ];
}

/** Steps adding each vector's results (in p) to the row's two float64 partial sums. */
function sumSteps(l: Locals): Step[] {
  const { get, set } = op;
  const p = (vector: number) => get(lanes(l.first(vector)).p);
  return [
    (vector) => set(l.sumLow, simd(f64x2.add, get(l.sumLow), simd(f64x2.promoteLowF32x4, p(vector)))),
    (vector) =>
      set(l.sumHigh, simd(f64x2.add, get(l.sumHigh), simd(f64x2.promoteLowF32x4, highLanes(p(vector))))),
  ];
}

/**
 * The loop over rows around `row` (the statements for one row, OUT at its output): each row's shift
 * splatted, its ends computed, A and OUT moved to the next row after it.
 */
function eachRow(l: Locals, row: Code): Code {
  const { get, set } = op;
  const rowBytes = op.shl(get(LENGTH), op.i32(2));
  // The row's output end, rounded up to whole iterations, and the end of its whole iterations.
  const paddedBytes = op.mul(
    op.divU(op.add(get(LENGTH), op.i32(ITERATION - 1)), op.i32(ITERATION)),
    op.i32(4 * ITERATION),
  );
  const fullBytes = op.mul(op.divU(get(LENGTH), op.i32(ITERATION)), op.i32(4 * ITERATION));
  return op.doWhile(
    [
      ...set(l.shift, op.splat(4, get(SHIFTS), 0)),
      ...set(l.rowA, get(A)),
      ...set(l.rowOut, get(OUT)),
      ...set(l.rowEnd, op.add(get(OUT), paddedBytes)),
      ...set(l.fullEnd, op.add(get(OUT), fullBytes)),
      ...row,
      ...set(A, op.add(get(l.rowA), rowBytes)),
      ...set(OUT, op.add(get(l.rowOut), rowBytes)),
      ...set(SHIFTS, op.add(get(SHIFTS), op.i32(4))),
      ...set(ROWS, op.sub(get(ROWS), op.i32(1))),
    ],
    op.ne(get(ROWS), op.i32(0)),
  );
}

/** An {@link interleavedLoop} of `steps` from OUT to `end`, skipped when OUT is already there. */
const loopUntil = (steps: Step[], end: number): Code =>
  op.ifElse(
    op.ltU(op.get(OUT), op.get(end)),
    interleavedLoop(EXP_VECTORS, steps, [A, OUT], OUT, op.get(end)),
    [],
  );

/** The locals of either kernel (localsOf's): four i32, then shift, flags, two sums and the vectors'. */
const LOCALS = [
  [4, I32],
  [4 + EXP_VECTORS * VECTOR_LOCALS, V128],
] as const;

/**
 * softmaxExp(a, shifts, out, rows, length): e^(x + shift) over `rows` rows of `length` floats, right over
 * the whole float32 range. Each row runs in whole 4-vector iterations, so it writes up to 15 floats past
 * its end: into the next row's output, which that row then overwrites, and past the last row into slack
 * the caller leaves. `shift` must keep x + shift <= 89 (a row's max, or a finite shift for rows the
 * caller redoes).
 */
export function softmaxExpFunction(): FunctionSpec {
  const l = localsOf(5);
  return {
    name: 'softmaxExp',
    params: 5,
    locals: LOCALS,
    body: eachRow(l, loopUntil(expShiftedSteps(l, true), l.rowEnd)),
  };
}

/**
 * softmaxExpSum(a, shifts, out, rows, length, sums, flagsAt): as softmaxExp, and each row's whole
 * iterations (its first length - length mod 16 floats) summed in float64, as two f64x2 partial sums (32
 * bytes per row from `sums`). Those iterations take the fast path: where some lane's x + shift is below
 * ~-86.6 (a subnormal or zero result), infinite or NaN, the flags stored at `flagsAt` say so
 * ({@link needsFullRange}) and the caller redoes the rows with softmaxExp. A row's last, partial
 * iteration runs the full-range steps, so lanes past the row's end (the next row's values under this
 * row's shift, or stale memory) never raise a flag.
 */
export function softmaxExpSumFunction(): FunctionSpec {
  const { get, set } = op;
  const l = localsOf(7);
  const row = [
    ...set(l.sumLow, op.v128Zero()),
    ...set(l.sumHigh, op.v128Zero()),
    ...loopUntil([...expShiftedSteps(l, false), ...sumSteps(l)], l.fullEnd),
    ...loopUntil(expShiftedSteps(l, true), l.rowEnd),
    ...op.v128Store(get(SUMS), 0, get(l.sumLow)),
    ...op.v128Store(get(SUMS), 16, get(l.sumHigh)),
    ...set(SUMS, op.add(get(SUMS), op.i32(32))),
  ];
  return {
    name: 'softmaxExpSum',
    params: 7,
    locals: LOCALS,
    body: [
      ...set(l.flags, op.v128Zero()),
      ...eachRow(l, row),
      ...op.v128Store(get(FLAGS_AT), 0, get(l.flags)),
    ],
  };
}
