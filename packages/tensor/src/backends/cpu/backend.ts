import type { Backend } from '../../kernel/backend';
import { allocate, copyArray, type TypedArray } from '../../kernel/dtype';
import { markEscaped, markTransientView, releaseBuffer } from '../../kernel/host-pool';
import { registerBackend, registerKernel } from '../../kernel/registry';
import { liveData, type Storage } from '../../kernel/storage';
import { stridedOffsets } from '../../kernel/strided-offsets';
import { expandView, isContiguous, numel, type TensorView } from '../../kernel/view';
import { registerCpuAdaptiveMaxPool } from './adaptive-max-pool';
import { registerCpuAttention } from './attention';
import { registerCpuConv } from './conv';
import { registerCpuCounting } from './counting';
import { registerCpuCtcLoss } from './ctc-loss';
import { cloneCpu, registerCpuElementwise, runCopy } from './elementwise';
import { registerCpuFold } from './fold';
import { registerCpuIndexing } from './indexing';
import { registerCpuJoin } from './join';
import { registerCpuDecompositions } from './linalg/decompositions';
import { registerCpuMatmul } from './matmul';
import { registerCpuPoisson } from './poisson';
import { registerCpuPooling } from './pooling';
import { registerCpuReductions } from './reductions';
import { registerCpuRunning } from './running';
import { registerCpuShaping } from './shaping';

/** The array a read hands to user code, which may keep it: it never goes back to the memory pool. */
function readOut(storage: Storage): TypedArray {
  const data = liveData('dataSync', storage);
  markEscaped(data);
  return data as TypedArray;
}

/**
 * The default device: plain typed arrays, garbage collected like any JS object, except that memory the
 * framework knows is dead (`dispose()`, in-place scratch, backward's used-up gradients) is reused at once
 * (see host-pool).
 */
export const cpuBackend: Backend = {
  name: 'cpu',
  fromHost: (values: TypedArray) => copyArray(values),
  allocate,
  read: async (storage: Storage) => readOut(storage),
  readSync: readOut,
  dispose: (storage: Storage) => {
    const data = storage.data;
    storage.data = null;
    releaseBuffer(data, storage);
  },
};

/**
 * Writes `source` (broadcast to `target`'s shape, converted to its dtype) through `target`'s strides:
 * the one primitive every in-place op ends in.
 */
function copyInto(target: TensorView, source: TensorView): void {
  const out = target.storage.data as TypedArray;
  const expanded = expandView(source, target.shape, 'copy_');
  // A contiguous target that shares no memory with the source is written directly, without a dense copy.
  if (isContiguous(target) && source.storage !== target.storage) {
    const destination = out.subarray(target.offset, target.offset + numel(target)) as TypedArray;
    // Same dtype, dense and unbroadcast (an in-place op's fresh result): one native copy, not the JS loop.
    if (source.dtype === target.dtype && isContiguous(expanded) && numel(source) === numel(target)) {
      const data = expanded.storage.data as TypedArray;
      destination.set(data.subarray(expanded.offset, expanded.offset + numel(target)) as never);
      return;
    }
    markTransientView(destination); // the view runCopy wraps is not a second owner of the array
    runCopy('copy_', [expanded], target.dtype, destination);
    return;
  }
  const values = runCopy('copy_', [expanded], target.dtype).storage.data as TypedArray;
  if (isContiguous(target)) {
    out.set(values, target.offset);
    return;
  }
  const at = stridedOffsets(target.shape, target.strides, target.offset);
  for (let i = 0; i < at.length; i++) out[at[i]!] = values[i]!;
}

/** Registers the CPU backend and its kernels (runs once, when @nn/tensor loads). */
export function registerCpuBackend(): void {
  registerBackend(cpuBackend);
  registerCpuElementwise();
  registerCpuIndexing();
  registerCpuJoin();
  registerCpuShaping();
  registerCpuReductions();
  registerCpuMatmul();
  registerCpuConv();
  registerCpuPooling();
  registerCpuAttention();
  registerCpuCtcLoss();
  registerCpuAdaptiveMaxPool();
  registerCpuFold();
  registerCpuCounting();
  registerCpuRunning();
  registerCpuPoisson();
  registerCpuDecompositions();
  registerKernel('clone', 'cpu', ([x]) => cloneCpu(x!), { encodedDTypes: true });
  registerKernel(
    'copy_',
    'cpu',
    ([target, source]) => {
      copyInto(target!, source!);
      return target!;
    },
    { encodedDTypes: true },
  );
}
