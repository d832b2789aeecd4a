import type { TypedArray } from '../../kernel/dtype';
import { IndexError } from '../../kernel/errors';
import { shapeSize } from '../../kernel/shape';

/**
 * What happens at each position: `gather` copies indexed -> dense; the others write dense into indexed
 * (`scatter` assigns, `add`/`multiply` accumulate, `imul` is int32 multiply, `or`/`and` are bool add/multiply).
 */
export type IndexedMode = 'gather' | 'scatter' | 'add' | 'multiply' | 'imul' | 'or' | 'and';

/** An operand addressed through (offset, strides) over the walk's shape. */
export interface StridedOperand {
  data: TypedArray;
  offset: number;
  strides: readonly number[];
}

/**
 * One walk shared by gather, scatter(-add), indexSelect and indexAdd: every position of `shape` pairs a
 * `dense` element (plain strides) with an `indexed` element whose coordinate along `dim` is the int32
 * value of `index` at that position (the indexed operand's own stride on `dim` is ignored).
 */
export interface IndexedWalk {
  /** Op named in range errors. */
  op: string;
  shape: readonly number[];
  dim: number;
  /** Size of `dim` in the indexed operand: index values must lie in [0, size). */
  size: number;
  index: StridedOperand;
  dense: StridedOperand;
  indexed: StridedOperand & { dimStride: number };
  mode: IndexedMode;
}

/**
 * Runs an {@link IndexedWalk}. An out-of-range index throws an IndexError; kernels write into fresh
 * buffers, so a failed walk never leaves a user's tensor half-written.
 */
export function walkIndexed(w: IndexedWalk): void {
  const { shape, mode, size } = w;
  const n = shapeSize(shape);
  if (n === 0) return;
  const nd = shape.length;
  const idx = w.index.data;
  const dense = w.dense.data;
  const target = w.indexed.data;
  const is = w.index.strides;
  const ds = w.dense.strides;
  const qs = w.indexed.strides.map((s, d) => (d === w.dim ? 0 : s));
  const dimStride = w.indexed.dimStride;
  // A 0-d walk is one row of length 1.
  const last = nd - 1;
  const len = nd === 0 ? 1 : shape[last]!;
  const ti = is[last] ?? 0;
  const td = ds[last] ?? 0;
  const tq = qs[last] ?? 0;
  let ip = w.index.offset;
  let dp = w.dense.offset;
  let qp = w.indexed.offset;
  const counter = new Int32Array(nd);
  for (let row = 0, rows = n / len; row < rows; row++) {
    for (let j = 0; j < len; j++) {
      const v = idx[ip + j * ti]!;
      if (!(v >= 0 && v < size)) {
        throw new IndexError(w.op, `index ${v} is out of bounds for dimension ${w.dim} with size ${size}`);
      }
      const p = dp + j * td;
      const q = qp + j * tq + v * dimStride;
      switch (mode) {
        case 'gather':
          dense[p] = target[q]!;
          break;
        case 'scatter':
          target[q] = dense[p]!;
          break;
        case 'add':
          target[q] = target[q]! + dense[p]!;
          break;
        case 'multiply':
          target[q] = target[q]! * dense[p]!;
          break;
        case 'imul':
          target[q] = Math.imul(target[q]!, dense[p]!);
          break;
        case 'or':
          target[q] = target[q]! | dense[p]!;
          break;
        case 'and':
          target[q] = target[q]! & dense[p]!;
          break;
      }
    }
    for (let d = last - 1; d >= 0; d--) {
      ip += is[d]!;
      dp += ds[d]!;
      qp += qs[d]!;
      if (++counter[d]! < shape[d]!) break;
      ip -= is[d]! * shape[d]!;
      dp -= ds[d]! * shape[d]!;
      qp -= qs[d]! * shape[d]!;
      counter[d] = 0;
    }
  }
}
