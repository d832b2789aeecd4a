import { DTypeError, fmtShape, IndexError, ShapeError } from '../kernel/errors';
import { broadcastShapes, normalizeDim, shapeSize } from '../kernel/shape';
import { checkOptions, type OptionKeys } from '../options';
import { runKernel } from '../run-kernel';
import type { Tensor } from '../tensor';
import { isTensor, scalarTensor } from '../wrap';
import { where } from './elementwise';
import { gather, indexAdd, indexSelect, scatter } from './indexing';
import { cumsum } from './reductions';

/**
 * One entry of an advanced index, per dim: an int32 index tensor (any shape; all of them broadcast
 * together), a bool mask (covering as many dims as it has), an integer, or `null` for the whole dim (`:`).
 */
export type IndexEntry = Tensor | number | null;

const NONZERO_KEYS: OptionKeys<{ asTuple?: boolean }> = { asTuple: true };
const PUT_KEYS: OptionKeys<{ accumulate?: boolean }> = { accumulate: true };

/** torch.nonzero: the int32 indices `[count, ndim]` of the nonzero elements in row-major order. */
export function nonzero(x: Tensor): Tensor;
/** torch.nonzero(as_tuple=True): one 1-d index tensor per dim (what `x[mask]`-style indexing takes). */
export function nonzero(x: Tensor, options: { asTuple: true }): Tensor[];
export function nonzero(x: Tensor, options: { asTuple?: boolean } = {}): Tensor | Tensor[] {
  checkOptions('nonzero', options, NONZERO_KEYS);
  if (!options.asTuple) return runKernel('nonzero', [x]);
  // A 0-d input answers like a 1-d one of one element, as PyTorch.
  return runKernel('nonzero', [x.ndim === 0 ? x.reshape([1]) : x]).unbind(1);
}

/** torch.argwhere: the same as {@link nonzero} (`[count, ndim]` int32 indices). */
export function argwhere(x: Tensor): Tensor {
  return runKernel('nonzero', [x]);
}

/** What an advanced index resolves to: x's dims reordered with the indexed ones first, and one flat index. */
interface IndexPlan {
  /** x permuted so the indexed dims come first. */
  order: number[];
  /** The indexed dims' sizes multiplied (the rows of the flattened x). */
  rows: number;
  /** Sizes of the other dims, in `order`. */
  rest: number[];
  /** The broadcast shape of the index tensors. */
  indexShape: number[];
  /** Row of every indexed element (index tensors folded with the sizes; negatives wrapped), 1-d int32. */
  flat: Tensor;
  /** Where the index dims go in the result: where the first indexed dim was if they are adjacent, else 0. */
  at: number;
}

function planIndex(op: string, x: Tensor, index: IndexEntry | readonly IndexEntry[]): IndexPlan {
  const entries = Array.isArray(index) ? (index as readonly IndexEntry[]) : [index as IndexEntry];
  // Masks become one int32 index per dim they cover (their nonzero positions).
  const perDim: (Tensor | null)[] = [];
  for (const entry of entries) {
    if (entry === null) perDim.push(null);
    else if (typeof entry === 'number') perDim.push(scalarTensor(entry, 'int32', x.device));
    else if (entry.dtype === 'bool') {
      const covered = x.shape.slice(perDim.length, perDim.length + entry.ndim);
      if (covered.length !== entry.ndim || covered.some((s, i) => s !== entry.shape[i])) {
        throw new IndexError(
          op,
          `the shape of the mask ${fmtShape(entry.shape)} does not match the shape of the indexed tensor ` +
            `${fmtShape(x.shape)} starting at dim ${perDim.length}`,
        );
      }
      if (entry.ndim === 0) perDim.push(...nonzero(entry.reshape([1]), { asTuple: true }));
      else perDim.push(...nonzero(entry, { asTuple: true }));
    } else if (entry.dtype !== 'int32') {
      throw new DTypeError(
        op,
        `tensors used as indices must be int32 or bool tensors, got ${entry.dtype}; convert with .int()`,
      );
    } else perDim.push(entry);
  }
  if (perDim.length > x.ndim) {
    throw new IndexError(op, `too many indices for tensor of dimension ${x.ndim} (got ${perDim.length})`);
  }
  const indexed = perDim.flatMap((t, d) => (t ? [d] : []));
  if (indexed.length === 0) {
    throw new IndexError(op, 'expected at least one index tensor, mask or integer (got only null, `:`)');
  }
  const tensors = indexed.map((d) => perDim[d]!);
  const indexShape = broadcastShapes(op, ...tensors.map((t) => t.shape));
  let flat: Tensor | undefined;
  let valid: Tensor | undefined;
  for (const [i, d] of indexed.entries()) {
    const size = x.shape[d]!;
    const raw = tensors[i]!.expand(indexShape);
    const wrapped = where(raw.lt(0), raw.add(size), raw);
    const inRange = wrapped.ge(0).logicalAnd(wrapped.lt(size));
    valid = valid ? valid.logicalAnd(inRange) : inRange;
    flat = flat ? flat.mul(size).add(wrapped) : wrapped;
  }
  const rows = indexed.reduce((n, d) => n * x.shape[d]!, 1);
  // An index out of its dim's range becomes a row out of range, which the kernels reject.
  const rowIndex = where(valid!, flat!, rows).reshape([-1]);
  const others = x.shape.map((_, d) => d).filter((d) => !indexed.includes(d));
  const adjacent = indexed.every((d, i) => i === 0 || d === indexed[i - 1]! + 1);
  return {
    order: [...indexed, ...others],
    rows,
    rest: others.map((d) => x.shape[d]!),
    indexShape,
    flat: rowIndex,
    at: adjacent ? indexed[0]! : 0,
  };
}

/** Moves dims [0, count) of `t` to start at position `at` (the result layout of adjacent advanced indices). */
function moveLeading(t: Tensor, count: number, at: number, inverse = false): Tensor {
  if (at === 0) return t;
  const dims = t.shape.map((_, d) => d);
  const moved = [...dims.slice(count, count + at), ...dims.slice(0, count), ...dims.slice(count + at)];
  return t.permute(inverse ? moved.map((_, i) => moved.indexOf(i)) : moved);
}

/**
 * Advanced indexing, `x[index]` in PyTorch with tensors, masks, integers and `:` (null): the selected
 * elements, a copy. Index tensors broadcast together; their shape replaces the indexed dims (placed where
 * the first one was when they are adjacent, else first, as PyTorch). Differentiable.
 *
 * @example
 * ```ts
 * import { tensor, index } from '@nn/tensor';
 * const x = tensor([[1, 2], [3, 4], [5, 6]]);
 * index(x, [tensor([2, 0]), tensor([1, 1])]).tolist(); // [6, 2]
 * index(x, x.gt(3)).tolist(); // [4, 5, 6]
 * ```
 */
export function index(x: Tensor, indices: IndexEntry | readonly IndexEntry[]): Tensor {
  const plan = planIndex('index', x, indices);
  const rows = x.permute(plan.order).reshape([plan.rows, ...plan.rest]);
  const picked = indexSelect(rows, 0, plan.flat).reshape([...plan.indexShape, ...plan.rest]);
  return moveLeading(picked, plan.indexShape.length, plan.at);
}

/** indexPut's work: x with `values` written (or added) at the index, x's layout. */
function put(
  op: string,
  x: Tensor,
  indices: IndexEntry | readonly IndexEntry[],
  values: Tensor | number,
  accumulate: boolean,
): Tensor {
  const plan = planIndex(op, x, indices);
  const source = isTensor(values) ? values : scalarTensor(values, x.dtype, x.device);
  if (source.dtype !== x.dtype) {
    throw new DTypeError(
      op,
      `Index put requires the source and destination dtypes match, got ${x.dtype} for the destination ` +
        `and ${source.dtype} for the source; convert with .to('${x.dtype}')`,
    );
  }
  const resultShape = moveLeading(
    scalarTensor(0, 'int32').expand([...plan.indexShape, ...plan.rest]),
    plan.indexShape.length,
    plan.at,
  ).shape;
  broadcastShapes(op, source.shape, resultShape);
  const count = shapeSize(plan.indexShape);
  const width = shapeSize(plan.rest);
  const laidOut = moveLeading(source.expand(resultShape), plan.indexShape.length, plan.at, true).reshape([
    count,
    width,
  ]);
  const rows = x.permute(plan.order).reshape([plan.rows, width]);
  const written = accumulate
    ? indexAdd(rows, 0, plan.flat, laidOut)
    : scatter(rows, 0, plan.flat.unsqueeze(1).expand([count, width]), laidOut);
  const permuted = written.reshape(plan.order.map((d) => x.shape[d]!));
  return permuted.permute(plan.order.map((_, i) => plan.order.indexOf(i)));
}

/**
 * torch.index_put: a copy of `x` with `values` (broadcast to the indexed shape) written at an advanced
 * index (see {@link index}); `accumulate` adds instead, summing repeated positions. Without it, a position
 * indexed twice gets one of its values (which one is unspecified, as in PyTorch).
 */
export function indexPut(
  x: Tensor,
  indices: IndexEntry | readonly IndexEntry[],
  values: Tensor | number,
  options: { accumulate?: boolean } = {},
): Tensor {
  checkOptions('indexPut', options, PUT_KEYS);
  return put('indexPut', x, indices, values, options.accumulate ?? false);
}

/** In-place {@link indexPut} (torch.index_put_); `x.set(index, value)` is this without accumulate. */
export function indexPut_(
  x: Tensor,
  indices: IndexEntry | readonly IndexEntry[],
  values: Tensor | number,
  options: { accumulate?: boolean } = {},
): Tensor {
  checkOptions('indexPut_', options, PUT_KEYS);
  return x.copy_(put('indexPut_', x, indices, values, options.accumulate ?? false));
}

/**
 * torch.masked_scatter: a copy of `x` whose elements where the bool `mask` (broadcast to x) is true take
 * consecutive elements of `source` in row-major order. `source` needs at least as many elements as true
 * mask values.
 */
export function maskedScatter(x: Tensor, mask: Tensor, source: Tensor): Tensor {
  if (mask.dtype !== 'bool') {
    throw new DTypeError(
      'maskedScatter',
      `only supports boolean masks, but got mask with dtype ${mask.dtype}`,
    );
  }
  if (source.dtype !== x.dtype) {
    throw new DTypeError(
      'maskedScatter',
      `expected self and source to have same dtypes but got ${x.dtype} and ${source.dtype}`,
    );
  }
  const shape = broadcastShapes('maskedScatter', x.shape, mask.shape);
  const m = mask.expand(shape).reshape([-1]);
  // The k-th true position reads source element k.
  const position = cumsum(m, 0).sub(1).clamp(0);
  const values = indexSelect(source.reshape([-1]), 0, where(m, position, 0)).reshape(shape);
  return where(m.reshape(shape), values, x.expand(shape));
}

function checkIntIndex(op: string, index: Tensor): void {
  if (index.dtype !== 'int32') {
    throw new DTypeError(op, `index must be an int32 tensor, got ${index.dtype}; convert it with .int()`);
  }
}

function wrapIndex(op: string, index: Tensor, size: number): Tensor {
  checkIntIndex(op, index);
  return where(index.lt(0), index.add(size), index);
}

/** torch.take: elements of `x` read as 1-d at `index` (int32, any shape; negatives count from the end). */
export function take(x: Tensor, index: Tensor): Tensor {
  const n = x.numel();
  const flat = wrapIndex('take', index, n).reshape([-1]);
  return indexSelect(x.reshape([-1]), 0, flat).reshape(index.shape);
}

/**
 * torch.take_along_dim: `gather` with `x` and `indices` broadcast against each other except along `dim`;
 * without `dim`, both are flattened. Indices must be in [0, size) (gather's rule).
 */
export function takeAlongDim(x: Tensor, indices: Tensor, dim?: number): Tensor {
  checkIntIndex('takeAlongDim', indices);
  // No negative indices here (gather's rule), unlike take.
  if (dim === undefined) return indexSelect(x.reshape([-1]), 0, indices.reshape([-1]));
  const d = normalizeDim('takeAlongDim', dim, x.ndim);
  if (indices.ndim !== x.ndim) {
    throw new ShapeError(
      'takeAlongDim',
      `input and indices should have the same number of dimensions, but got ${x.ndim} and ${indices.ndim}`,
    );
  }
  const shapeX = x.shape.map((s, i) => (i === d ? 1 : s));
  const shapeI = indices.shape.map((s, i) => (i === d ? 1 : s));
  const common = broadcastShapes('takeAlongDim', shapeX, shapeI);
  const xb = x.expand(common.map((s, i) => (i === d ? x.shape[d]! : s)));
  const ib = indices.expand(common.map((s, i) => (i === d ? indices.shape[d]! : s)));
  return gather(xb, d, ib);
}
