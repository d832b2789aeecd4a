import type * as gpujs from 'gpu.js';
import type { KernelSpec } from './cached-kernel';
import type { KernelShortcut } from './gpu-js-types';
import type { CallContract, GpuMode } from './gpu-mode';

/** Creates the gpu.js kernel for `spec` with the settings every kernel of this layer shares. */
export function buildKernel(
  gpu: gpujs.GPU,
  spec: KernelSpec,
  contract: CallContract,
  mode: GpuMode,
): KernelShortcut {
  const settings: gpujs.IGPUKernelSettings = {
    output: new Array<number>(spec.rank).fill(1),
    // 'precision' keeps GL results at their new size when a dynamic output grows (the default tactic
    // returns the old length), and full float32.
    tactic: 'precision',
    dynamicOutput: true,
    dynamicArguments: true,
    pipeline: true,
    // each call gets its own output: a mutable pipeline kernel overwrites its previous result in place
    immutable: true,
    loopMaxIterations: spec.loopMaxIterations ?? 65_536,
  } as gpujs.IGPUKernelSettings;
  if (contract === 'async' && mode !== 'webgpu') settings.asyncMode = true;
  return gpu.createKernel(spec.source as string, settings) as unknown as KernelShortcut;
}
