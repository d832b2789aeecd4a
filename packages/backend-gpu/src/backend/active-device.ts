import type { DType } from '@nn/tensor';
import { DeviceError, Storage, Tensor } from '@nn/tensor';
import { GpuData } from './gpu-data';
import type { GpuDevice } from './gpu-device';

/** The device name tensors on this backend carry. */
export const GPU_DEVICE = 'gpu';

let active: GpuDevice | undefined;

/** Sets (or clears) the device the `'gpu'` kernels run on. */
export function setActiveDevice(device: GpuDevice | undefined): void {
  active = device;
}

/** The device of the registered `'gpu'` backend, for a kernel named `op`. */
export function activeDevice(op: string): GpuDevice {
  if (!active) {
    throw new DeviceError(op, "the 'gpu' backend is not registered; await registerGpuBackend() first");
  }
  return active;
}

/** The device data behind a `'gpu'` tensor. */
export function dataOf(t: Tensor, op: string): GpuData {
  const data = t.storage.data;
  if (!(data instanceof GpuData)) {
    throw new DeviceError(op, `expected a tensor on 'gpu', got one on '${t.device}'`);
  }
  return data;
}

/** A contiguous `'gpu'` tensor over `data`. */
export function gpuTensor(data: GpuData, shape: readonly number[], dtype: DType): Tensor {
  return new Tensor(new Storage(GPU_DEVICE, dtype, data.length, data), shape);
}
