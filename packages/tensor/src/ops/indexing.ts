import type { ScatterReduce } from '../kernel/attrs/indexing';
import { isFloating } from '../kernel/dtype';
import { DTypeError, fmtShape, ShapeError, ValueError } from '../kernel/errors';
import { broadcastShapes, normalizeDim, sameShape } from '../kernel/shape';
import { checkOptions, type OptionKeys } from '../options';
import { runInplace, runKernel } from '../run-kernel';
import type { Tensor } from '../tensor';
import { isTensor, scalarTensor } from '../wrap';
import { int32Index } from './index-dtype';
import { reshape } from './views';

const ALPHA_KEYS: OptionKeys<{ alpha?: number }> = { alpha: true };
const SCATTER_KEYS: OptionKeys<{ reduce?: ScatterReduce }> = { reduce: true };

// Index values are range-checked inside the kernels (they may live on a device); ops check only
// dtypes and shapes, which are known on the host.

const checkIndex = (op: string, index: Tensor): Tensor => int32Index(op, index);

function checkSameDtype(op: string, x: Tensor, source: Tensor, what: string): void {
  if (source.dtype !== x.dtype) {
    throw new DTypeError(
      op,
      `expected self and ${what} to have the same dtype, got ${x.dtype} and ${source.dtype}; ` +
        `convert ${what} with .to('${x.dtype}')`,
    );
  }
}

function checkSameNdim(op: string, x: Tensor, index: Tensor): void {
  if (index.ndim !== x.ndim) {
    throw new ShapeError(
      op,
      `index must have the same number of dimensions as the input: index ${fmtShape(index.shape)} vs input ` +
        `${fmtShape(x.shape)}`,
    );
  }
}

/** Index sizes may not exceed `x`'s on any dim but `dim` (pass dim -1 to check every dim). */
function checkIndexFits(op: string, index: Tensor, x: Tensor, dim: number, what: string): void {
  const bad = index.shape.findIndex((s, d) => d !== dim && s > x.shape[d]!);
  if (bad >= 0) {
    const apart = dim >= 0 ? ` apart from dimension ${dim}` : '';
    throw new ShapeError(
      op,
      `size does not match at dimension ${bad}: expected index ${fmtShape(index.shape)} to be no larger than ` +
        `${what} ${fmtShape(x.shape)}${apart}`,
    );
  }
}

function checkVectorIndex(op: string, index: Tensor): Tensor {
  if (index.ndim > 1) {
    throw new ShapeError(op, `index must be a vector (0-d or 1-d), got shape ${fmtShape(index.shape)}`);
  }
  return checkIndex(op, index);
}

/** torch.gather: `out[i][j][k] = x[i][index[i][j][k]][k]` for dim 1; the result has index's shape. */
export function gather(x: Tensor, dim: number, indices: Tensor): Tensor {
  const index = checkIndex('gather', indices);
  const d = normalizeDim('gather', dim, x.ndim);
  checkSameNdim('gather', x, index);
  checkIndexFits('gather', index, x, d, 'self');
  return runKernel('gather', [x, index], { dim: d });
}

interface ScatterPlan {
  dim: number;
  index: Tensor;
  src: Tensor;
}

function planScatter(
  op: string,
  x: Tensor,
  dim: number,
  indices: Tensor,
  src: Tensor | number | boolean,
): ScatterPlan {
  const index = checkIndex(op, indices);
  const d = normalizeDim(op, dim, x.ndim);
  checkSameNdim(op, x, index);
  checkIndexFits(op, index, x, d, 'self');
  if (!isTensor(src)) {
    return { dim: d, index, src: scalarTensor(src, x.dtype, x.device).expand(index.shape) };
  }
  checkSameDtype(op, x, src, 'src');
  checkSameNdim(op, src, index);
  checkIndexFits(op, index, src, -1, 'src');
  return { dim: d, index, src };
}

/**
 * torch.scatter: a copy of `x` with `src` values (or one scalar `value`) written at the positions `index`
 * picks along `dim` (`out[i][index[i][j]] = src[i][j]` for dim 1). `reduce` accumulates instead.
 */
export function scatter(
  x: Tensor,
  dim: number,
  index: Tensor,
  src: Tensor | number | boolean,
  options: { reduce?: ScatterReduce } = {},
): Tensor {
  checkOptions('scatter', options, SCATTER_KEYS);
  const plan = planScatter('scatter', x, dim, index, src);
  return runKernel('scatter', [x, plan.index, plan.src], scatterAttrs(plan.dim, options.reduce));
}

/** In-place {@link scatter}. */
export function scatter_(
  x: Tensor,
  dim: number,
  index: Tensor,
  src: Tensor | number | boolean,
  options: { reduce?: ScatterReduce } = {},
): Tensor {
  checkOptions('scatter_', options, SCATTER_KEYS);
  const plan = planScatter('scatter_', x, dim, index, src);
  return runInplace('scatter', x, [x, plan.index, plan.src], scatterAttrs(plan.dim, options.reduce));
}

function scatterAttrs(dim: number, reduce: ScatterReduce | undefined) {
  if (reduce !== undefined && reduce !== 'add' && reduce !== 'multiply') {
    throw new ValueError('scatter', `reduce argument must be either 'add' or 'multiply', got '${reduce}'`);
  }
  return reduce === undefined ? { dim } : { dim, reduce };
}

/** torch.scatter_add: a copy of `x` with `src` summed into the positions `index` picks along `dim`. */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  const plan = planScatter('scatterAdd', x, dim, index, src);
  return runKernel('scatterAdd', [x, plan.index, plan.src], { dim: plan.dim });
}

/** In-place {@link scatterAdd}. */
export function scatterAdd_(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  const plan = planScatter('scatterAdd_', x, dim, index, src);
  return runInplace('scatterAdd', x, [x, plan.index, plan.src], { dim: plan.dim });
}

/**
 * torch.index_select: the slices of `x` along `dim` at the positions listed by a 0-d or 1-d `index`.
 * A 0-d `x` takes a single index (0 or -1's position, as in PyTorch 2) and stays 0-d.
 */
export function indexSelect(x: Tensor, dim: number, indices: Tensor): Tensor {
  const index = checkVectorIndex('indexSelect', indices);
  const d = normalizeDim('indexSelect', dim, x.ndim);
  if (x.ndim === 0) {
    if (index.numel() !== 1) {
      throw new ShapeError(
        'indexSelect',
        `index into a 0-d tensor can hold only one value, got shape ${fmtShape(index.shape)}`,
      );
    }
    return reshape(runKernel('indexSelect', [reshape(x, [1]), reshape(index, [1])], { dim: 0 }), []);
  }
  return runKernel('indexSelect', [x, index], { dim: d });
}

function planIndexAdd(op: string, x: Tensor, dim: number, indices: Tensor, source: Tensor, alpha: number) {
  const index = checkVectorIndex(op, indices);
  const d = normalizeDim(op, dim, x.ndim);
  checkSameDtype(op, x, source, 'source');
  const expected = x.shape.map((s, i) => (i === d ? index.numel() : s));
  if (!sameShape(source.shape, expected)) {
    throw new ShapeError(
      op,
      `source ${fmtShape(source.shape)} must match self ${fmtShape(x.shape)} except along dim ${d}, where its ` +
        `size must equal the number of indices (${index.numel()}): expected ${fmtShape(expected)}`,
    );
  }
  if (!isFloating(x.dtype) && !Number.isInteger(alpha)) {
    throw new ValueError(op, `alpha must be an integer for ${x.dtype} tensors, got ${alpha}`);
  }
  return { dim: d, index, source: alpha === 1 ? source : source.mul(alpha) };
}

/** torch.index_add: a copy of `x` with `alpha * source` slices summed into the slices `index` lists along `dim`. */
export function indexAdd(
  x: Tensor,
  dim: number,
  index: Tensor,
  source: Tensor,
  options: { alpha?: number } = {},
): Tensor {
  checkOptions('indexAdd', options, ALPHA_KEYS);
  const plan = planIndexAdd('indexAdd', x, dim, index, source, options.alpha ?? 1);
  return runKernel('indexAdd', [x, plan.index, plan.source], { dim: plan.dim });
}

/** In-place {@link indexAdd}. */
export function indexAdd_(
  x: Tensor,
  dim: number,
  index: Tensor,
  source: Tensor,
  options: { alpha?: number } = {},
): Tensor {
  checkOptions('indexAdd_', options, ALPHA_KEYS);
  const plan = planIndexAdd('indexAdd_', x, dim, index, source, options.alpha ?? 1);
  return runInplace('indexAdd', x, [x, plan.index, plan.source], { dim: plan.dim });
}

function checkMask(op: string, mask: Tensor): void {
  if (mask.dtype !== 'bool') {
    throw new DTypeError(
      op,
      `only supports boolean masks, but got mask with dtype ${mask.dtype}; build it with a comparison or .bool()`,
    );
  }
}

function fillValue(op: string, x: Tensor, value: Tensor | number | boolean): Tensor {
  if (!isTensor(value)) return scalarTensor(value, x.dtype, x.device);
  if (value.ndim !== 0) {
    throw new ShapeError(
      op,
      `only supports a 0-dimensional value tensor, but got a tensor of shape ${fmtShape(value.shape)}`,
    );
  }
  return value.to(x.dtype);
}

/**
 * torch.masked_fill: `value` (cast to x's dtype) where the bool `mask` is true, `x` elsewhere; mask and x
 * broadcast together. Built on `where`, so every backend and autograd get it for free.
 */
export function maskedFill(x: Tensor, mask: Tensor, value: Tensor | number | boolean): Tensor {
  checkMask('maskedFill', mask);
  broadcastShapes('maskedFill', x.shape, mask.shape);
  return runKernel('where', [mask, fillValue('maskedFill', x, value), x], { dtype: x.dtype });
}

/** In-place {@link maskedFill}: the mask must broadcast to x's shape. */
export function maskedFill_(x: Tensor, mask: Tensor, value: Tensor | number | boolean): Tensor {
  checkMask('maskedFill_', mask);
  const shape = broadcastShapes('maskedFill_', x.shape, mask.shape);
  if (!sameShape(shape, x.shape)) {
    throw new ShapeError(
      'maskedFill_',
      `output with shape ${fmtShape(x.shape)} doesn't match the broadcast shape ${fmtShape(shape)}; ` +
        'use the out-of-place maskedFill',
    );
  }
  return runInplace('where', x, [mask, fillValue('maskedFill_', x, value), x], { dtype: x.dtype });
}

/** torch.masked_select: the elements of x (broadcast with `mask`) where mask is true, as a 1-d tensor. */
export function maskedSelect(x: Tensor, mask: Tensor): Tensor {
  checkMask('maskedSelect', mask);
  broadcastShapes('maskedSelect', x.shape, mask.shape);
  return runKernel('maskedSelect', [x, mask]);
}

/**
 * Rows of a 2-d `weight` picked by an int32 tensor of any shape (torch.nn.functional.embedding):
 * the result has shape `[...indices.shape, weight.shape[1]]`.
 */
export function embedding(weight: Tensor, index: Tensor): Tensor {
  const indices = checkIndex('embedding', index);
  if (weight.ndim !== 2) {
    throw new ShapeError(
      'embedding',
      `weight must be 2-d [numEmbeddings, embeddingDim], got shape ${fmtShape(weight.shape)}`,
    );
  }
  const rows = indexSelect(weight, 0, reshape(indices, [-1]));
  return reshape(rows, [...indices.shape, weight.shape[1]!]);
}

/**
 * torch.nn.functional.one_hot: an int32 tensor of shape `[...indices.shape, numClasses]` with a 1 at each
 * index. `numClasses = -1` uses the largest index + 1.
 */
export function oneHot(index: Tensor, numClasses = -1): Tensor {
  const indices = checkIndex('oneHot', index);
  if (!Number.isInteger(numClasses) || numClasses < -1) {
    throw new ValueError('oneHot', `numClasses must be a non-negative integer or -1, got ${numClasses}`);
  }
  return runKernel('oneHot', [indices], { numClasses });
}

export type { ScatterReduce };
