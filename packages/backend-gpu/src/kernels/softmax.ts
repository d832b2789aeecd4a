import type { Tensor } from '@nn/tensor';
import type { GpuDevice } from '../backend/gpu-device';
import type { DefineGpuKernel } from './define-kernel';
import { runDeviceElementwise } from './elementwise';
import { reduceDevice } from './reduce';

/**
 * softmax / logSoftmax along `dim` in two kernels: each lane's max-shifted logsumexp, then
 * `exp(x - lse)` or `x - lse` elementwise (the lane's result broadcast back).
 */
function softmaxDevice(device: GpuDevice, x: Tensor, dim: number, log: boolean): Tensor {
  const dims = x.ndim === 0 ? [] : [dim];
  using lse = reduceDevice(device, 'logsumexp', x, dims, true, x.dtype); // scratch, freed on return
  return runDeviceElementwise(device, log ? 'logSoftmaxOut' : 'softmaxOut', [x, lse], x.dtype);
}

/** Registers the device `softmax` and `logSoftmax` kernels. */
export function registerSoftmaxKernels(define: DefineGpuKernel): void {
  define<{ dim: number }>('softmax', ([x], { dim }, device) => softmaxDevice(device, x!, dim, false));
  define<{ dim: number }>('logSoftmax', ([x], { dim }, device) => softmaxDevice(device, x!, dim, true));
}
