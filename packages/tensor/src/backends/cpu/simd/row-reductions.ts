import { type Code, type FunctionSpec, I32, op, V128 } from '../gemm/wasm-emitter';
import { f32Splat, f32x4, f64x2, narrowPairs, simd, widen } from './code';

// Per-row passes over `rows` float32 rows packed back to back in the kernels' memory, for softmax: the
// rows' maxima, their float64 sums, and the scaling of each element by its row's float64 factor. Each pass
// covers the first `vectorBytes` of every row (its whole f32x4 vectors); the caller finishes the last
// (length mod 4) elements, so no vector reads into the next row. Rows must hold at least one vector.

/** Parameters of every pass: the first row's address, the row count, bytes of whole vectors per row, bytes per row, and the per-row results' address. */
const [DATA, ROWS, VECTOR_BYTES, ROW_BYTES, RESULTS] = [0, 1, 2, 3, 4];
/** Locals: the vector cursor, the row's vector end, then four v128 accumulators. */
const [CURSOR, END, ACC, ACC2, ACC3, ACC4] = [5, 6, 7, 8, 9, 10];

// pmax (one instruction; f32x4.max's NaN rules take V8 several) may skip a NaN: softmax does not need
// it in the max, since a NaN's exponential makes its row's sum, and so the whole row, NaN anyway.

/**
 * A pass: for each row, `start` sets the accumulators (and may consume vectors, advancing CURSOR),
 * `step` runs on each remaining vector (its address in CURSOR), and `finish` stores the row's results at
 * RESULTS, which then advances by `resultBytes`.
 */
function rowPass(name: string, start: Code, step: Code, finish: Code, resultBytes: number): FunctionSpec {
  const { get, set } = op;
  return {
    name,
    params: 5,
    locals: [
      [2, I32],
      [4, V128],
    ],
    body: op.doWhile(
      [
        ...set(CURSOR, get(DATA)),
        ...set(END, op.add(get(DATA), get(VECTOR_BYTES))),
        ...start,
        // `start` may already have covered the row (rowMax's whole steps).
        ...op.ifElse(
          op.ltU(get(CURSOR), get(END)),
          op.doWhile(
            [...step, ...set(CURSOR, op.add(get(CURSOR), op.i32(16)))],
            op.ltU(get(CURSOR), get(END)),
          ),
          [],
        ),
        ...finish,
        ...set(DATA, op.add(get(DATA), get(ROW_BYTES))),
        ...set(RESULTS, op.add(get(RESULTS), op.i32(resultBytes))),
        ...set(ROWS, op.sub(get(ROWS), op.i32(1))),
      ],
      op.ne(get(ROWS), op.i32(0)),
    ),
  };
}

/**
 * rowMax: each row's four lane maxima (16 bytes per row; NaN may be skipped); the caller takes the largest
 * and the tail's. Four vectors per step into four accumulators while whole steps remain: one chain of
 * pmax ran at its latency (0.12 ms per 1e6 floats).
 */
function rowMax(): FunctionSpec {
  const { get, set } = op;
  const accumulators = [ACC, ACC2, ACC3, ACC4];
  const maxInto = (acc: number, offset: number) =>
    set(acc, simd(f32x4.pmax, get(acc), op.v128Load(get(CURSOR), offset)));
  const wholeSteps = op.ifElse(
    op.leU(op.add(get(CURSOR), op.i32(64)), get(END)),
    op.doWhile(
      [
        ...accumulators.flatMap((acc, i) => maxInto(acc, 16 * i)),
        ...set(CURSOR, op.add(get(CURSOR), op.i32(64))),
      ],
      op.leU(op.add(get(CURSOR), op.i32(64)), get(END)),
    ),
    [],
  );
  const combined = simd(
    f32x4.pmax,
    simd(f32x4.pmax, get(ACC), get(ACC2)),
    simd(f32x4.pmax, get(ACC3), get(ACC4)),
  );
  return rowPass(
    'rowMax',
    [...accumulators.flatMap((acc) => set(acc, f32Splat(Number.NEGATIVE_INFINITY))), ...wholeSteps],
    maxInto(ACC, 0),
    op.v128Store(get(RESULTS), 0, combined),
    16,
  );
}

/** rowSum: each row's sum as four float64 partial sums (32 bytes per row); the caller adds them and the tail. */
function rowSum(): FunctionSpec {
  const { get, set } = op;
  const x = op.v128Load(get(CURSOR), 0);
  return rowPass(
    'rowSum',
    [...set(ACC, op.v128Zero()), ...set(ACC2, op.v128Zero())],
    [
      ...set(ACC, simd(f64x2.add, get(ACC), widen(x, 'low'))),
      ...set(ACC2, simd(f64x2.add, get(ACC2), widen(x, 'high'))),
    ],
    [...op.v128Store(get(RESULTS), 0, get(ACC)), ...op.v128Store(get(RESULTS), 16, get(ACC2))],
    32,
  );
}

/**
 * rowScale: each element times its row's float64 factor (8 bytes per row at RESULTS), in float64, then
 * rounded once to float32 (softmax's e * (1 / sum): a division per element would cost several times more).
 */
function rowScale(): FunctionSpec {
  const { get, set } = op;
  const x = op.v128Load(get(CURSOR), 0);
  const product = (half: Code) => simd(f64x2.mul, half, get(ACC));
  return rowPass(
    'rowScale',
    set(ACC, op.splat(8, get(RESULTS), 0)),
    op.v128Store(get(CURSOR), 0, narrowPairs(product(widen(x, 'low')), product(widen(x, 'high')))),
    [],
    8,
  );
}

/** The row passes, for the kernels' module. */
export function rowReductionFunctions(): FunctionSpec[] {
  return [rowMax(), rowSum(), rowScale()];
}
