import type { DType } from '@nn/tensor';
import { DeviceError, Storage, Tensor } from '@nn/tensor';
import { checkGpuDType } from './dtype-values';
import { GpuData } from './gpu-data';
import type { GpuDevice } from './gpu-device';

/** The device data behind a tensor on a gpu device, for kernel `op`. */
export function dataOf(t: Tensor, op: string): GpuData {
  const data = t.storage.data;
  if (!(data instanceof GpuData)) {
    throw new DeviceError(op, `expected a tensor on a gpu device, got one on '${t.device}'`);
  }
  return data;
}

/** A contiguous tensor on `device` over `data`. */
export function gpuTensor(device: GpuDevice, data: GpuData, shape: readonly number[], dtype: DType): Tensor {
  checkGpuDType(device.name, dtype);
  return new Tensor(new Storage(device.name, dtype, data.length, data), shape);
}
