import {
  checkOptions,
  DeviceError,
  type OptionKeys,
  registerBackend,
  unregisterBackend,
  ValueError,
} from '@nn/tensor';
import { registerGpuKernels } from '../kernels/register';
import type { BufferPoolStats } from '../runtime/buffer-pool';
import { createGpuRuntime, type GpuRuntimeOptions } from '../runtime/create-gpu-runtime';
import type { CallContract, GpuMode } from '../runtime/gpu-mode';
import type { WebGpuAdapterReport } from '../runtime/webgpu-adapter';
import { gpuBackend } from './gpu-backend';
import { GpuDevice } from './gpu-device';

/** The device name {@link registerGpuBackend} registers when given none. */
export const DEFAULT_GPU_DEVICE = 'gpu';

/** The keys of {@link GpuBackendOptions}: anything else is refused by name. */
const GPU_BACKEND_KEYS: OptionKeys<GpuBackendOptions> = {
  device: true,
  mode: true,
  canvas: true,
  context: true,
  dawnBackend: true,
  threads: true,
  poolBytes: true,
};

/** Options of {@link registerGpuBackend}; every field is optional. */
export interface GpuBackendOptions extends GpuRuntimeOptions {
  /**
   * The device name tensors on it carry: `'gpu'` (the default) or `'gpu:<label>'`, e.g. `'gpu:webgl2'`.
   * Each name is its own device with its own gpu.js runtime, so several modes can be registered at once;
   * tensors move between them through the CPU with `x.to('gpu:webasm')`.
   */
  readonly device?: string;
}

/** What {@link registerGpuBackend} got: the device name, the mode gpu.js really runs on, and the WebGPU adapter. */
export interface GpuBackendInfo {
  /** The device name tensors on it carry (`'gpu'` unless another was given). */
  readonly device: string;
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

/** The gpu devices registered now, by name. */
const devices = new Map<string, { device: GpuDevice; info: GpuBackendInfo }>();

/** `name` if it is a gpu device name (`'gpu'` or `'gpu:<label>'`), else a ValueError saying so. */
function checkedName(name: unknown, fn: string): string {
  if (typeof name === 'string' && /^gpu(:[\w.-]+)?$/.test(name)) return name;
  throw new ValueError(
    fn,
    `device must be 'gpu' or 'gpu:<label>' (letters, digits, '_', '.', '-'), e.g. 'gpu:webgl2'; ` +
      `got ${typeof name === 'string' ? `'${name}'` : String(name)}`,
  );
}

/**
 * Registers a gpu device with @nn/tensor, `'gpu'` unless the `device` option names another: creates a
 * gpu.js runtime (see the `mode` option of {@link GpuBackendOptions} for how a mode is picked when none
 * is given), registers the device's kernels and returns what it got. Then `x.to('gpu')`,
 * `model.to('gpu')` and `await x.data()` work; ops without a device kernel run on the CPU with a
 * transfer and a one-time warning. Under the async contract such an op still returns at once: its
 * result is pending on the device until the inputs have been read back and the CPU kernel has run (an
 * op whose output shape depends on input values, like `maskedSelect` on a device-computed mask, throws
 * there instead).
 *
 * Several devices live side by side, each under its own name with its own runtime (say `'gpu:webgl2'`
 * and `'gpu:webgpu'` in one page); an op's tensors must all be on one of them, as with any two devices.
 *
 * Every dtype lives on the device as float32 values: int32 is exact for |v| <= 2^24 (16 777 216),
 * bool is 0/1, and float64 tensors keep their dtype but are stored and computed in float32 (gpu.js has
 * no double precision). Registering a name again replaces that device (whose tensors become unusable).
 * Importing this package registers nothing.
 *
 * @example
 * const { mode } = await registerGpuBackend();
 * const y = tensor([1, 2, 3]).to('gpu').mul(2);
 * console.log(mode, await y.data());
 *
 * // two devices at once, one per mode
 * await registerGpuBackend({ mode: 'webgl2', device: 'gpu:webgl2' });
 * await registerGpuBackend({ mode: 'webasm', device: 'gpu:webasm' });
 * const z = y.to('gpu:webgl2').add(1).to('gpu:webasm');
 */
export async function registerGpuBackend(options: GpuBackendOptions = {}): Promise<GpuBackendInfo> {
  checkOptions('registerGpuBackend', options, GPU_BACKEND_KEYS);
  const { device: name = DEFAULT_GPU_DEVICE, ...runtimeOptions } = options;
  checkedName(name, 'registerGpuBackend');
  const runtime = await createGpuRuntime(runtimeOptions);
  await unregisterGpuBackend(name);
  const device = new GpuDevice(name, runtime);
  const info: GpuBackendInfo = {
    device: name,
    requestedMode: runtime.requestedMode,
    mode: runtime.mode,
    contract: runtime.contract,
    adapter: runtime.adapter?.name ?? null,
    adapterInfo: runtime.adapter,
  };
  registerGpuKernels(name);
  registerBackend(gpuBackend(device));
  devices.set(name, { device, info });
  return info;
}

/**
 * Removes gpu device `device` (default `'gpu'`) and destroys its gpu.js runtime (kernels, device
 * memory, the Dawn injection in Node once no other device uses it). Tensors still on it become
 * unusable; other gpu devices are untouched. Resolves when done; a no-op when no such device is
 * registered.
 */
export async function unregisterGpuBackend(device: string = DEFAULT_GPU_DEVICE): Promise<void> {
  const registered = devices.get(checkedName(device, 'unregisterGpuBackend'));
  if (!registered) return;
  devices.delete(device);
  unregisterBackend(device);
  await registered.device.destroy();
}

/** What {@link gpuBackendInfo} adds to {@link GpuBackendInfo}: the device memory now. */
export interface GpuMemoryInfo {
  /** Buffers handed out and not yet freed: watch it stay flat across training steps. */
  readonly liveBuffers: number;
  /** Bytes of those buffers (4 per float32 value; the pool's bytes are in {@link GpuMemoryInfo.pool}). */
  readonly liveBytes: number;
  /**
   * The most bytes of live buffers at once since the device was registered, as `torch.cuda.max_memory_allocated`
   * (the pool's released buffers not counted).
   */
  readonly peakBytes: number;
  /**
   * The pool of released buffers that later results reuse (bounded by the `poolBytes` option): on
   * `webgpu` every kernel output comes from it when a buffer of its size is free; on `webasm` and `cpu`,
   * whose kernel outputs gpu.js allocates itself, uploads copy into pooled arrays; GL modes pool nothing
   * (gpu.js re-renders into a kernel's own texture once its previous result is freed).
   */
  readonly pool: BufferPoolStats;
}

/**
 * Gpu device `device`'s (default `'gpu'`) name, mode and adapter plus its device memory (live buffers,
 * pool counters), or undefined when no such device is registered.
 */
export function gpuBackendInfo(
  device: string = DEFAULT_GPU_DEVICE,
): (GpuBackendInfo & GpuMemoryInfo) | undefined {
  const registered = devices.get(checkedName(device, 'gpuBackendInfo'));
  return (
    registered && {
      ...registered.info,
      liveBuffers: registered.device.liveBuffers,
      liveBytes: registered.device.liveBytes,
      peakBytes: registered.device.peakBytes,
      pool: registered.device.pool,
    }
  );
}

/** The names of the gpu devices registered now, in registration order. */
export function gpuDevices(): string[] {
  return [...devices.keys()];
}

/**
 * Resolves when every kernel launched so far on gpu device `device` has finished, or on every
 * registered gpu device when none is named (under the async contract; at once otherwise). Reads
 * already wait for the work they depend on; this is for timing. Rejects with a DeviceError for a name
 * that is not registered.
 */
export async function synchronizeGpu(device?: string): Promise<void> {
  if (device === undefined) {
    await Promise.all([...devices.values()].map((registered) => registered.device.flush()));
    return;
  }
  const registered = devices.get(checkedName(device, 'synchronizeGpu'));
  if (!registered) {
    throw new DeviceError(
      'synchronizeGpu',
      `no gpu device '${device}' is registered (registered: ${gpuDevices().join(', ') || 'none'}); ` +
        `call registerGpuBackend({ device: '${device}' }) first`,
    );
  }
  await registered.device.flush();
}
