import { registerConvKernels } from './conv';
import { registerConvTransposeKernels } from './conv-transpose';
import { registerCopyKernels } from './copy';
import { registerCrossEntropyKernels } from './cross-entropy';
import { registerElementwiseKernels } from './elementwise';
import { registerIndexingKernels } from './indexing';
import { registerMatmulKernel } from './matmul';
import { registerOptimizerKernels } from './optimizers';
import { registerPoolingKernels } from './pooling';
import { registerReduceKernels } from './reduce';
import { registerSoftmaxKernels } from './softmax';

let registered = false;

/** Registers every `'gpu'` kernel with @nn/tensor's registry (once). */
export function registerGpuKernels(): void {
  if (registered) return;
  registered = true;
  registerConvKernels();
  registerConvTransposeKernels();
  registerCopyKernels();
  registerCrossEntropyKernels();
  registerElementwiseKernels();
  registerIndexingKernels();
  registerMatmulKernel();
  registerOptimizerKernels();
  registerPoolingKernels();
  registerReduceKernels();
  registerSoftmaxKernels();
}
