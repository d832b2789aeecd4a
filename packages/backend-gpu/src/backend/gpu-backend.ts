import {
  type Backend,
  DeviceError,
  type Storage,
  type Tensor,
  type TensorMeta,
  type TensorView,
} from '@nn/tensor';
import { nextTask } from '../runtime/next-task';
import { fromDeviceValues } from './dtype-values';
import type { GpuData } from './gpu-data';
import { GpuDevice } from './gpu-device';
import { type HostCompute, runOnHost } from './host-fallback';

/**
 * The backend object a gpu device registers with @nn/tensor: memory management plus the device itself,
 * which the dispatcher hands every kernel as its backend context (so several gpu devices share one set
 * of kernels).
 */
export interface GpuBackend extends Backend {
  readonly gpu: GpuDevice;
}

/** The @nn/tensor backend of `device`, registered under `device.name`. */
export function gpuBackend(device: GpuDevice): GpuBackend {
  const data = (storage: Storage) => storage.data as GpuData;
  return {
    name: device.name,
    gpu: device,
    fromHost: (values, dtype) => device.fromHost(values, dtype),
    allocate: (_dtype, size) => device.upload(new Float32Array(size)),
    read: async (storage) => {
      const stored = data(storage);
      await nextTask();
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
            inputs: readonly TensorView[],
            compute: (host: readonly TensorView[]) => TensorView[],
            outputs: readonly TensorMeta[] | undefined,
          ) => runOnHost(device, name, inputs as Tensor[], compute as unknown as HostCompute, outputs),
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

/** The gpu device a kernel named `op` runs on, from the backend context the dispatcher passed it. */
export function gpuDeviceOf(backend: Backend, op: string): GpuDevice {
  const gpu = (backend as Partial<GpuBackend>).gpu;
  if (!(gpu instanceof GpuDevice)) {
    throw new DeviceError(
      op,
      `device '${backend.name}' has @nn/backend-gpu kernels but its backend was not registered by ` +
        `registerGpuBackend(); call registerGpuBackend({ device: '${backend.name}' })`,
    );
  }
  return gpu;
}
