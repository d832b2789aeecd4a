import type { TypedReduceAttrs } from '../../kernel/attrs/reduction';
import { withWidening } from '../../kernel/dispatch';
import { allocate, type DType, isFloating, type TypedArray } from '../../kernel/dtype';
import { registerKernel } from '../../kernel/registry';
import { hostView, type TensorView } from '../../kernel/view';
import { generatedCache, generateFunction } from './codegen/generate-function';
import type { FloatArray } from './gemm/types';
import { foldInt64 } from './int64-folds';
import { planWalk, type ReductionWalk, reducedShape } from './reduce-walker';

/**
 * A reduction as code fragments: `init` declares the accumulator(s) per output, `step` folds element `v`
 * (at flat position `k` of the reduced sub-space), `result` (and `index`, for argmax-like reductions) are
 * what is stored. `p0` is the kernel's numeric parameter (var's correction).
 */
interface FoldSpec {
  init: string;
  step: string;
  result: string;
  index?: string;
}

type Fold = (
  src: TypedArray,
  out: TypedArray,
  indices: Int32Array | undefined,
  bases: Int32Array,
  outCount: number,
  runs: number,
  length: number,
  stride: number,
  p0: number,
) => void;

// Sums and products accumulate in float64: a float32 sum of 1e6+ elements stays accurate.
const maxStep = 'if (v > acc || (v !== v && acc === acc)) { acc = v; idx = k; }';
const minStep = 'if (v < acc || (v !== v && acc === acc)) { acc = v; idx = k; }';
const folds: Record<string, FoldSpec> = {
  sum: { init: 'let acc = 0;', step: 'acc += v;', result: 'acc' },
  prod: { init: 'let acc = 1;', step: 'acc *= v;', result: 'acc' },
  // Integer products wrap as int32 arithmetic does instead of losing bits in a float.
  prodInt: { init: 'let acc = 1;', step: 'acc = Math.imul(acc, v);', result: 'acc' },
  // NaN wins (and stays): `v !== v` catches it, then no comparison with a NaN accumulator is true.
  amax: { init: 'let acc = -Infinity;', step: 'if (v > acc || v !== v) acc = v;', result: 'acc' },
  amin: { init: 'let acc = Infinity;', step: 'if (v < acc || v !== v) acc = v;', result: 'acc' },
  // First occurrence wins ties; the first NaN wins over everything.
  max: { init: 'let acc = -Infinity, idx = 0;', step: maxStep, result: 'acc', index: 'idx' },
  min: { init: 'let acc = Infinity, idx = 0;', step: minStep, result: 'acc', index: 'idx' },
  // Welford's update: one pass, no cancellation from subtracting large sums.
  var: {
    init: 'let n = 0, mean = 0, m2 = 0;',
    step: 'n++; const d = v - mean; mean += d / n; m2 += d * (v - mean);',
    result: 'm2 / Math.max(0, n - p0)',
  },
  all: { init: 'let acc = 1;', step: 'if (v === 0) acc = 0;', result: 'acc' },
  any: { init: 'let acc = 0;', step: 'if (v !== 0) acc = 1;', result: 'acc' },
};

const cache = generatedCache<string, Fold>();

/** Generates (once per fold and array types, so each loop stays monomorphic) the walk of a fold. */
function compileFold(name: string, src: TypedArray, out: TypedArray): Fold {
  const key = `${name}|${src.constructor.name}|${out.constructor.name}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const spec = folds[name]!;
  // Bool outputs of arithmetic folds are logical: anything non-zero is true.
  const result = out instanceof Uint8Array ? `((${spec.result}) !== 0 ? 1 : 0)` : spec.result;
  const source = `
    let b = 0;
    for (let o = 0; o < outCount; o++) {
      ${spec.init}
      let k = 0;
      for (let r = 0; r < runs; r++, b++) {
        let q = bases[b];
        for (let j = 0; j < length; j++, k++, q += stride) { const v = src[q]; ${spec.step} }
      }
      out[o] = ${result};
      ${spec.index ? `indices[o] = ${spec.index};` : ''}
    }`;
  const fold = generateFunction(
    ['src', 'out', 'indices', 'bases', 'outCount', 'runs', 'length', 'stride', 'p0'],
    source,
  ) as Fold;
  cache.set(key, fold);
  return fold;
}

/**
 * Runs fold `name` over `dims` of `x` into a new tensor of `dtype` (plus int32 indices for folds that
 * track a position).
 */
function reduce(
  name: string,
  x: TensorView,
  dims: readonly number[],
  keepdim: boolean,
  dtype: DType,
  p0 = 0,
): TensorView[] {
  const walk = planWalk(x, dims);
  const out = allocate(dtype, walk.outCount);
  const shape = reducedShape(x.shape, dims, keepdim);
  const src = x.storage.data as TypedArray;
  if (name === 'sum' && sumsSideBySide(walk, src, out)) {
    sumColumns(src as FloatArray, out as FloatArray, walk);
    return [hostView(out, shape, dtype)];
  }
  const indices = folds[name]!.index === undefined ? undefined : new Int32Array(walk.outCount);
  compileFold(name, src, out)(
    src,
    out,
    indices,
    walk.bases,
    walk.outCount,
    walk.runs,
    walk.length,
    walk.stride,
    p0,
  );
  const values = hostView(out, shape, dtype);
  return indices ? [values, hostView(indices, shape, 'int32')] : [values];
}

const isFloatArray = (a: TypedArray): a is FloatArray =>
  a instanceof Float32Array || a instanceof Float64Array;

/**
 * Whether a float sum's outputs read adjacent elements at every step (`bases[o] = bases[0] + o`, one
 * run): the leading dims of a contiguous tensor, as a bias gradient sums a batch. The fold then walks
 * a column per output, `stride` apart, at ~2.7 ns per element; {@link sumColumns} walks the rows.
 */
function sumsSideBySide(walk: ReductionWalk, src: TypedArray, out: TypedArray): boolean {
  if (walk.runs !== 1 || walk.outCount < 2 || walk.length < 2 || !isFloatArray(src) || !isFloatArray(out))
    return false;
  const { bases, outCount } = walk;
  for (let o = 1; o < outCount; o++) if (bases[o] !== bases[0]! + o) return false;
  return true;
}

/**
 * The sums of {@link sumsSideBySide} row by row into float64 accumulators, four rows per pass over them
 * (loading and storing an accumulator per element ran at 2.5 ns; per four, 0.9). Each output still adds
 * its elements one at a time in the fold's order from 0 (JS's + is left-associative), so the bits are
 * the fold's.
 */
function sumColumns(src: FloatArray, out: FloatArray, walk: ReductionWalk): void {
  const { outCount, length, stride } = walk;
  const acc = new Float64Array(outCount);
  let j = 0;
  let q = walk.bases[0]!;
  for (; j + 4 <= length; j += 4, q += 4 * stride) {
    const [q1, q2, q3] = [q + stride, q + 2 * stride, q + 3 * stride];
    for (let o = 0; o < outCount; o++) {
      acc[o] = acc[o]! + src[q + o]! + src[q1 + o]! + src[q2 + o]! + src[q3 + o]!;
    }
  }
  for (; j < length; j++, q += stride) {
    for (let o = 0; o < outCount; o++) acc[o] = acc[o]! + src[q + o]!;
  }
  out.set(acc);
}

/** Registers the fold-based CPU reduction kernels. */
export function registerCpuFolds(): void {
  registerKernel(
    'sum',
    'cpu',
    withWidening<TypedReduceAttrs>(
      'sum',
      ([x], a) => foldInt64(x!, a, false),
      ([x], a) => reduce('sum', x!, a.dims, a.keepdim, a.dtype!)[0]!,
    ),
    { encodedDTypes: true },
  );
  registerKernel(
    'prod',
    'cpu',
    withWidening<TypedReduceAttrs>(
      'prod',
      ([x], a) => foldInt64(x!, a, true),
      ([x], a) => {
        const name = a.dtype === 'int32' && !isFloating(x!.dtype) ? 'prodInt' : 'prod';
        return reduce(name, x!, a.dims, a.keepdim, a.dtype!)[0]!;
      },
    ),
    { encodedDTypes: true },
  );
  for (const name of ['amax', 'amin'] as const) {
    registerKernel(name, 'cpu', ([x], a) => reduce(name, x!, a.dims, a.keepdim, x!.dtype)[0]!);
  }
  for (const name of ['all', 'any'] as const) {
    registerKernel(name, 'cpu', ([x], a) => reduce(name, x!, a.dims, a.keepdim, 'bool')[0]!);
  }
  registerKernel(
    'var',
    'cpu',
    ([x], a) => reduce('var', x!, a.dims, a.keepdim, x!.dtype, a.correction ?? 1)[0]!,
  );
  for (const name of ['max', 'min'] as const) {
    registerKernel(name, 'cpu', ([x], a) =>
      reduce(name, x!, x!.shape.length === 0 ? [] : [a.dim], a.keepdim, x!.dtype),
    );
  }
  for (const [name, fold] of [
    ['argmax', 'max'],
    ['argmin', 'min'],
  ] as const) {
    registerKernel(name, 'cpu', ([x], a) => {
      const all = x!.shape.map((_, d) => d);
      const dims = a.dim === null ? all : x!.shape.length === 0 ? [] : [a.dim];
      return reduce(fold, x!, dims, a.keepdim, x!.dtype)[1]!;
    });
  }
}
