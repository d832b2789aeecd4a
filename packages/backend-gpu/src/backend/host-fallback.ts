import { allocate, DeviceError, type DType, Storage, shapeSize, Tensor, type TypedArray } from '@nn/tensor';
import { fromDeviceValues, keepsHostValues } from './dtype-values';
import type { GpuData } from './gpu-data';
import type { GpuDevice } from './gpu-device';
import { dataOf, gpuTensor } from './gpu-tensor';

/** What an output looks like before its values exist. */
interface OutputLayout {
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/** The host computation of a CPU fallback: the CPU kernel on CPU tensors. */
export type HostCompute = (hostInputs: readonly Tensor[]) => Tensor[];

/** A CPU tensor with `t`'s dtype and layout (shape, strides, offset) over `values`, its whole storage. */
function onHost(t: Tensor, values: TypedArray): Tensor {
  return new Tensor(new Storage('cpu', t.dtype, values.length, values), t.shape, t.strides, t.offset);
}

/** CPU views of `inputs` over their exact host values (every storage keeps them). */
function hostCopies(inputs: readonly Tensor[], data: readonly GpuData[]): Tensor[] {
  return inputs.map((t, i) => onHost(t, data[i]!.host ?? allocate(t.dtype, 0)));
}

/** What the outputs look like: dtype and shape of each. */
function layoutOf(outputs: readonly OutputLayout[]): string {
  return outputs.map((t) => `${t.dtype}[${t.shape}]`).join(', ');
}

function valueDependent(device: GpuDevice, name: string): DeviceError {
  return new DeviceError(
    name,
    `its output shape depends on input values, which stay on the device where '${device.name}' reads ` +
      'asynchronously only; read the inputs with await tensor.data() and run it on the CPU, or use a sync mode',
  );
}

/**
 * The dispatcher's CPU fallback on an async-contract `device` (`Backend.runOnHost`), where ops never
 * wait for device data. When every input's exact values are known on the host, the CPU kernel runs now.
 * Otherwise the outputs' layouts come from the op table's meta function, their data is returned at once, and the
 * real run happens in the device's launch queue on the inputs as they were at this call.
 */
export function runOnHost(
  device: GpuDevice,
  name: string,
  inputs: readonly Tensor[],
  compute: HostCompute,
  layouts: readonly OutputLayout[] | undefined,
): Tensor[] {
  const data = inputs.map((t) => dataOf(t, name));
  if (data.every((d) => d.host !== undefined || d.length === 0)) {
    const results = compute(hostCopies(inputs, data));
    return results.map((t) => gpuTensor(device, device.fromHost(t.dataSync(), t.dtype), t.shape, t.dtype));
  }
  if (!layouts) throw valueDependent(device, name);
  const layout = layoutOf(layouts);
  const outputs = layouts.map((t) => ({
    length: shapeSize(t.shape),
    keepHost: keepsHostValues(t.dtype),
  }));
  const pending = device.deferToHost(data, outputs, (values) => {
    const results = compute(inputs.map((t, i) => onHost(t, fromDeviceValues(values[i]!, t.dtype))));
    if (layoutOf(results) !== layout) {
      throw new DeviceError(
        name,
        `the CPU kernel gave ${layoutOf(results)} where the op table said ${layout}`,
      );
    }
    return results.map((t) => t.dataSync());
  });
  return layouts.map((t, i) => gpuTensor(device, pending[i]!, t.shape, t.dtype));
}
