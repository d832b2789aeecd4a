import {
  cat,
  checkOptions,
  DTypeError,
  full,
  IndexError,
  isFloating,
  embedding as lookup,
  ShapeError,
  type Tensor,
  tensor,
  ValueError,
  where,
  zeros,
} from '@nn/tensor';
import { EMBEDDING_BAG_FUNCTIONAL_KEYS } from '../utils/option-keys';
import {
  checkNormOptions,
  type EmbeddingNormOptions,
  embeddingRenorm_,
  scaleGradByFreq,
} from './embedding-options';

/** How {@link embeddingBag} reduces each bag. */
export type EmbeddingBagMode = 'sum' | 'mean' | 'max';

/** Options of {@link embeddingBag}: PyTorch's keyword arguments of `F.embedding_bag`. */
export interface EmbeddingBagOptions extends EmbeddingNormOptions {
  /** How each bag is reduced (default `'mean'`). */
  mode?: EmbeddingBagMode;
  /** A weight per index, same shape as `input`, multiplying its row (only with mode `'sum'`). */
  perSampleWeights?: Tensor | null;
  /** Indices equal to this row are left out of their bag (negative counts from the end). */
  paddingIdx?: number;
  /** `offsets` has one more entry than there are bags: the end of the last bag (CSR style). */
  includeLastOffset?: boolean;
}

const OP = 'embeddingBag';

/** The integer values of an index tensor, checked to be integers. */
function ints(name: string, t: Tensor): number[] {
  if (isFloating(t.dtype) || t.dtype === 'bool') {
    throw new DTypeError(OP, `${name} must be an integer tensor, got ${t.dtype}; use .to('int32')`);
  }
  return Array.from(t.dataSync(), Number);
}

/** Where each bag starts and ends in the flat indices, validated as PyTorch does. */
function bagBounds(offsetList: number[], total: number, includeLastOffset: boolean): [number, number][] {
  if (offsetList.length > 0 && offsetList[0] !== 0) {
    throw new ValueError(
      OP,
      `offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from position 0. However, got ${offsetList[0]}`,
    );
  }
  const last = offsetList.at(-1) ?? 0;
  if (last > total) {
    throw new ValueError(
      OP,
      `offsets[-1] can not be greater than input's length ${total} but got offsets[-1] of ${last}`,
    );
  }
  const bags = includeLastOffset ? offsetList.length - 1 : offsetList.length;
  const bounds: [number, number][] = [];
  for (let b = 0; b < bags; b++) {
    const end = b + 1 < offsetList.length ? offsetList[b + 1]! : total;
    if (end < offsetList[b]!) {
      throw new ValueError(
        OP,
        `offsets must be non-decreasing, got offsets[${b}]=${offsetList[b]} > offsets[${b + 1}]=${end}`,
      );
    }
    bounds.push([offsetList[b]!, end]);
  }
  return bounds;
}

/**
 * Sums, averages or takes the max of bags of embeddings without building the `[N, L, dim]` lookups
 * first (`F.embedding_bag`). `input` is `[B, N]` (B bags of N indices), or 1-D with `offsets` giving where
 * each bag starts. The result is `[B, dim]`; empty bags give zeros. Gradients reach `weight` (and
 * `perSampleWeights`); in `'max'` mode only the row that gave each maximum gets one.
 *
 * @example
 * ```ts
 * import { F } from '@nn/nn';
 * import { arange, tensor } from '@nn/tensor';
 *
 * const weight = arange(0, 12).reshape([4, 3]).float();
 * const bags = F.embeddingBag(tensor([0, 1, 3, 2]), weight, tensor([0, 2]), { mode: 'sum' });
 * console.log(bags.tolist()); // [ [ 3, 5, 7 ], [ 15, 17, 19 ] ]
 * ```
 */
export function embeddingBag(
  input: Tensor,
  weight: Tensor,
  offsets: Tensor | null = null,
  options: EmbeddingBagOptions = {},
): Tensor {
  checkOptions(OP, options, EMBEDDING_BAG_FUNCTIONAL_KEYS);
  checkNormOptions(OP, options);
  const { mode = 'mean', perSampleWeights = null, includeLastOffset = false } = options;
  const { maxNorm = null, normType = 2, scaleGradByFreq: byFreq = false } = options;
  if (mode !== 'sum' && mode !== 'mean' && mode !== 'max') {
    throw new ValueError(OP, `mode has to be one of 'sum', 'mean' or 'max', got '${String(mode)}'`);
  }
  if (byFreq && mode === 'max') {
    throw new ValueError(
      OP,
      "max mode does not support scaling the gradient by the frequency: use mode 'sum' or 'mean', or scaleGradByFreq: false",
    );
  }
  if (weight.ndim !== 2) {
    throw new ShapeError(
      OP,
      `weight has to be a 2D tensor [numEmbeddings, dim], got shape [${weight.shape.join(',')}]`,
    );
  }
  const [rows, dim] = weight.shape as [number, number];
  if (perSampleWeights) {
    if (mode !== 'sum') {
      throw new ValueError(
        OP,
        `perSampleWeights was given, but they are only supported for mode='sum' (got mode='${mode}')`,
      );
    }
    if (perSampleWeights.shape.join(',') !== input.shape.join(',')) {
      throw new ShapeError(
        OP,
        `perSampleWeights [${perSampleWeights.shape.join(',')}] must have the same shape as the input [${input.shape.join(',')}]`,
      );
    }
  }
  let padding = options.paddingIdx;
  if (padding !== undefined) {
    if (!Number.isInteger(padding) || padding >= rows || padding < -rows) {
      throw new ValueError(OP, `paddingIdx ${padding} must be within num_embeddings (${rows})`);
    }
    if (padding < 0) padding += rows;
  }
  let offsetList: number[];
  if (input.ndim === 2) {
    if (offsets) {
      throw new ValueError(
        OP,
        `if input is 2D, then offsets has to be null, as input is treated as a mini-batch of fixed length sequences; got offsets of shape [${offsets.shape.join(',')}]`,
      );
    }
    const [b, n] = input.shape as [number, number];
    offsetList = Array.from({ length: b }, (_, i) => i * n);
  } else if (input.ndim === 1) {
    if (offsets?.ndim !== 1) {
      throw new ShapeError(
        OP,
        `offsets has to be a 1D tensor of bag starts when input is 1D, got ${offsets ? `shape [${offsets.shape.join(',')}]` : 'null'}`,
      );
    }
    offsetList = ints('offsets', offsets);
  } else {
    throw new ShapeError(
      OP,
      `input has to be 1D (with offsets) or 2D [bags, indices], but got shape [${input.shape.join(',')}]`,
    );
  }
  // Bag layout is data-dependent (the longest bag sets the width), so it is planned from the index
  // values on the host, as PyTorch's CPU kernel does; the arithmetic below stays on the tensors' device.
  const indexList = ints('input', input);
  const total = indexList.length;
  for (const i of indexList) {
    if (i < 0 || i >= rows) {
      throw new IndexError(
        OP,
        `index ${i} is out of range for an embedding of ${rows} rows (indices must be in [0, ${rows}))`,
      );
    }
  }
  // PyTorch renormalises (under no_grad) before validating offsets; every index of the input counts.
  if (maxNorm !== null) embeddingRenorm_(OP, weight, indexList, maxNorm, normType);
  const bounds = bagBounds(offsetList, total, includeLastOffset);
  const members = bounds.map(([start, end]) => {
    const kept: number[] = [];
    for (let t = start; t < end; t++) if (indexList[t] !== padding) kept.push(t);
    return kept;
  });
  const width = Math.max(1, ...members.map((m) => m.length));
  // Each bag as `width` positions into the looked-up rows; the position `total` is a filler row.
  const positions = members.flatMap((m) => [...m, ...Array<number>(width - m.length).fill(total)]);
  const flatIndices = input.reshape([total]);
  // The embedding op, not indexSelect: its backward accumulates rows directly (several times faster).
  let picked = lookup(weight, flatIndices);
  if (byFreq) picked = scaleGradByFreq(picked, indexList);
  if (perSampleWeights) picked = picked.mul(perSampleWeights.reshape([total, 1]));
  let gathered: Tensor;
  if (positions.length === total && positions.every((p, i) => p === i)) {
    // Equal bags in order, nothing left out (2-D input without padding): the rows are already laid out.
    gathered = picked.reshape([members.length, width, dim]);
  } else {
    const filler = full([1, dim], mode === 'max' ? -Infinity : 0, {
      dtype: weight.dtype,
      device: weight.device,
    });
    gathered = lookup(
      cat([picked, filler], 0),
      tensor(positions, { dtype: 'int32', device: weight.device }),
    ).reshape([members.length, width, dim]);
  }
  const counts = tensor(
    members.map((m) => m.length),
    { dtype: weight.dtype, device: weight.device },
  ).reshape([members.length, 1]);
  if (mode === 'sum') return gathered.sum(1);
  if (mode === 'mean') return gathered.sum(1).div(counts.clamp(1));
  const { values } = gathered.max(1);
  return where(counts.gt(0), values, zeros([], { dtype: weight.dtype, device: weight.device }));
}
