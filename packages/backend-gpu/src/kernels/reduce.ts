import type { DType, Tensor } from '@nn/tensor';
import type { GpuDevice } from '../backend/gpu-device';
import { dataOf, gpuTensor } from '../backend/gpu-tensor';
import type { KernelSpec } from '../runtime/cached-kernel';
import type { DefineGpuKernel } from './define-kernel';
import { collapse, walkSource, walkTable, walkTableLength } from './layout';

/**
 * A lane reduction as kernel source. `loop(body)` writes a loop over the lane whose body is
 * `body(v, k)`, `v` naming the element and `k` its position in the lane (a float, row-major over the
 * reduced dims); the lane's first element is `x[o0]`.
 */
type LaneSource = (loop: (body: (v: string, k: string) => string) => string) => string;

/**
 * The position of the lane's first maximum (`>`) or minimum (`<`), as PyTorch's argmax/argmin: the
 * first occurrence wins ties, and the first NaN wins over everything (and stays).
 */
const argExtreme =
  (beats: '>' | '<'): LaneSource =>
  (loop) =>
    `let best = x[o0];\nlet at = 0.0;\n${loop(
      (v, k) => `if (best === best && (${v} ${beats} best || ${v} !== ${v})) {\nbest = ${v};\nat = ${k};\n}`,
    )}\nreturn at;`;

/** Reductions over one lane per output element. Sums use Kahan compensation (float32 accumulators). */
const LANES: Record<string, LaneSource> = {
  sum: (loop) =>
    `let acc = 0.0;\nlet comp = 0.0;\n${loop((v) => `const y = ${v} - comp;\nconst next = acc + y;\ncomp = (next - acc) - y;\nacc = next;`)}\nreturn acc;`,
  amax: (loop) => `let acc = x[o0];\n${loop((v) => `acc = Math.max(acc, ${v});`)}\nreturn acc;`,
  amin: (loop) => `let acc = x[o0];\n${loop((v) => `acc = Math.min(acc, ${v});`)}\nreturn acc;`,
  // log(sum(exp(v))) shifted by the lane's max, for softmax and logSoftmax
  logsumexp: (loop) =>
    `let top = x[o0];\n${loop((v) => `top = Math.max(top, ${v});`)}\nlet total = 0.0;\n${loop((v) => `total += Math.exp(${v} - top);`)}\nreturn top + Math.log(total);`,
  argmax: argExtreme('>'),
  argmin: argExtreme('<'),
};

const KEPT = 0;
const REDUCED = walkTableLength(1);
const specs = new Map<string, KernelSpec>();

/** The kernel of `lane`: `flat` when the reduced dims merged into one stride, else a full walk. */
function laneSpec(lane: string, flat: boolean): KernelSpec {
  const key = `${lane}|${flat}`;
  let spec = specs.get(key);
  if (!spec) {
    // Every name is unique per loop: gpu.js's cpu backend hoists loop variables to function scope.
    let loops = 0;
    const loop = (body: (v: string, k: string) => string) => {
      const i = loops++;
      const step = flat
        ? `const s${i}0 = r${i} * t[${REDUCED + 2 * 6 - 1}];`
        : walkSource(`s${i}`, `r${i} + 0.0`, 't', REDUCED, 1);
      return `for (let r${i} = 0; r${i} < count; r${i}++) {\n${step}\nconst v${i} = x[o0 + s${i}0];\n${body(`v${i}`, `(r${i} + 0.0)`)}\n}`;
    };
    spec = {
      op: lane,
      rank: 1,
      shapeClass: flat ? 'lane' : 'walk',
      source: `function (x, t, count) {\n${walkSource('o', 'this.thread.x + 0.0', 't', KEPT, 1)}\n${LANES[lane]!(loop)}\n}`,
    };
    specs.set(key, spec);
  }
  return spec;
}

/**
 * Reduces `x` over `dims` (sorted, unique, non-negative) with `lane`, one thread per output element.
 * The result is contiguous, of `dtype`, with the reduced dims kept as size 1 when `keepdim`.
 */
export function reduceDevice(
  device: GpuDevice,
  lane: string,
  x: Tensor,
  dims: readonly number[],
  keepdim: boolean,
  dtype: DType,
): Tensor {
  const reduced = new Set(dims);
  const keptDims = x.shape.map((_, d) => d).filter((d) => !reduced.has(d));
  const outShape = keepdim
    ? x.shape.map((size, d) => (reduced.has(d) ? 1 : size))
    : keptDims.map((d) => x.shape[d]!);
  const length = keptDims.reduce((n, d) => n * x.shape[d]!, 1);
  const count = dims.reduce((n, d) => n * x.shape[d]!, 1);
  if (length === 0 || count === 0) {
    // an empty lane sums to 0 (the op layer refuses empty max/min)
    return gpuTensor(device, device.upload(new Float32Array(length)), outShape, dtype);
  }
  const kept = collapse(
    lane,
    keptDims.map((d) => x.shape[d]!),
    [keptDims.map((d) => x.strides[d]!)],
  );
  const inner = collapse(
    lane,
    dims.map((d) => x.shape[d]!),
    [dims.map((d) => x.strides[d]!)],
  );
  const table = new Float32Array(2 * walkTableLength(1));
  table.set(walkTable(kept.shape, kept.strides, [x.offset]), KEPT);
  table.set(walkTable(inner.shape, inner.strides, [0]), REDUCED);
  const spec = laneSpec(lane, inner.shape.length <= 1);
  return gpuTensor(device, device.launch(spec, length, [dataOf(x, lane), table, count]), outShape, dtype);
}

/** Registers the device reductions `sum`, `amax`, `amin`, `argmax` and `argmin`. */
export function registerReduceKernels(define: DefineGpuKernel): void {
  define<{ dims: number[]; keepdim: boolean; dtype: DType }>('sum', ([x], a, device) =>
    reduceDevice(device, 'sum', x!, a.dims, a.keepdim, a.dtype),
  );
  for (const name of ['amax', 'amin'] as const) {
    define<{ dims: number[]; keepdim: boolean }>(name, ([x], a, device) =>
      reduceDevice(device, name, x!, a.dims, a.keepdim, x!.dtype),
    );
  }
  // int32 positions, exact on the device (float32) up to 2^24 elements per lane
  for (const name of ['argmax', 'argmin'] as const) {
    define<{ dim: number | null; keepdim: boolean }>(name, ([x], a, device) => {
      const dims = a.dim === null ? x!.shape.map((_, d) => d) : x!.ndim === 0 ? [] : [a.dim];
      return reduceDevice(device, name, x!, dims, a.keepdim, 'int32');
    });
  }
}
