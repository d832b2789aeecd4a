import { allocate, type TypedArray } from '../dtype';
import { registerKernel } from '../registry';
import { shapeSize } from '../shape';
import { Tensor } from '../tensor';
import { forEachLane } from './reduce-walker';

/** Attributes of the CPU sort kernel. `stable` needs no flag here: every sort is stable. */
export interface SortAttrs {
  dim: number;
  descending: boolean;
}

/** Attributes of the CPU topk kernel. Results always come sorted (a valid answer for `sorted: false`). */
export interface TopkAttrs {
  k: number;
  dim: number;
  largest: boolean;
}

/**
 * Sorts every lane along `dim` and keeps the first `keep` positions of each: values (x's dtype) and
 * int32 source indices. NaN counts as greater than everything, as PyTorch; ties keep their original
 * order (stable), whatever the direction.
 */
function sortLanes(x: Tensor, dim: number, descending: boolean, keep: number): Tensor[] {
  const src = x.storage.data as TypedArray;
  const length = x.shape[dim] ?? 1;
  const shape = x.ndim === 0 ? [] : x.shape.map((s, d) => (d === dim ? keep : s));
  const count = shapeSize(shape);
  const values = allocate(x.dtype, count);
  const indices = new Int32Array(count);
  const lane = new Float64Array(length);
  const order = new Int32Array(length);
  const sign = descending ? -1 : 1;
  // NaN sorts last ascending and first descending; the index breaks ties, which makes any sort stable.
  const compare = (a: number, b: number): number => {
    const va = lane[a]!;
    const vb = lane[b]!;
    const nanA = Number.isNaN(va);
    const nanB = Number.isNaN(vb);
    if (nanA !== nanB) return nanA ? sign : -sign;
    if (va !== vb && !nanA) return va < vb ? -sign : sign;
    return a - b;
  };
  forEachLane(
    x,
    dim,
    (base, stride, outBase, outStride) => {
      for (let j = 0, q = base; j < length; j++, q += stride) {
        lane[j] = src[q]!;
        order[j] = j;
      }
      order.sort(compare);
      for (let j = 0, w = outBase; j < keep; j++, w += outStride) {
        values[w] = lane[order[j]!]!;
        indices[w] = order[j]!;
      }
    },
    keep,
  );
  return [Tensor.fromArray(values, shape, x.dtype), Tensor.fromArray(indices, shape, 'int32')];
}

/** Registers the CPU sort and topk kernels (both return `[values, indices]`). */
export function registerCpuSorting(): void {
  registerKernel<SortAttrs>('sort', 'cpu', ([x], { dim, descending }) =>
    sortLanes(x!, dim, descending, x!.shape[dim] ?? 1),
  );
  registerKernel<TopkAttrs>('topk', 'cpu', ([x], { k, dim, largest }) => sortLanes(x!, dim, largest, k));
}
