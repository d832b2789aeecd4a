import { allocate, DeviceError, Storage, Tensor, type TypedArray } from '@nn/tensor';
import { dataOf, gpuTensor } from './active-device';
import { fromDeviceValues, keepsHostValues } from './dtype-values';
import type { GpuData } from './gpu-data';
import type { GpuDevice } from './gpu-device';

/** A CPU tensor with `t`'s dtype and layout (shape, strides, offset) over `values`, its whole storage. */
function onHost(t: Tensor, values: TypedArray): Tensor {
  return new Tensor(new Storage('cpu', t.dtype, values.length, values), t.shape, t.strides, t.offset);
}

/** CPU stand-ins for `inputs`: each storage's exact host values where it keeps them, else all `fill`. */
function standIns(inputs: readonly Tensor[], data: readonly GpuData[], fill: number): Tensor[] {
  return inputs.map((t, i) => onHost(t, data[i]!.host ?? allocate(t.dtype, data[i]!.length).fill(fill)));
}

/** What the outputs look like: dtype and shape of each. */
function layoutOf(outputs: readonly Tensor[]): string {
  return outputs.map((t) => `${t.dtype}[${t.shape}]`).join(', ');
}

function valueDependent(name: string, expected: string, got: string): DeviceError {
  return new DeviceError(
    name,
    `its output shape depends on input values (${expected} vs ${got}), which stay on the device where 'gpu' ` +
      'reads asynchronously only; read the inputs with await tensor.data() and run it on the CPU, or use a sync mode',
  );
}

/**
 * The dispatcher's CPU fallback under the async call contract (`Backend.runOnHost`), where ops never wait
 * for device data. The outputs' shapes and dtypes come from running the CPU kernel on stand-ins with the
 * inputs' layouts (exact host values where a storage keeps them, else zeros); a second run with ones
 * instead catches kernels whose output shape depends on the values (`maskedSelect`), which throw here.
 * The real run happens in the device's launch queue on the inputs as they were at this call; when every
 * input's exact values are known on the host, the first run already was the real one.
 */
export function runOnHost(
  device: GpuDevice,
  name: string,
  inputs: readonly Tensor[],
  compute: (hostInputs: readonly Tensor[]) => Tensor[],
): Tensor[] {
  const data = inputs.map((t) => dataOf(t, name));
  const probe = compute(standIns(inputs, data, 0));
  if (data.every((d) => d.host !== undefined || d.length === 0)) {
    return probe.map((t) => gpuTensor(device.fromHost(t.dataSync(), t.dtype), t.shape, t.dtype));
  }
  const layout = layoutOf(probe);
  let other: string | undefined;
  try {
    other = layoutOf(compute(standIns(inputs, data, 1)));
  } catch {
    // ones can be invalid where zeros are not (an index into a dim of size 1): no verdict
  }
  if (other !== undefined && other !== layout) throw valueDependent(name, layout, other);
  const outputs = probe.map((t) => ({ length: t.numel(), keepHost: keepsHostValues(t.dtype) }));
  const pending = device.deferToHost(data, outputs, (values) => {
    const results = compute(inputs.map((t, i) => onHost(t, fromDeviceValues(values[i]!, t.dtype))));
    if (layoutOf(results) !== layout) throw valueDependent(name, layout, layoutOf(results));
    return results.map((t) => t.dataSync());
  });
  return probe.map((t, i) => gpuTensor(pending[i]!, t.shape, t.dtype));
}
