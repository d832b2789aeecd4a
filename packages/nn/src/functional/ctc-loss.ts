import { checkOptions, ctcLoss as ctcLossOp, isTensor, ShapeError, type Tensor, tensor } from '@nn/tensor';
import { CTC_KEYS } from '../utils/option-keys';
import type { ReductionOptions } from './loss';
import { reduce } from './reduction';

/** Options of {@link ctcLoss}. */
export interface CtcLossOptions extends ReductionOptions {
  /** The blank label (default 0). */
  blank?: number;
  /**
   * Infinite losses (an input too short for its target) and their gradients become 0 (default false), as
   * PyTorch's `zero_infinity`.
   */
  zeroInfinity?: boolean;
}

/** Lengths as given, or reshaped to `[1]` for an unbatched call. */
const batched = (v: Tensor | number | readonly number[]): Tensor | readonly number[] =>
  isTensor(v) ? v.reshape([1]) : typeof v === 'number' ? [v] : v;

/**
 * Connectionist temporal classification loss (`F.ctc_loss`, Graves et al. 2006), computed by a dedicated
 * kernel (the alpha-beta recursion in log space) rather than a composite.
 *
 * - `logProbs`: `[T, N, C]` log-probabilities (apply `logSoftmax(x, 2)` first), or `[T, C]` unbatched;
 * - `targets`: int32, `[N, S]` padded or 1-d with the targets concatenated (`[S]` unbatched);
 * - `inputLengths`, `targetLengths`: int32 `[N]` tensors or arrays (numbers or 0-d tensors unbatched).
 *
 * `reduction: 'mean'` (the default) divides each loss by its target length (at least 1), then averages
 * over the batch, as PyTorch; `'sum'` adds the losses; `'none'` gives `[N]`.
 *
 * @example
 * ```ts
 * const logProbs = randn([50, 2, 20]).logSoftmax(2);
 * const targets = tensor([[1, 2, 2], [3, 4, 0]], { dtype: 'int32' });
 * F.ctcLoss(logProbs, targets, [50, 40], [3, 2]);
 * ```
 */
export function ctcLoss(
  logProbs: Tensor,
  targets: Tensor,
  inputLengths: Tensor | number | readonly number[],
  targetLengths: Tensor | number | readonly number[],
  options: CtcLossOptions = {},
): Tensor {
  checkOptions('ctcLoss', options, CTC_KEYS);
  const { blank, zeroInfinity, reduction } = options;
  const unbatched = logProbs.ndim === 2;
  if (unbatched && targets.ndim !== 1) {
    throw new ShapeError(
      'ctcLoss',
      `unbatched log_probs [T, C] take 1-d targets [S], got [${targets.shape.join(',')}]`,
    );
  }
  const kernelOptions = {
    ...(blank === undefined ? {} : { blank }),
    ...(zeroInfinity === undefined ? {} : { zeroInfinity }),
  };
  const losses = unbatched
    ? ctcLossOp(
        logProbs.unsqueeze(1),
        targets.unsqueeze(0),
        batched(inputLengths),
        batched(targetLengths),
        kernelOptions,
      ).reshape([])
    : ctcLossOp(
        logProbs,
        targets,
        inputLengths as Tensor | readonly number[],
        targetLengths as Tensor | readonly number[],
        kernelOptions,
      );
  if ((reduction ?? 'mean') !== 'mean') return reduce('ctcLoss', losses, reduction);
  const lengths = isTensor(targetLengths)
    ? targetLengths.to(losses.dtype)
    : tensor(targetLengths as number | number[], { dtype: losses.dtype, device: losses.device });
  return losses.div(lengths.clamp(1)).mean();
}
