import { registerKernel } from '@nn/tensor';
import { gpuDeviceOf } from '../backend/gpu-backend';
import { registerConvKernels } from './conv';
import { registerConvTransposeKernels } from './conv-transpose';
import { registerCopyKernels } from './copy';
import { registerCrossEntropyKernels } from './cross-entropy';
import type { DefineGpuKernel } from './define-kernel';
import { registerElementwiseKernels } from './elementwise';
import { registerIndexingKernels } from './indexing';
import { registerMatmulKernel } from './matmul';
import { registerOptimizerKernels } from './optimizers';
import { registerPoolingKernels } from './pooling';
import { registerReduceKernels } from './reduce';
import { registerSoftmaxKernels } from './softmax';

const registered = new Set<string>();

/**
 * Registers every device kernel with @nn/tensor's registry under device name `device` (once per name).
 * Each kernel finds its GpuDevice in the backend context the dispatcher passes, so a name
 * registered again later runs on its new device.
 */
export function registerGpuKernels(device: string): void {
  if (registered.has(device)) return;
  registered.add(device);
  const define: DefineGpuKernel = (name, fn) =>
    registerKernel(name, device, (inputs, attrs: never, backend) =>
      fn(inputs, attrs, gpuDeviceOf(backend, name)),
    );
  for (const register of [
    registerConvKernels,
    registerConvTransposeKernels,
    registerCopyKernels,
    registerCrossEntropyKernels,
    registerElementwiseKernels,
    registerIndexingKernels,
    registerMatmulKernel,
    registerOptimizerKernels,
    registerPoolingKernels,
    registerReduceKernels,
    registerSoftmaxKernels,
  ]) {
    register(define);
  }
}
