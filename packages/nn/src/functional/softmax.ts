import { logSoftmax as logSoftmaxOp, softmax as softmaxOp, type Tensor } from '@nn/tensor';

/** `exp(x) / sum(exp(x))` along `dim`. */
export function softmax(x: Tensor, dim: number): Tensor {
  return softmaxOp(x, dim);
}

/** `x - logsumexp(x)` along `dim`, computed stably. */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  return logSoftmaxOp(x, dim);
}
