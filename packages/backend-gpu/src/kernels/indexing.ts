import { DeviceError, type Tensor } from '@nn/tensor';
import type { GpuDevice } from '../backend/gpu-device';
import { dataOf, gpuTensor } from '../backend/gpu-tensor';
import type { KernelSpec } from '../runtime/cached-kernel';
import type { DefineGpuKernel } from './define-kernel';
import { collapse, MAX_RANK, walkSource, walkTable, walkTableLength } from './layout';

/** `out = x[..., index[...], ...]` along a dim: a walk over index's shape, x's stride at `dim` taken from the index. */
const GATHER: KernelSpec = {
  op: 'gather',
  rank: 1,
  source: `function (x, index, t, step) {\n${walkSource('o', 'this.thread.x + 0.0', 't', 0, 2)}\nreturn x[o0 + index[o1] * step];\n}`,
};

/** The device `gather`; index values must be in range (they are not read back to be checked). */
function gatherDevice(device: GpuDevice, x: Tensor, index: Tensor, dim: number): Tensor {
  const shape = [...index.shape];
  const length = index.numel();
  if (length === 0) return gpuTensor(device, device.upload(new Float32Array(0)), shape, x.dtype);
  const xStrides = x.strides.map((s, d) => (d === dim ? 0 : s));
  const walk = collapse('gather', shape, [xStrides, [...index.strides]]);
  const table = new Float32Array(walkTableLength(2));
  table.set(walkTable(walk.shape, walk.strides, [x.offset, index.offset]));
  const out = device.launch(GATHER, length, [
    dataOf(x, 'gather'),
    dataOf(index, 'gather'),
    table,
    x.strides[dim] ?? 0,
  ]);
  return gpuTensor(device, out, shape, x.dtype);
}

const scatterAddSpecs = new Map<number, KernelSpec>();

// Table after the 3-operand walk: per padded dim, how far index reaches; then index's and src's strides
// along the scattered dim.
const LIMITS = walkTableLength(3);

/**
 * `scatterAdd` in gather form: each output element adds every `src` value along `dim` whose index points
 * at it (`count` = index's size along `dim`). The scattered dim's padded position is part of the source.
 */
function scatterAddSpec(padded: number): KernelSpec {
  let spec = scatterAddSpecs.get(padded);
  if (!spec) {
    const inside = Array.from(
      { length: MAX_RANK },
      // > 0 while every coordinate is below index's reach (integers: the margin is >= 1 inside)
      (_, d) => `inside = Math.min(inside, t[${LIMITS + d}] - oi${d});`,
    );
    spec = {
      op: 'scatterAdd',
      rank: 1,
      shapeClass: `dim${padded}`,
      source: `function (x, index, src, t, count) {
${walkSource('o', 'this.thread.x + 0.0', 't', 0, 3)}
let inside = 1.0;
${inside.join('\n')}
let added = 0.0;
for (let j = 0; j < count; j++) {
  const jf = j + 0.0;
  added += index[o1 + jf * t[${LIMITS + MAX_RANK}]] === oi${padded} ? src[o2 + jf * t[${LIMITS + MAX_RANK + 1}]] : 0.0;
}
return inside > 0.0 ? x[o0] + added : x[o0];
}`,
    };
    scatterAddSpecs.set(padded, spec);
  }
  return spec;
}

/** The device `scatterAdd` (out of place; `scatterAdd_` ends in copy_). */
function scatterAddDevice(device: GpuDevice, x: Tensor, index: Tensor, src: Tensor, dim: number): Tensor {
  if (x.ndim === 0) {
    const one = (t: Tensor) => t.reshape([1]);
    return scatterAddDevice(device, one(x), one(index), one(src), 0).reshape([]);
  }
  const shape = [...x.shape];
  if (x.numel() === 0 || index.numel() === 0) return x.clone();
  if (shape.length > MAX_RANK) {
    throw new DeviceError('scatterAdd', `the gpu kernel handles at most ${MAX_RANK} dims, got [${shape}]`);
  }
  // the walk is over x's dims unmerged: each dim's coordinate is checked against index's reach
  const indexStrides = index.strides.map((s, d) => (d === dim ? 0 : s));
  const srcStrides = src.strides.map((s, d) => (d === dim ? 0 : s));
  const table = new Float32Array(LIMITS + MAX_RANK + 2);
  table.set(
    walkTable(shape, [[...x.strides], indexStrides, srcStrides], [x.offset, index.offset, src.offset]),
  );
  const pad = MAX_RANK - shape.length;
  table.fill(2 ** 24, LIMITS, LIMITS + MAX_RANK);
  index.shape.forEach((size, d) => {
    if (d !== dim) table[LIMITS + pad + d] = size;
  });
  table[LIMITS + MAX_RANK] = index.strides[dim] ?? 0;
  table[LIMITS + MAX_RANK + 1] = src.strides[dim] ?? 0;
  const spec = scatterAddSpec(pad + dim);
  const args = [
    dataOf(x, 'scatterAdd'),
    dataOf(index, 'scatterAdd'),
    dataOf(src, 'scatterAdd'),
    table,
    index.shape[dim] ?? 1,
  ];
  return gpuTensor(device, device.launch(spec, x.numel(), args), shape, x.dtype);
}

/** Registers the device `gather` and `scatterAdd` kernels (cross-entropy's pick and its gradient). */
export function registerIndexingKernels(define: DefineGpuKernel): void {
  define<{ dim: number }>('gather', ([x, index], { dim }, device) => gatherDevice(device, x!, index!, dim));
  define<{ dim: number }>('scatterAdd', ([x, index, src], { dim }, device) =>
    scatterAddDevice(device, x!, index!, src!, dim),
  );
}
