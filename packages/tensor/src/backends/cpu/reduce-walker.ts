import { shapeSize } from '../../kernel/shape';
import { stridedOffsets } from '../../kernel/strided-offsets';
import type { TensorView } from '../../kernel/view';

/**
 * How the CPU walks a strided tensor to reduce some of its dims (or to run an op along one dim): output
 * element `o` (kept dims in row-major order) owns `runs` runs of `length` elements `stride` apart, run
 * `r` starting at storage index `bases[o * runs + r]`. Runs and the elements inside them come in the
 * logical (row-major) order of the reduced dims, so `r * length + j` is the element's flat index within
 * the reduced sub-space (what argmax reports). Views, transposes and broadcasts are read in place.
 */
export interface ReductionWalk {
  /** Number of output elements (product of the kept sizes). */
  outCount: number;
  runs: number;
  length: number;
  stride: number;
  bases: Int32Array;
}

/** Plans the walk of `x` reducing `dims` (sorted, unique, non-negative). */
export function planWalk(x: TensorView, dims: readonly number[]): ReductionWalk {
  const { shape, strides } = x;
  if (shapeSize(shape) === 0) {
    // Nothing to read: every output element reduces an empty run (costs O(outputs), not O(shape)).
    const outCount = shapeSize(shape.filter((_, d) => !dims.includes(d)));
    return { outCount, runs: 0, length: 0, stride: 0, bases: new Int32Array(outCount) };
  }
  const reduced = dims.filter((d) => shape[d] !== 1);
  // Trailing reduced dims that are evenly spaced in memory merge into one run (all of them, usually).
  let length = 1;
  let stride = 0;
  let i = reduced.length - 1;
  if (i >= 0) {
    length = shape[reduced[i]!]!;
    stride = strides[reduced[i]!]!;
    for (i--; i >= 0 && strides[reduced[i]!] === stride * length; i--) length *= shape[reduced[i]!]!;
  }
  const reducedSet = new Set(dims);
  const kept = shape.map((_, d) => d).filter((d) => !reducedSet.has(d) && shape[d] !== 1);
  const outer = reduced.slice(0, i + 1);
  const walkDims = [...kept, ...outer];
  const sizes = walkDims.map((d) => shape[d]!);
  const steps = walkDims.map((d) => strides[d]!);
  // One storage index per run: the odometer over kept dims then the outer reduced dims.
  const bases = stridedOffsets(sizes, steps, x.offset);
  const outCount = shapeSize(kept.map((d) => shape[d]!));
  return { outCount, runs: shapeSize(outer.map((d) => shape[d]!)), length, stride, bases };
}

/** The shape left after reducing `dims` of `shape` (size-1 dims stay when `keepdim`). */
export function reducedShape(shape: readonly number[], dims: readonly number[], keepdim: boolean): number[] {
  const set = new Set(dims);
  return keepdim ? shape.map((s, d) => (set.has(d) ? 1 : s)) : shape.filter((_, d) => !set.has(d));
}

/**
 * Visits every lane of `x` along `dim` (for ops along one dim: scans, softmax, sort): `base`/`stride`
 * address the lane in `x`'s storage, `outBase`/`outStride` the same lane in a contiguous output of `x`'s
 * shape with `outLength` elements along `dim` (topk keeps fewer). A 0-d tensor is one lane of length 1.
 */
export function forEachLane(
  x: TensorView,
  dim: number,
  visit: (base: number, stride: number, outBase: number, outStride: number) => void,
  outLength = x.shape[dim] ?? 1,
): void {
  if (shapeSize(x.shape) === 0) return; // no lane holds an element
  const walk = planWalk(x, x.shape.length === 0 ? [] : [dim]);
  const inner = shapeSize(x.shape.slice(dim + 1));
  for (let o = 0; o < walk.outCount; o++) {
    const outBase = Math.floor(o / inner) * outLength * inner + (o % inner);
    visit(walk.bases[o]!, walk.stride, outBase, inner);
  }
}
