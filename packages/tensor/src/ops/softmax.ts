import { runKernel } from '../dispatch';
import { isFloating } from '../dtype';
import { DTypeError } from '../errors';
import { normalizeDim } from '../shape';
import type { Tensor } from '../tensor';

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
