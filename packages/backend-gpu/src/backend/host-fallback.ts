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
type HostCompute = (hostInputs: readonly Tensor[]) => Tensor[];

/** A CPU tensor with `t`'s dtype and layout (shape, strides, offset) over `values`, its whole storage. */
function onHost(t: Tensor, values: TypedArray): Tensor {
  return new Tensor(new Storage('cpu', t.dtype, values.length, values), t.shape, t.strides, t.offset);
}

/** CPU stand-ins for `inputs`: each storage's exact host values where it keeps them, else all `fill`. */
function standIns(inputs: readonly Tensor[], data: readonly GpuData[], fill: number): Tensor[] {
  return inputs.map((t, i) => onHost(t, data[i]!.host ?? allocate(t.dtype, data[i]!.length).fill(fill)));
}

/** What the outputs look like: dtype and shape of each. */
function layoutOf(outputs: readonly OutputLayout[]): string {
  return outputs.map((t) => `${t.dtype}[${t.shape}]`).join(', ');
}

function valueDependent(device: GpuDevice, name: string, expected: string, got: string): DeviceError {
  return new DeviceError(
    name,
    `its output shape depends on input values (${expected} vs ${got}), which stay on the device where ` +
      `'${device.name}' reads asynchronously only; read the inputs with await tensor.data() and run it on ` +
      'the CPU, or use a sync mode',
  );
}

/**
 * The shapes and dtypes kernel `name`'s outputs will have, without the inputs' device values: the CPU
 * kernel run on stand-ins with the inputs' layouts (exact host values where a storage keeps them, else
 * zeros); a second run with ones instead catches kernels whose output shape depends on the values
 * (`maskedSelect`), which throw here. The one place that learns output layouts by running a kernel: it
 * becomes a call to @nn/tensor's op-table meta functions once those exist.
 */
function outputLayouts(
  device: GpuDevice,
  name: string,
  inputs: readonly Tensor[],
  data: readonly GpuData[],
  compute: HostCompute,
): OutputLayout[] {
  const probe = compute(standIns(inputs, data, 0));
  const layout = layoutOf(probe);
  let other: string | undefined;
  try {
    other = layoutOf(compute(standIns(inputs, data, 1)));
  } catch {
    // ones can be invalid where zeros are not (an index into a dim of size 1): no verdict
  }
  if (other !== undefined && other !== layout) throw valueDependent(device, name, layout, other);
  return probe.map((t) => ({ shape: t.shape, dtype: t.dtype }));
}

/**
 * The dispatcher's CPU fallback on an async-contract `device` (`Backend.runOnHost`), where ops never
 * wait for device data. When every input's exact values are known on the host, the CPU kernel runs now.
 * Otherwise the outputs' layouts come from {@link outputLayouts}, their data is returned at once, and the
 * real run happens in the device's launch queue on the inputs as they were at this call.
 */
export function runOnHost(
  device: GpuDevice,
  name: string,
  inputs: readonly Tensor[],
  compute: HostCompute,
): Tensor[] {
  const data = inputs.map((t) => dataOf(t, name));
  if (data.every((d) => d.host !== undefined || d.length === 0)) {
    const results = compute(standIns(inputs, data, 0));
    return results.map((t) => gpuTensor(device, device.fromHost(t.dataSync(), t.dtype), t.shape, t.dtype));
  }
  const layouts = outputLayouts(device, name, inputs, data, compute);
  const layout = layoutOf(layouts);
  const outputs = layouts.map((t) => ({
    length: shapeSize(t.shape),
    keepHost: keepsHostValues(t.dtype),
  }));
  const pending = device.deferToHost(data, outputs, (values) => {
    const results = compute(inputs.map((t, i) => onHost(t, fromDeviceValues(values[i]!, t.dtype))));
    if (layoutOf(results) !== layout) throw valueDependent(device, name, layout, layoutOf(results));
    return results.map((t) => t.dataSync());
  });
  return layouts.map((t, i) => gpuTensor(device, pending[i]!, t.shape, t.dtype));
}
