/**
 * A gpu.js backend plugin for @nn/tensor: hot kernels on WebGL, WebGPU and WASM.
 *
 * @module @nn/backend-gpu
 */
// The public face of @nn/backend-gpu: re-exports only. Importing it registers nothing.
export {
  type GpuBackendInfo,
  type GpuBackendOptions,
  type GpuMemoryInfo,
  gpuBackendInfo,
  gpuDevices,
  registerGpuBackend,
  synchronizeGpu,
  unregisterGpuBackend,
} from './backend/register-gpu-backend';
export type { BufferPoolStats } from './runtime/buffer-pool';
export type { DawnBackend } from './runtime/dawn-node';
export type { CallContract, GpuMode } from './runtime/gpu-mode';
export type { WebGpuAdapterReport } from './runtime/webgpu-adapter';
