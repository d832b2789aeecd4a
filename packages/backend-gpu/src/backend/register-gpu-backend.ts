import { type Backend, registerBackend, type Storage, type Tensor, unregisterBackend } from '@nn/tensor';
import { registerGpuKernels } from '../kernels/register';
import type { BufferPoolStats } from '../runtime/buffer-pool';
import { createGpuRuntime, type GpuRuntimeOptions } from '../runtime/create-gpu-runtime';
import type { CallContract, GpuMode } from '../runtime/gpu-mode';
import type { WebGpuAdapterReport } from '../runtime/webgpu-adapter';
import { GPU_DEVICE, setActiveDevice } from './active-device';
import { fromDeviceValues } from './dtype-values';
import type { GpuData } from './gpu-data';
import { GpuDevice } from './gpu-device';
import { runOnHost } from './host-fallback';

/** Options of {@link registerGpuBackend}; every field is optional. */
export type GpuBackendOptions = GpuRuntimeOptions;

/** What {@link registerGpuBackend} got: the mode gpu.js really runs on, and the WebGPU adapter. */
export interface GpuBackendInfo {
  /** The mode asked for (`'auto'` when none was). */
  readonly requestedMode: GpuMode | 'auto';
  /** The mode gpu.js runs kernels on, read from a built probe kernel. */
  readonly mode: GpuMode;
  /**
   * `sync` when kernels and reads complete at once (`dataSync()`, `item()` work); `async` on WebGPU (and
   * threaded webasm), where values are read with `await tensor.data()`.
   */
  readonly contract: CallContract;
  /** The WebGPU adapter's name (`webgpu` mode), else null. */
  readonly adapter: string | null;
  /** The WebGPU adapter's details (`webgpu` mode), else null. */
  readonly adapterInfo: WebGpuAdapterReport | null;
}

let current: { device: GpuDevice; info: GpuBackendInfo } | undefined;

function gpuBackend(device: GpuDevice): Backend {
  const data = (storage: Storage) => storage.data as GpuData;
  return {
    name: GPU_DEVICE,
    fromHost: (values, dtype) => device.fromHost(values, dtype),
    allocate: (_dtype, size) => device.upload(new Float32Array(size)),
    read: async (storage) => {
      const stored = data(storage);
      const exact = stored.hostCopy();
      if (exact) return exact;
      const values = await device.read(stored);
      // a CPU fallback's int32/float64 result gets its exact host values once computed
      return stored.hostCopy() ?? fromDeviceValues(values, storage.dtype);
    },
    ...(device.isAsync
      ? {
          runOnHost: (
            name: string,
            inputs: readonly Tensor[],
            compute: (host: readonly Tensor[]) => Tensor[],
          ) => runOnHost(device, name, inputs, compute),
        }
      : {
          readSync: (storage: Storage) =>
            data(storage).hostCopy() ?? fromDeviceValues(device.readSync(data(storage)), storage.dtype),
        }),
    dispose: (storage) => {
      data(storage).host = undefined;
      device.dispose(data(storage));
    },
  };
}

/**
 * Registers the `'gpu'` device with @nn/tensor: creates a gpu.js runtime (see
 * the `mode` option of {@link GpuBackendOptions} for how a mode is picked when none is given), registers the device's
 * kernels and returns what it got. Then `x.to('gpu')`, `model.to('gpu')` and `await x.data()` work;
 * ops without a device kernel run on the CPU with a transfer and a one-time warning. Under the async
 * contract such an op still returns at once: its result is pending on the device until the inputs have
 * been read back and the CPU kernel has run (an op whose output shape depends on input values, like
 * `maskedSelect` on a device-computed mask, throws there instead).
 *
 * Every dtype lives on the device as float32 values: int32 is exact for |v| <= 2^24 (16 777 216),
 * bool is 0/1, and float64 tensors keep their dtype but are stored and computed in float32 (gpu.js has
 * no double precision). Calling it again replaces the previous `'gpu'` backend (whose tensors become
 * unusable). Importing this package registers nothing.
 *
 * @example
 * const { mode } = await registerGpuBackend();
 * const y = tensor([1, 2, 3]).to('gpu').mul(2);
 * console.log(mode, await y.data());
 */
export async function registerGpuBackend(options: GpuBackendOptions = {}): Promise<GpuBackendInfo> {
  const runtime = await createGpuRuntime(options);
  await unregisterGpuBackend();
  const device = new GpuDevice(runtime);
  const info: GpuBackendInfo = {
    requestedMode: runtime.requestedMode,
    mode: runtime.mode,
    contract: runtime.contract,
    adapter: runtime.adapter?.name ?? null,
    adapterInfo: runtime.adapter,
  };
  registerGpuKernels();
  registerBackend(gpuBackend(device));
  setActiveDevice(device);
  current = { device, info };
  return info;
}

/**
 * Removes the `'gpu'` backend and destroys its gpu.js runtime (kernels, device memory, the Dawn
 * injection in Node). Tensors still on `'gpu'` become unusable. Resolves when done; a no-op when no
 * backend is registered.
 */
export async function unregisterGpuBackend(): Promise<void> {
  if (!current) return;
  const { device } = current;
  current = undefined;
  setActiveDevice(undefined);
  unregisterBackend(GPU_DEVICE);
  await device.destroy();
}

/** What {@link gpuBackendInfo} adds to {@link GpuBackendInfo}: the device memory now. */
export interface GpuMemoryInfo {
  /** Buffers handed out and not yet freed: watch it stay flat across training steps. */
  readonly liveBuffers: number;
  /**
   * The pool of released buffers that later results reuse (bounded by the `poolBytes` option): on
   * `webgpu` every kernel output comes from it when a buffer of its size is free; on `webasm` and `cpu`,
   * whose kernel outputs gpu.js allocates itself, uploads copy into pooled arrays; GL modes pool nothing
   * (gpu.js re-renders into a kernel's own texture once its previous result is freed).
   */
  readonly pool: BufferPoolStats;
}

/**
 * The registered `'gpu'` backend's mode and adapter plus its device memory (live buffers, pool counters),
 * or undefined when none is registered.
 */
export function gpuBackendInfo(): (GpuBackendInfo & GpuMemoryInfo) | undefined {
  return current && { ...current.info, liveBuffers: current.device.liveBuffers, pool: current.device.pool };
}

/**
 * Resolves when every kernel launched on `'gpu'` so far has finished (under the async contract; at once
 * otherwise). Reads already wait for the work they depend on; this is for timing.
 */
export async function synchronizeGpu(): Promise<void> {
  await current?.device.flush();
}
