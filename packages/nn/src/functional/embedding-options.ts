import { Function as AutogradFunction, type FunctionCtx, type FunctionGrad, noGrad } from '@nn/autograd';
import { IndexError, NNError, type Tensor, tensor, ValueError } from '@nn/tensor';

/** PyTorch's `max_norm` / `norm_type` / `scale_grad_by_freq` / `sparse` options shared by Embedding and EmbeddingBag. */
export interface EmbeddingNormOptions {
  /** Rows looked up whose `normType`-norm exceeds this are rescaled to it, in place, before the lookup. */
  maxNorm?: number | null;
  /** The p of the p-norm compared with `maxNorm` (default 2). */
  normType?: number;
  /** Divide each row's weight gradient by how often its index appears in the mini-batch (default false). */
  scaleGradByFreq?: boolean;
  /** Sparse weight gradients: not supported (@nn has no sparse tensors); only `false` is accepted. */
  sparse?: boolean;
}

/** Checks the options as PyTorch does and refuses `sparse: true`, which @nn cannot honour. */
export function checkNormOptions(op: string, options: EmbeddingNormOptions): void {
  const { maxNorm = null, normType = 2, scaleGradByFreq = false, sparse = false } = options;
  if (maxNorm !== null && (typeof maxNorm !== 'number' || Number.isNaN(maxNorm))) {
    throw new ValueError(op, `maxNorm must be a number or null, got ${String(maxNorm)}`);
  }
  if (typeof normType !== 'number' || Number.isNaN(normType)) {
    throw new ValueError(
      op,
      `normType must be a number (the p of the p-norm, e.g. 2 or Infinity), got ${String(normType)}`,
    );
  }
  if (typeof scaleGradByFreq !== 'boolean') {
    throw new ValueError(op, `scaleGradByFreq must be a boolean, got ${String(scaleGradByFreq)}`);
  }
  if (sparse !== false) {
    throw new NNError(
      op,
      `sparse: ${String(sparse)} is not supported: @nn has no sparse tensors, so the weight gradient is always dense; leave sparse out (or false)`,
    );
  }
}

/**
 * torch.embedding_renorm_ under no_grad: each distinct row of `weight` named in `indexList` whose
 * `normType`-norm exceeds `maxNorm` is scaled by maxNorm / (norm + 1e-7), in place (one write, so the
 * weight's version goes up by one, as in PyTorch).
 */
export function embeddingRenorm_(
  op: string,
  weight: Tensor,
  indexList: readonly number[],
  maxNorm: number,
  normType: number,
): void {
  const rows = weight.shape[0]!;
  const distinct = [...new Set(indexList)].sort((a, b) => a - b);
  for (const i of distinct) {
    if (!Number.isInteger(i) || i < 0 || i >= rows) {
      throw new IndexError(
        op,
        `index ${i} is out of range for an embedding of ${rows} rows (indices must be in [0, ${rows}))`,
      );
    }
  }
  noGrad(() => {
    const at = tensor(distinct, { dtype: 'int32', device: weight.device });
    const picked = weight.indexSelect(0, at);
    // The scale in double on the host from the row norm in the weight's dtype, as PyTorch's CPU kernel.
    const scales = Array.from(picked.norm(normType, 1).dataSync(), Number).map((n) =>
      n > maxNorm ? maxNorm / (n + 1e-7) : 1,
    );
    const scale = tensor(scales, { dtype: weight.dtype, device: weight.device }).reshape([
      distinct.length,
      1,
    ]);
    weight.indexPut_(at, picked.mul(scale));
  });
}

/** Identity forward; backward multiplies the gradient by `scale` (1 / frequency of each position's index). */
class ScaleGradByFreq extends AutogradFunction {
  static override forward(ctx: FunctionCtx, rows: Tensor, scale: Tensor): Tensor {
    ctx.scale = scale;
    return rows;
  }

  static override backward(ctx: FunctionCtx, grad: Tensor): FunctionGrad[] {
    return [grad.mul(ctx.scale as Tensor), undefined];
  }
}

/**
 * `rows` (`[n, dim]`, looked up at `indexList`) with its gradient divided by how many times each index
 * appears in `indexList`: the `scale_grad_by_freq` of PyTorch's embedding backward.
 */
export function scaleGradByFreq(rows: Tensor, indexList: readonly number[]): Tensor {
  const counts = new Map<number, number>();
  for (const i of indexList) counts.set(i, (counts.get(i) ?? 0) + 1);
  const scale = tensor(
    indexList.map((i) => 1 / counts.get(i)!),
    { dtype: rows.dtype, device: rows.device },
  ).reshape([indexList.length, 1]);
  return ScaleGradByFreq.apply(rows, scale);
}
