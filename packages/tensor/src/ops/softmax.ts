import { isFloating } from '../kernel/dtype';
import { DTypeError, fmtShape, ShapeError, ValueError } from '../kernel/errors';
import { normalizeDim } from '../kernel/shape';
import { checkOptions, type OptionKeys } from '../options';
import { runKernel } from '../run-kernel';
import type { Tensor } from '../tensor';
import { int32Index } from './index-dtype';

function softmaxFamily(op: 'softmax' | 'logSoftmax', x: Tensor, dim: number): Tensor {
  if (!isFloating(x.dtype)) {
    throw new DTypeError(
      op,
      `expected a floating point input, got ${x.dtype}; convert it first, e.g. x.float()`,
    );
  }
  return runKernel(op, [x], { dim: normalizeDim(op, dim, x.ndim) });
}

/**
 * torch.softmax along `dim`: `exp(x) / sum(exp(x))`, computed shifted by the max so logits of any size
 * stay finite. Floating inputs only.
 */
export function softmax(x: Tensor, dim: number): Tensor {
  return softmaxFamily('softmax', x, dim);
}

/** torch.log_softmax along `dim`: `x - logsumexp(x)`, stable for logits of any size. Floating inputs only. */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  return softmaxFamily('logSoftmax', x, dim);
}

/** Options of {@link crossEntropyLoss}. */
export interface CrossEntropyLossOptions {
  /** Targets of this class get a loss of 0 (and a zero gradient); default -100, as PyTorch. */
  ignoreIndex?: number;
}
const CROSS_ENTROPY_KEYS: OptionKeys<CrossEntropyLossOptions> = { ignoreIndex: true };

function checkCrossEntropy(logits: Tensor, target: Tensor, ignoreIndex: number): void {
  const op = 'crossEntropyLoss';
  const shapes = `logits ${logits.dtype} ${fmtShape(logits.shape)}, target ${target.dtype} ${fmtShape(target.shape)}`;
  if (!isFloating(logits.dtype)) {
    throw new DTypeError(
      op,
      `expected floating point logits, got ${shapes}; convert them first, e.g. logits.float()`,
    );
  }
  if (target.dtype !== 'int32' && target.dtype !== 'int64') {
    throw new DTypeError(
      op,
      `expected int64 or int32 class indices as target, got ${shapes}; convert it with .long()`,
    );
  }
  if (logits.ndim !== 2 || target.ndim !== 1 || target.shape[0] !== logits.shape[0]) {
    throw new ShapeError(
      op,
      `expected logits [N, C] and target [N], got ${shapes}; flatten the batch dims first ` +
        "(or use nn's crossEntropy, which takes any [N, C, d1, ...])",
    );
  }
  if (!Number.isInteger(ignoreIndex)) {
    throw new ValueError(op, `ignoreIndex must be an integer, got ${ignoreIndex}`);
  }
}

/**
 * Per-sample cross-entropy of logits `[N, C]` against int32 class indices `[N]` in one fused kernel:
 * `logsumexp(logits[i]) - logits[i][target[i]]`, shifted by each row's max so logits of any size stay
 * finite, and 0 where the target is `ignoreIndex` (torch's `F.cross_entropy(logits, target,
 * reduction='none', ignore_index=...)`). Its gradient wrt the logits is `softmax(row) - onehot(target)`
 * per row; the target gets none.
 *
 * @throws IndexError when a target other than `ignoreIndex` lies outside `[0, C)`.
 * @example
 * crossEntropyLoss(tensor([[2, 0, -1]], { dtype: 'float32' }), tensor([0], { dtype: 'int32' })); // [0.1698]
 */
export function crossEntropyLoss(
  logits: Tensor,
  target: Tensor,
  options: CrossEntropyLossOptions = {},
): Tensor {
  checkOptions('crossEntropyLoss', options, CROSS_ENTROPY_KEYS);
  const ignoreIndex = options.ignoreIndex ?? -100;
  checkCrossEntropy(logits, target, ignoreIndex);
  return runKernel('crossEntropyLoss', [logits, int32Index('crossEntropyLoss', target, 'target')], {
    ignoreIndex,
  });
}
