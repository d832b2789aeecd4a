import type { UniqueAttrs } from '../../kernel/attrs/counting';
import { allocate, type TypedArray } from '../../kernel/dtype';
import { IndexError, ValueError } from '../../kernel/errors';
import { registerKernel } from '../../kernel/registry';
import { contiguousStrides, shapeSize } from '../../kernel/shape';
import { hostView, type TensorView } from '../../kernel/view';
import { denseValues } from './dense';

/** Orders two values, NaN after every number; 0 when equal (NaN never equals NaN: each is its own value). */
function compareValues(va: number, vb: number): number {
  if (va === vb) return 0;
  const nanA = Number.isNaN(va);
  const nanB = Number.isNaN(vb);
  if (nanA || nanB) return nanA && nanB ? 0 : nanA ? 1 : -1;
  return va < vb ? -1 : 1;
}

/**
 * torch.unique / unique_consecutive: slices along `dim` (single elements for dim null) grouped when equal,
 * sorted unless consecutive. NaN never equals NaN, so each NaN is its own value (PyTorch 2's behaviour).
 */
function unique(x: TensorView, { dim, consecutive }: UniqueAttrs): TensorView[] {
  const src = denseValues(x);
  if (dim === null && !consecutive) return uniqueValues(x, src);
  const shape = dim === null ? [shapeSize(x.shape)] : x.shape;
  const d = dim ?? 0;
  const count = shape[d] ?? 1;
  const inner = shapeSize(shape.slice(d + 1));
  const outer = shapeSize(shape.slice(0, d));
  // Slice i's k-th element (row-major over the other dims) sits at (o * count + i) * inner + r, k = o * inner + r.
  const width = outer * inner;
  const sliceAt = (i: number, k: number) => Math.floor(k / inner) * count * inner + i * inner + (k % inner);
  // Slices compare lexicographically (by their elements in row-major order), as PyTorch's unique with dim.
  const compare = (a: number, b: number) => {
    for (let k = 0; k < width; k++) {
      const c = compareValues(src[sliceAt(a, k)]!, src[sliceAt(b, k)]!);
      if (c !== 0) return c;
    }
    return 0;
  };
  const equal = (a: number, b: number) => {
    for (let k = 0; k < width; k++) if (!(src[sliceAt(a, k)] === src[sliceAt(b, k)])) return false;
    return true;
  };
  const order = Array.from({ length: count }, (_, i) => i);
  if (!consecutive) order.sort((a, b) => compare(a, b) || a - b);
  const inverse = new Int32Array(count);
  const firsts: number[] = [];
  const counts: number[] = [];
  for (let j = 0; j < count; j++) {
    const i = order[j]!;
    if (j === 0 || !equal(order[j - 1]!, i)) {
      firsts.push(i);
      counts.push(0);
    }
    inverse[i] = firsts.length - 1;
    counts[counts.length - 1]!++;
  }
  const k = firsts.length;
  const outShape = shape.map((s, axis) => (axis === d ? k : s));
  const values = allocate(x.dtype, shapeSize(outShape));
  for (let o = 0; o < outer; o++) {
    for (let u = 0; u < k; u++) {
      const from = (o * count + firsts[u]!) * inner;
      values.set(src.subarray(from, from + inner), (o * k + u) * inner);
    }
  }
  return [
    hostView(values, outShape, x.dtype),
    hostView(inverse, dim === null ? x.shape : [count], 'int32'),
    hostView(Int32Array.from(counts), [k], 'int32'),
  ];
}

/**
 * unique of single values, the common case, without a comparator: a native sort of the values, the
 * distinct ones kept (NaNs each their own, last, in input order), and every element found by binary search.
 */
function uniqueValues(x: TensorView, src: TypedArray): TensorView[] {
  const sorted = Float64Array.from(src).sort(); // NaN sorts last
  const distinct: number[] = [];
  let nans = 0;
  for (const v of sorted) {
    if (Number.isNaN(v)) nans++;
    else if (distinct.length === 0 || distinct[distinct.length - 1] !== v) distinct.push(v);
  }
  const k = distinct.length;
  const inverse = new Int32Array(src.length);
  const counts = new Int32Array(k + nans);
  let nanSeen = 0;
  for (let i = 0; i < src.length; i++) {
    const v = src[i]!;
    let at: number;
    if (Number.isNaN(v)) at = k + nanSeen++;
    else {
      let lo = 0;
      let hi = k - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (distinct[mid]! < v) lo = mid + 1;
        else hi = mid;
      }
      at = lo;
    }
    inverse[i] = at;
    counts[at]!++;
  }
  const values = allocate(x.dtype, k + nans);
  values.set(distinct);
  values.fill(Number.NaN, k);
  return [
    hostView(values, [k + nans], x.dtype),
    hostView(inverse, x.shape, 'int32'),
    hostView(counts, [k + nans], 'int32'),
  ];
}

function nonzero(x: TensorView): TensorView {
  const src = denseValues(x);
  const ndim = x.shape.length;
  const strides = contiguousStrides(x.shape);
  const hits: number[] = [];
  for (let i = 0; i < src.length; i++) if (src[i] !== 0) hits.push(i);
  const out = new Int32Array(hits.length * ndim);
  hits.forEach((flat, h) => {
    for (let d = 0; d < ndim; d++) out[h * ndim + d] = Math.floor(flat / strides[d]!) % x.shape[d]!;
  });
  return hostView(out, [hits.length, ndim], 'int32');
}

/**
 * torch.searchsorted: PyTorch's binary search, `!(mid >= v)` (or `!(mid > v)` for right), so NaN values
 * go past every number. A 1-d sequence serves every value; else the leading dims pair rows with rows.
 */
function searchsorted(
  sequence: TensorView,
  values: TensorView,
  sorter: TensorView | undefined,
  right: boolean,
): TensorView {
  const seq = denseValues(sequence);
  const vals = denseValues(values);
  const order = sorter ? denseValues(sorter) : undefined;
  const length = sequence.shape[sequence.shape.length - 1] ?? 1;
  const perRow = values.shape.length === 0 ? 1 : values.shape[values.shape.length - 1]!;
  const shared = sequence.shape.length === 1;
  const out = new Int32Array(vals.length);
  for (let i = 0; i < vals.length; i++) {
    const start = shared ? 0 : Math.floor(i / perRow) * length;
    const v = vals[i]!;
    let lo = 0;
    let hi = length;
    while (lo < hi) {
      const mid = lo + ((hi - lo) >> 1);
      const m = seq[start + (order ? order[start + mid]! : mid)]!;
      if (right ? !(m > v) : !(m >= v)) lo = mid + 1;
      else hi = mid;
    }
    out[i] = lo;
  }
  return hostView(out, values.shape, 'int32');
}

function bincount(
  x: TensorView,
  weights: TensorView | undefined,
  minlength: number,
  dtype: TensorView['dtype'],
): TensorView {
  const src = denseValues(x);
  let length = minlength;
  for (const v of src) {
    if (v < 0) {
      throw new ValueError(
        'bincount',
        `input must hold non-negative values, found ${v}; shift or clamp it first`,
      );
    }
    length = Math.max(length, v + 1);
  }
  const out = allocate(dtype, length);
  const w = weights ? denseValues(weights) : undefined;
  for (let i = 0; i < src.length; i++) out[src[i]!]! += w ? w[i]! : 1;
  return hostView(out, [length], dtype);
}

/** torch.histc: PyTorch's linear bin rule, `floor((v - min) * bins / (max - min))`, the top edge in the last bin. */
function histc(x: TensorView, bins: number, minGiven: number, maxGiven: number): TensorView {
  const src = denseValues(x);
  let min = minGiven;
  let max = maxGiven;
  if (min === max && src.length > 0) {
    min = Infinity;
    max = -Infinity;
    for (const v of src) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
  }
  if (min === max) {
    min -= 1;
    max += 1;
  }
  if (!Number.isFinite(min) || !Number.isFinite(max)) {
    throw new ValueError('histc', `range of [${min}, ${max}] is not finite; pass finite min and max`);
  }
  const out = allocate(x.dtype, bins);
  for (const v of src) {
    if (!(v >= min && v <= max)) continue;
    const bin = Math.floor(((v - min) * bins) / (max - min));
    out[Math.min(bin, bins - 1)]! += 1;
  }
  return hostView(out, [bins], x.dtype);
}

/** Registers the CPU unique, nonzero, searchsorted, bincount and histc kernels. */
export function registerCpuCounting(): void {
  registerKernel('unique', 'cpu', ([x], attrs) => unique(x!, attrs));
  registerKernel('nonzero', 'cpu', ([x]) => nonzero(x!));
  registerKernel('searchsorted', 'cpu', ([sequence, values, sorter], { right }) => {
    if (sorter) {
      const order = denseValues(sorter);
      const length = sequence!.shape[sequence!.shape.length - 1] ?? 0;
      if (order.some((i) => i < 0 || i >= length)) {
        throw new IndexError(
          'searchsorted',
          `sorter index out of range: every value must be in [0, ${length})`,
        );
      }
    }
    return searchsorted(sequence!, values!, sorter, right);
  });
  registerKernel('bincount', 'cpu', ([x, weights], { minlength, dtype }) =>
    bincount(x!, weights, minlength, dtype),
  );
  registerKernel('histc', 'cpu', ([x], { bins, min, max }) => histc(x!, bins, min, max));
}
