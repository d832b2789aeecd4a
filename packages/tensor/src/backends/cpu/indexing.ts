import type { ScatterReduce } from '../../kernel/attrs/indexing';
import { allocate, type DType, type TypedArray } from '../../kernel/dtype';
import { IndexError, ValueError } from '../../kernel/errors';
import { registerKernel } from '../../kernel/registry';
import { contiguousStrides, shapeSize } from '../../kernel/shape';
import { hostView, numel, type TensorView } from '../../kernel/view';
import { cloneCpu, runElementwise } from './elementwise';
import { type IndexedMode, type StridedOperand, walkIndexed } from './indexed-walk';

const operand = (t: TensorView): StridedOperand => ({
  data: t.storage.data as TypedArray,
  offset: t.offset,
  strides: t.strides,
});

/** Reads a 1-d (or 0-d) index along `dim` of an `ndim`-dim walk: its stride there, 0 on every other dim. */
function alongDim(index: TensorView, dim: number, ndim: number): StridedOperand {
  const step = index.strides[0] ?? 0;
  return { ...operand(index), strides: Array.from({ length: ndim }, (_, d) => (d === dim ? step : 0)) };
}

function modeFor(dtype: DType, reduce: ScatterReduce | undefined): IndexedMode {
  if (reduce === undefined) return 'scatter';
  if (dtype === 'bool') return reduce === 'add' ? 'or' : 'and';
  return reduce === 'multiply' && dtype === 'int32' ? 'imul' : reduce;
}

/** out[pos] = x[pos with coordinate `dim` replaced by index[pos]] over the walk `shape`. */
function gatherFrom(
  op: string,
  x: TensorView,
  dim: number,
  index: StridedOperand,
  shape: number[],
): TensorView {
  const out = allocate(x.dtype, shapeSize(shape));
  walkIndexed({
    op,
    shape,
    dim,
    size: x.shape[dim] ?? 1,
    index,
    dense: { data: out, offset: 0, strides: contiguousStrides(shape) },
    indexed: { ...operand(x), dimStride: x.strides[dim] ?? 0 },
    mode: 'gather',
  });
  return hostView(out, shape, x.dtype);
}

/** A copy of x with src[pos] written (or reduced) at pos's coordinate `dim` replaced by index[pos]. */
function scatterInto(
  op: string,
  x: TensorView,
  dim: number,
  index: StridedOperand,
  src: TensorView,
  shape: readonly number[],
  reduce: ScatterReduce | undefined,
): TensorView {
  const out = cloneCpu(x);
  walkIndexed({
    op,
    shape,
    dim,
    size: x.shape[dim] ?? 1,
    index,
    dense: operand(src),
    indexed: { ...operand(out), dimStride: out.strides[dim] ?? 0 },
    mode: modeFor(x.dtype, reduce),
  });
  return out;
}

function oneHotCpu(indices: TensorView, numClasses: number): TensorView {
  const values = cloneCpu(indices).storage.data as Int32Array;
  let classes = numClasses;
  if (classes < 0) {
    if (values.length === 0) {
      throw new ValueError(
        'oneHot',
        'cannot infer the number of classes from an empty tensor; pass numClasses',
      );
    }
    classes = values.reduce((m, v) => Math.max(m, v), 0) + 1;
  }
  const out = new Int32Array(values.length * classes);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < 0 || v >= classes) {
      throw new IndexError(
        'oneHot',
        `class value ${v} is out of bounds for the last dimension with size ${classes} (numClasses); ` +
          'class values must lie in [0, numClasses)',
      );
    }
    out[i * classes + v] = 1;
  }
  return hostView(out, [...indices.shape, classes], 'int32');
}

/** Registers the CPU gather/scatter family, maskedSelect and oneHot. */
export function registerCpuIndexing(): void {
  registerKernel('gather', 'cpu', ([x, index], { dim }) =>
    gatherFrom('gather', x!, dim, operand(index!), [...index!.shape]),
  );
  registerKernel('indexSelect', 'cpu', ([x, index], { dim }) => {
    const shape = x!.shape.map((s, d) => (d === dim ? numel(index!) : s));
    return gatherFrom('indexSelect', x!, dim, alongDim(index!, dim, x!.shape.length), shape);
  });
  registerKernel('scatter', 'cpu', ([x, index, src], attrs) =>
    scatterInto('scatter', x!, attrs.dim, operand(index!), src!, index!.shape, attrs.reduce),
  );
  registerKernel('scatterAdd', 'cpu', ([x, index, src], { dim }) =>
    scatterInto('scatterAdd', x!, dim, operand(index!), src!, index!.shape, 'add'),
  );
  registerKernel('indexAdd', 'cpu', ([x, index, source], { dim }) =>
    scatterInto(
      'indexAdd',
      x!,
      dim,
      alongDim(index!, dim, source!.shape.length),
      source!,
      source!.shape,
      'add',
    ),
  );
  registerKernel('maskedSelect', 'cpu', ([x, mask]) => {
    // Both broadcast to their common shape; x0/x1 pick which one to lay out densely.
    const values = runElementwise('maskedSelect', 'x0', [x!, mask!], { dtype: x!.dtype }).storage
      .data as TypedArray;
    const keep = runElementwise('maskedSelect', 'x1', [x!, mask!], { dtype: 'bool' }).storage
      .data as Uint8Array;
    let count = 0;
    for (const k of keep) count += k;
    const out = allocate(x!.dtype, count);
    for (let i = 0, o = 0; i < keep.length; i++) if (keep[i]) out[o++] = values[i]!;
    return hostView(out, [count], x!.dtype);
  });
  registerKernel('oneHot', 'cpu', ([indices], { numClasses }) => oneHotCpu(indices!, numClasses));
}
