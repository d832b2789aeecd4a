import { DeviceError, type DType, Storage, Tensor } from '@nn/tensor';
import type { GpuDevice } from '../backend/gpu-device';
import { dataOf } from '../backend/gpu-tensor';
import type { KernelSpec } from '../runtime/cached-kernel';
import type { DefineGpuKernel } from './define-kernel';
import { runDeviceElementwise } from './elementwise';
import { MAX_RANK, stridesFor } from './layout';

/**
 * A value converted to the stored dtype, as copy_ casts: integers truncate, bools become 0/1 (the dtypes a
 * gpu storage may have; see checkGpuDType).
 */
const STORE: Partial<Record<DType, string>> = {
  float32: 'v',
  float64: 'v',
  int32: 'Math.trunc(v)',
  int64: 'Math.trunc(v)',
  bool: '(v !== 0.0 ? 1.0 : 0.0)',
};

// Table: sizes (outer to inner, by decreasing target stride), target strides, source strides, then the
// target and source offsets.
const T_STRIDES = MAX_RANK;
const S_STRIDES = 2 * MAX_RANK;
const OFFSETS = 3 * MAX_RANK;

const scatterSpecs = new Map<DType, KernelSpec>();

/**
 * The strided write: one thread per element of the target's whole storage, which finds whether the
 * target view covers it (decomposing its distance from the view's offset by the view's strides) and
 * then takes the source value there, else keeps the old one. gpu.js kernels cannot scatter, so this
 * gather form is how a view is written on the device.
 */
function scatterSpec(dtype: DType): KernelSpec {
  let spec = scatterSpecs.get(dtype);
  if (!spec) {
    const lines = [
      'let r = this.thread.x + 0.0 - t[OFF];',
      'let covered = r >= 0.0 ? 1.0 : 0.0;',
      'let so = t[OFF1];',
    ];
    for (let d = 0; d < MAX_RANK; d++) {
      lines.push(
        `const q${d} = Math.floor((r + 0.5) / t[${T_STRIDES + d}]);`,
        `if (q${d} >= t[${d}]) { covered = 0.0; }`,
        `r = r - q${d} * t[${T_STRIDES + d}];`,
        `so += q${d} * t[${S_STRIDES + d}];`,
      );
    }
    const body = lines
      .join('\n')
      .replaceAll('OFF1', `${OFFSETS + 1}`)
      .replaceAll('OFF', `${OFFSETS}`);
    spec = {
      op: 'copy_',
      rank: 1,
      shapeClass: `strided-${dtype}`,
      source: `function (old, src, t) {\n${body}\nif (covered > 0.0 && r === 0.0) {\nconst v = src[so];\nreturn ${STORE[dtype] ?? 'v'};\n}\nreturn old[this.thread.x];\n}`,
    };
    scatterSpecs.set(dtype, spec);
  }
  return spec;
}

/** The write table of a view, or a reason it cannot be written by one gather pass. */
function scatterTable(target: Tensor, source: Tensor): Float32Array {
  const sourceStrides = stridesFor(source, target.shape);
  const dims = target.shape
    .map((size, d) => ({ size, t: target.strides[d]!, s: sourceStrides[d]! }))
    .filter((dim) => dim.size > 1)
    .sort((a, b) => b.t - a.t);
  // Each stride must step past everything the inner dims reach, or two elements share a location.
  let reach = 0;
  for (let d = dims.length - 1; d >= 0; d--) {
    const dim = dims[d]!;
    if (dim.t <= reach) {
      throw new DeviceError(
        'copy_',
        `cannot write into a view whose elements overlap in memory (shape [${target.shape}], strides ` +
          `[${target.strides}]); clone() it first`,
      );
    }
    reach += (dim.size - 1) * dim.t;
  }
  if (dims.length > MAX_RANK) {
    throw new DeviceError('copy_', `the gpu writes views of at most ${MAX_RANK} dims, got [${target.shape}]`);
  }
  const table = new Float32Array(3 * MAX_RANK + 2);
  for (let d = 0; d < MAX_RANK; d++) {
    const dim = dims[d];
    table[d] = dim?.size ?? 1;
    table[T_STRIDES + d] = dim?.t ?? 1;
    table[S_STRIDES + d] = dim?.s ?? 0;
  }
  table[OFFSETS] = target.offset;
  table[OFFSETS + 1] = source.offset;
  return table;
}

/**
 * Writes `source` (broadcast to `target`'s shape, cast to its dtype) into `target`'s storage: a whole
 * contiguous storage is replaced by a converted copy, a view by the strided write. The storage then
 * holds a new buffer and the old one is freed.
 */
export function copyInto(device: GpuDevice, target: Tensor, source: Tensor): void {
  if (target.numel() === 0) return;
  const targetData = dataOf(target, 'copy_');
  const whole = target.offset === 0 && target.isContiguous() && target.numel() === targetData.length;
  if (whole) {
    const converted = runDeviceElementwise(device, 'cast', [source.expand(target.shape)], target.dtype);
    device.replace(targetData, dataOf(converted, 'copy_'));
    return;
  }
  const spec = scatterSpec(target.dtype);
  const table = scatterTable(target, source);
  const next = device.launch(spec, targetData.length, [targetData, dataOf(source, 'copy_'), table]);
  device.replace(targetData, next);
}

/**
 * The device `clone`. A storage that still has its exact host values (int32, float64) passes them on,
 * so reading any view of an uploaded tensor is exact.
 */
function cloneDevice(device: GpuDevice, x: Tensor): Tensor {
  const out = runDeviceElementwise(device, 'cast', [x], x.dtype);
  const host = dataOf(x, 'clone').host;
  if (host) {
    const view = new Tensor(new Storage('cpu', x.dtype, host.length, host), x.shape, x.strides, x.offset);
    dataOf(out, 'clone').host = view.clone().dataSync();
  }
  return out;
}

/** Registers `clone` and `copy_` (the primitive every in-place op ends in) on the device. */
export function registerCopyKernels(define: DefineGpuKernel): void {
  define('clone', ([x], _, device) => cloneDevice(device, x!));
  define('copy_', ([target, source], _, device) => {
    copyInto(device, target!, source!);
    return target!;
  });
}
