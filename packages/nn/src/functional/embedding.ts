import {
  checkOptions,
  DTypeError,
  IndexError,
  isFloating,
  embedding as lookup,
  type Tensor,
  where,
} from '@nn/tensor';
import { EMBEDDING_FUNCTIONAL_KEYS } from '../utils/option-keys';
import {
  checkNormOptions,
  type EmbeddingNormOptions,
  embeddingRenorm_,
  scaleGradByFreq,
} from './embedding-options';

/** Options of {@link embedding}: PyTorch's keyword arguments of `F.embedding`. */
export interface EmbeddingFunctionalOptions extends EmbeddingNormOptions {
  /** Entries equal to this row read it but pass it no gradient (negative counts from the end). */
  paddingIdx?: number | null;
}

/**
 * Looks up rows of `weight` (`[numEmbeddings, dim]`) for int32 `indices` of any shape; the result is
 * `[...indices.shape, dim]` (`F.embedding(input, weight, padding_idx, max_norm, norm_type,
 * scale_grad_by_freq)`). The third argument is `paddingIdx` or an options object. Entries equal to
 * `paddingIdx` read their row but pass no gradient to it; with `maxNorm`, the rows looked up are first
 * renormalised in place (under no_grad) to at most that norm.
 *
 * @example
 * ```ts
 * import { F } from '@nn/nn';
 * import { tensor } from '@nn/tensor';
 *
 * const weight = tensor([[3, 4], [0.3, 0.4]]);
 * console.log(F.embedding(tensor([1, 0, 1]), weight, { maxNorm: 1 }).shape); // [ 3, 2 ]
 * console.log(weight.norm(2, 1).tolist()); // [ 1, 0.5 ]: row 0 was renormalised in place
 * ```
 */
export function embedding(
  indices: Tensor,
  weight: Tensor,
  options: number | null | EmbeddingFunctionalOptions = {},
): Tensor {
  const opts: EmbeddingFunctionalOptions =
    typeof options === 'number' || options === null ? { paddingIdx: options } : options;
  checkOptions('embedding', opts, EMBEDDING_FUNCTIONAL_KEYS);
  checkNormOptions('embedding', opts);
  const { paddingIdx = null, maxNorm = null, normType = 2, scaleGradByFreq: byFreq = false } = opts;
  // Index values are only read on the host when an option needs them (renorm, frequencies).
  const indexList = maxNorm !== null || byFreq ? indexValues(indices) : [];
  if (maxNorm !== null) embeddingRenorm_('embedding', weight, indexList, maxNorm, normType);
  let out = rowsOf(weight, indices);
  if (byFreq) {
    const dim = weight.shape[1]!;
    out = scaleGradByFreq(out.reshape([indexList.length, dim]), indexList).reshape(out.shape);
  }
  if (paddingIdx === null) return out;
  // Same values either way; padding positions take the detached branch, so their row gets no gradient.
  const isPad = indices.eq(paddingIdx < 0 ? paddingIdx + weight.shape[0]! : paddingIdx).unsqueeze(-1);
  return where(isPad, out.detach(), out);
}

/** The values of an integer index tensor on the host. */
function indexValues(indices: Tensor): number[] {
  if (isFloating(indices.dtype) || indices.dtype === 'bool') {
    throw new DTypeError(
      'embedding',
      `indices must be an integer tensor, got ${indices.dtype}; use .to('int32')`,
    );
  }
  return Array.from(indices.dataSync(), Number);
}

/** The rows of `weight` at `indices`, naming `embedding` (not the internal indexSelect) when one is out of range. */
function rowsOf(weight: Tensor, indices: Tensor): Tensor {
  try {
    return lookup(weight, indices);
  } catch (error) {
    if (!(error instanceof IndexError)) throw error;
    const rows = weight.shape[0]!;
    const index = /index (-?\d+)/.exec(error.message)?.[1] ?? 'an index';
    throw new IndexError(
      'embedding',
      `index ${index} is out of range for an embedding of ${rows} rows (indices must be in [0, ${rows}))`,
      { cause: error },
    );
  }
}
