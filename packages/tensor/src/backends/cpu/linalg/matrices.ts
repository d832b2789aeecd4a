import { allocate, type DType, type TypedArray } from '../../../kernel/dtype';
import { shapeSize } from '../../../kernel/shape';
import { hostView, type TensorView } from '../../../kernel/view';
import { denseValues } from '../dense';

/** A batch of `rows x cols` matrices read as float64, one row-major copy per matrix. */
export interface MatrixBatch {
  batch: number[];
  rows: number;
  cols: number;
  count: number;
  /** Matrix `b` as a fresh float64 row-major array (the algorithms work on it in place). */
  matrix(b: number): Float64Array;
}

/** Reads a `[..., rows, cols]` view as a batch of float64 matrices. */
export function readMatrices(x: TensorView): MatrixBatch {
  const src = denseValues(x);
  const rows = x.shape[x.shape.length - 2]!;
  const cols = x.shape[x.shape.length - 1]!;
  const batch = x.shape.slice(0, -2);
  const size = rows * cols;
  return {
    batch,
    rows,
    cols,
    count: shapeSize(batch),
    matrix: (b) => Float64Array.from(src.subarray(b * size, (b + 1) * size)),
  };
}

/** Collects per-matrix float64 results into one output of `dtype` and `shape` (matrix b at b * size). */
export class BatchWriter {
  readonly data: TypedArray;
  constructor(
    readonly shape: number[],
    readonly dtype: DType,
  ) {
    this.data = allocate(dtype, shapeSize(shape));
  }

  /** Writes matrix (or vector) `b`'s values. */
  put(b: number, values: ArrayLike<number>): void {
    const size = values.length;
    for (let i = 0; i < size; i++) this.data[b * size + i] = values[i]!;
  }

  view(): TensorView {
    return hostView(this.data, this.shape, this.dtype);
  }
}

/** The prefix PyTorch puts on errors about one matrix of a batch. */
export function batchLabel(batch: number[], b: number): string {
  return batch.length > 0 ? `(Batch element ${b}): ` : '';
}
