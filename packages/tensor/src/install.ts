// The one module with side effects (package.json `sideEffects` names the entry points that bundle it): it
// sets how kernels' views become tensors and registers the CPU backend and the kernels every device
// shares. Importing anything from '@nn/tensor' runs it once per copy of the package.
import { registerCpuBackend } from './backends/cpu/backend';
import { setViewWrapper } from './kernel/registry';
import { registerTransferKernel } from './kernel/transfer';
import { registerViewKernels } from './kernel/view-kernels';
import { registerCompositeLinear } from './ops/linalg';
import { registerCompositeReductions } from './ops/reductions';
import { Tensor } from './tensor';
import { isTensor } from './wrap';

// Views that already are tensors (inputs returned as they are) stay themselves.
setViewWrapper((view) =>
  isTensor(view) ? view : new Tensor(view.storage, view.shape, view.strides, view.offset),
);
registerCpuBackend();
registerViewKernels();
registerTransferKernel();
registerCompositeReductions();
registerCompositeLinear();
