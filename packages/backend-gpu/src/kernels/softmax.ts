import { registerKernel, type Tensor } from '@nn/tensor';
import { runDeviceElementwise } from './elementwise';
import { reduceDevice } from './reduce';

/**
 * softmax / logSoftmax along `dim` in two kernels: each lane's max-shifted logsumexp, then
 * `exp(x - lse)` or `x - lse` elementwise (the lane's result broadcast back).
 */
function softmaxDevice(x: Tensor, dim: number, log: boolean): Tensor {
  const dims = x.ndim === 0 ? [] : [dim];
  const lse = reduceDevice('logsumexp', x, dims, true, x.dtype);
  return runDeviceElementwise(log ? 'logSoftmaxOut' : 'softmaxOut', [x, lse], x.dtype);
}

/** Registers the device `softmax` and `logSoftmax` kernels. */
export function registerSoftmaxKernels(): void {
  registerKernel<{ dim: number }>('softmax', 'gpu', ([x], { dim }) => softmaxDevice(x!, dim, false));
  registerKernel<{ dim: number }>('logSoftmax', 'gpu', ([x], { dim }) => softmaxDevice(x!, dim, true));
}
