import { registerCpuCrossEntropy } from './cross-entropy';
import { registerCpuFolds } from './reduce';
import { registerCpuScans } from './scan';
import { registerCpuSoftmax } from './softmax';
import { registerCpuSorting } from './sort';

/** Registers the CPU kernels of reductions, scans, softmax (and the fused cross-entropy) and sorting. */
export function registerCpuReductions(): void {
  registerCpuFolds();
  registerCpuScans();
  registerCpuSoftmax();
  registerCpuCrossEntropy();
  registerCpuSorting();
}
