import { type DType, shapeSize, type Tensor } from '@nn/tensor';
import type { GpuDevice } from '../backend/gpu-device';
import { dataOf, gpuTensor } from '../backend/gpu-tensor';
import type { KernelSpec } from '../runtime/cached-kernel';

/**
 * Kernel source splitting the flat output index into row-major coordinates: `names[0]` is what remains
 * above `sizes` (the batch), `names[d + 1]` the coordinate over `sizes[d]`. Exact float arithmetic, as in
 * the strided walks: `(r + 0.5) / size` never rounds across an integer.
 */
export function coordsSource(names: readonly string[], sizes: readonly string[]): string {
  const lines = ['let rest = this.thread.x + 0.0;'];
  for (let d = sizes.length - 1; d >= 0; d--) {
    lines.push(
      `const above${d} = Math.floor((rest + 0.5) / ${sizes[d]});`,
      `const ${names[d + 1]} = rest - above${d} * ${sizes[d]};`,
      `rest = above${d};`,
    );
  }
  lines.push(`const ${names[0]} = rest;`);
  return lines.join('\n');
}

/** How a kernel reads a 4-D operand in place: its offset, then its four strides (5 table entries). */
export function layout4d(t: Tensor): number[] {
  return [t.offset, ...t.strides];
}

/**
 * Runs `spec` with one thread per element of a new contiguous tensor of `shape` on `device` (of `inputs[0]`'s
 * dtype unless given), passing the inputs' device data then `rest`; zeros when an operand is empty (no
 * empty launches).
 */
export function launchOver(
  device: GpuDevice,
  spec: KernelSpec,
  shape: readonly number[],
  inputs: readonly Tensor[],
  rest: readonly (Float32Array | number)[],
  dtype: DType = inputs[0]!.dtype,
): Tensor {
  const length = shapeSize(shape);
  const empty = length === 0 || inputs.some((t) => t.numel() === 0);
  const data = empty
    ? device.upload(new Float32Array(length))
    : device.launch(spec, length, [...inputs.map((t) => dataOf(t, spec.op)), ...rest]);
  return gpuTensor(device, data, [...shape], dtype);
}
