import { allocate, type TypedArray } from '../../kernel/dtype';
import { registerKernel } from '../../kernel/registry';
import { shapeSize } from '../../kernel/shape';
import { hostView, type TensorView } from '../../kernel/view';
import { forEachLane } from './reduce-walker';

// The output order, everywhere: by value (NaN greater than everything, -0 equal to 0, as PyTorch), reversed
// when descending, and ties by source index (so every sort is stable, whatever the direction).

/** Whether element (va, ia) comes before (vb, ib) in the output order. */
function comesBefore(va: number, ia: number, vb: number, ib: number, descending: boolean): boolean {
  const nanA = Number.isNaN(va);
  const nanB = Number.isNaN(vb);
  if (nanA || nanB) return nanA && nanB ? ia < ib : nanA === descending;
  if (va !== vb) return va < vb !== descending;
  return ia < ib;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Word positions of a 64-bit key's high and low halves in a Uint32Array view. */
const [HIGH, LOW] = LITTLE_ENDIAN ? [1, 0] : [0, 1];
const SIGN = 0x80000000;

/**
 * The high 32 bits of each element's value, mapped so unsigned order is value order: IEEE floats flip all
 * bits when negative and the sign bit otherwise; NaN maps to the top, -0 to +0. Exact for 32-bit dtypes;
 * float64 keeps only its top 32 bits (ties are settled by {@link settleFloat64Ties}).
 */
function orderedHighWord(src: TypedArray): (q: number) => number {
  if (src instanceof Int32Array) return (q) => (src[q]! ^ SIGN) >>> 0;
  if (src instanceof Uint8Array) return (q) => src[q]!;
  const words = new Uint32Array(
    src.buffer,
    src.byteOffset,
    src.length * (src instanceof Float64Array ? 2 : 1),
  );
  const wordOf = src instanceof Float64Array ? (q: number) => words[2 * q + HIGH]! : (q: number) => words[q]!;
  return (q) => {
    const v = src[q]!;
    if (Number.isNaN(v)) return 0xffffffff;
    if (v === 0) return SIGN;
    const bits = wordOf(q);
    return (bits & SIGN ? ~bits : bits | SIGN) >>> 0;
  };
}

/** Per-lane scratch, sized once for the longest lane. */
interface Scratch {
  /** (key << 32 | index) per element: the engine's native unsigned sort orders them. */
  keys: BigUint64Array;
  words: Uint32Array;
  order: Int32Array;
}

/**
 * Sorts a lane's indices into `order` by the output order: a native sort of 64-bit keys holding the
 * ordered value (inverted when descending) above the index, so no comparator runs in JS. For float64 the
 * key holds only the value's top 32 bits; runs that tie there are re-sorted by full value.
 */
function sortLane(
  src: TypedArray,
  high: (q: number) => number,
  base: number,
  stride: number,
  length: number,
  descending: boolean,
  { keys, words, order }: Scratch,
): void {
  const flip = descending ? 0xffffffff : 0;
  for (let j = 0, q = base; j < length; j++, q += stride) {
    words[2 * j + HIGH] = (high(q) ^ flip) >>> 0;
    words[2 * j + LOW] = j;
  }
  keys.subarray(0, length).sort();
  for (let j = 0; j < length; j++) order[j] = words[2 * j + LOW]!;
  if (src instanceof Float64Array) settleFloat64Ties(src, base, stride, length, descending, words, order);
}

/** Re-sorts, by full float64 value then index, each run of `order` whose keys share their top 32 bits. */
function settleFloat64Ties(
  src: Float64Array,
  base: number,
  stride: number,
  length: number,
  descending: boolean,
  words: Uint32Array,
  order: Int32Array,
): void {
  for (let start = 0, end = 1; start < length; start = end++) {
    while (end < length && words[2 * end + HIGH] === words[2 * start + HIGH]) end++;
    if (end - start < 2) continue;
    order.subarray(start, end).sort((a, b) => {
      const va = src[base + a * stride]!;
      const vb = src[base + b * stride]!;
      return comesBefore(va, a, vb, b, descending) ? -1 : 1;
    });
  }
}

/** The lane heap selection works on: position j is `src[base + j * stride]`. */
interface Lane {
  src: TypedArray;
  base: number;
  stride: number;
  descending: boolean;
}

/** Whether lane position `a` comes after position `b` in the output order. */
function after({ src, base, stride, descending }: Lane, a: number, b: number): boolean {
  return comesBefore(src[base + b * stride]!, b, src[base + a * stride]!, a, descending);
}

/** Restores the heap order of `order[0..size)` below `at`: a parent comes after its children. */
function siftDown(lane: Lane, order: Int32Array, at: number, size: number): void {
  for (;;) {
    const left = 2 * at + 1;
    if (left >= size) return;
    const right = left + 1;
    const child = right < size && after(lane, order[right]!, order[left]!) ? right : left;
    if (!after(lane, order[child]!, order[at]!)) return;
    [order[at], order[child]] = [order[child]!, order[at]!];
    at = child;
  }
}

/**
 * The `k` first positions of `lane` (of `length`) in the output order, into `order[0..k)`: a bounded
 * binary heap whose root is the worst kept element, then heapsort: O(n log k) instead of a full sort,
 * for k much smaller than n, and nothing allocated per lane.
 */
function selectLane(lane: Lane, length: number, k: number, order: Int32Array): void {
  if (k === 0) return;
  const { src, base, stride } = lane;
  for (let j = 0; j < k; j++) order[j] = j;
  for (let at = (k >> 1) - 1; at >= 0; at--) siftDown(lane, order, at, k);
  const sign = lane.descending ? -1 : 1;
  let worst = src[base + order[0]! * stride]!;
  for (let j = k, q = base + k * stride; j < length; j++, q += stride) {
    // Strictly worse than the worst kept element (false for NaN): the common case, without the full order.
    if ((src[q]! - worst) * sign > 0) continue;
    if (!after(lane, order[0]!, j)) continue;
    order[0] = j;
    siftDown(lane, order, 0, k);
    worst = src[base + order[0]! * stride]!;
  }
  // Heapsort: moving the worst to the back each time leaves the best first.
  for (let end = k - 1; end > 0; end--) {
    [order[0], order[end]] = [order[end]!, order[0]!];
    siftDown(lane, order, 0, end);
  }
}

/** topk switches from a full sort to heap selection below this fraction of the lane. */
const SELECT_FRACTION = 1 / 8;

/**
 * Orders every lane along `dim` and keeps the first `keep` positions of each: values (x's dtype) and
 * int32 source indices.
 */
function sortLanes(x: TensorView, dim: number, descending: boolean, keep: number): TensorView[] {
  const src = x.storage.data as TypedArray;
  const length = x.shape[dim] ?? 1;
  const shape = x.shape.length === 0 ? [] : x.shape.map((s, d) => (d === dim ? keep : s));
  const count = shapeSize(shape);
  const values = allocate(x.dtype, count);
  const indices = new Int32Array(count);
  const select = keep < length * SELECT_FRACTION;
  const keys = new BigUint64Array(select ? 0 : length);
  const scratch: Scratch = {
    keys,
    words: new Uint32Array(keys.buffer),
    order: new Int32Array(select ? keep : length),
  };
  const high = orderedHighWord(src);
  const lane: Lane = { src, base: 0, stride: 0, descending };
  forEachLane(
    x,
    dim,
    (base, stride, outBase, outStride) => {
      lane.base = base;
      lane.stride = stride;
      if (select) selectLane(lane, length, keep, scratch.order);
      else sortLane(src, high, base, stride, length, descending, scratch);
      for (let j = 0, w = outBase; j < keep; j++, w += outStride) {
        const index = scratch.order[j]!;
        values[w] = src[base + index * stride]!;
        indices[w] = index;
      }
    },
    keep,
  );
  return [hostView(values, shape, x.dtype), hostView(indices, shape, 'int32')];
}

/** Registers the CPU sort and topk kernels (both return `[values, indices]`). */
export function registerCpuSorting(): void {
  registerKernel('sort', 'cpu', ([x], { dim, descending }) =>
    sortLanes(x!, dim, descending, x!.shape[dim] ?? 1),
  );
  registerKernel('topk', 'cpu', ([x], { k, dim, largest }) => sortLanes(x!, dim, largest, k));
}
