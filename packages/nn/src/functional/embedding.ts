import { IndexError, embedding as lookup, type Tensor, where } from '@nn/tensor';

/**
 * Looks up rows of `weight` (`[numEmbeddings, dim]`) for int32 `indices` of any shape; the result is
 * `[...indices.shape, dim]` (`F.embedding(input, weight, padding_idx)`). Entries equal to `paddingIdx`
 * read their row but pass no gradient to it.
 */
export function embedding(indices: Tensor, weight: Tensor, paddingIdx?: number): Tensor {
  const out = rowsOf(weight, indices);
  if (paddingIdx === undefined) return out;
  // Same values either way; padding positions take the detached branch, so their row gets no gradient.
  const isPad = indices.eq(paddingIdx < 0 ? paddingIdx + weight.shape[0]! : paddingIdx).unsqueeze(-1);
  return where(isPad, out.detach(), out);
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
