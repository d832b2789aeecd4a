import type { PoolAttrs, Tensor } from '@nn/tensor';
import type { GpuDevice } from '../backend/gpu-device';
import type { KernelSpec } from '../runtime/cached-kernel';
import type { DefineGpuKernel } from './define-kernel';
import { coordsSource, launchOver, layout4d } from './nchw';

// Max pooling table: channels, input and output plane sizes, stride, padding and dilation per dim, then
// the layout (offset, four strides) of the 4-D operand (the input forward; the gradient and the indices
// backward).
const M = { c: 0, h: 1, w: 2, oh: 3, ow: 4, sh: 5, sw: 6, ph: 7, pw: 8, dh: 9, dw: 10, x: 11, index: 16 };

/**
 * The max of one window, and the flat in-plane position of the element chosen (float, as every int32 on
 * the device): the first maximum wins, and a NaN wins and stays, as in PyTorch.
 */
function maxSpec(output: 'values' | 'indices'): KernelSpec {
  return {
    op: 'maxPool2d',
    rank: 1,
    shapeClass: output,
    source: `function (x, t, kh, kw) {
${coordsSource(['n', 'c', 'i', 'j'], [`t[${M.c}]`, `t[${M.oh}]`, `t[${M.ow}]`])}
const base = t[${M.x}] + n * t[${M.x + 1}] + c * t[${M.x + 2}];
const top = i * t[${M.sh}] - t[${M.ph}];
const left = j * t[${M.sw}] - t[${M.pw}];
let best = 0.0;
let at = -1.0;
for (let p = 0; p < kh; p++) {
  const row = top + (p + 0.0) * t[${M.dh}];
  if (row >= 0.0 && row < t[${M.h}]) {
    for (let q = 0; q < kw; q++) {
      const col = left + (q + 0.0) * t[${M.dw}];
      if (col >= 0.0 && col < t[${M.w}]) {
        const v = x[base + row * t[${M.x + 3}] + col * t[${M.x + 4}]];
        if (at < 0.0 || (best === best && (v > best || v !== v))) {
          best = v;
          at = row * t[${M.w}] + col;
        }
      }
    }
  }
}
return ${output === 'values' ? 'best' : 'at'};
}`,
  };
}

const MAX_VALUES = maxSpec('values');
const MAX_INDICES = maxSpec('indices');

/**
 * Per output row of each plane, the lowest and highest input row its indices point at (`[N, C, oh, 2]`),
 * so the gradient kernel visits only the output rows that can point at an input row.
 */
const MAX_ROW_SPANS: KernelSpec = {
  op: 'maxPool2dBackward',
  rank: 1,
  shapeClass: 'row-spans',
  source: `function (index, t, ow) {
${coordsSource(['n', 'c', 'i', 'side'], [`t[${M.c}]`, `t[${M.oh}]`, '2.0'])}
const ir = t[${M.index}] + n * t[${M.index + 1}] + c * t[${M.index + 2}] + i * t[${M.index + 3}];
let lo = t[${M.h}];
let hi = -1.0;
for (let j = 0; j < ow; j++) {
  const r = Math.floor((index[ir + (j + 0.0) * t[${M.index + 4}]] + 0.5) / t[${M.w}]);
  lo = Math.min(lo, r);
  hi = Math.max(hi, r);
}
return side < 0.5 ? lo : hi;
}`,
};

/**
 * The max-pooling gradient in gather form: each input element sums the output gradients whose index
 * points at it. Indices may point anywhere in the plane, so every output row whose span holds the
 * element's row is scanned (one or two rows for a real pooling).
 */
const MAX_BACKWARD: KernelSpec = {
  op: 'maxPool2dBackward',
  rank: 1,
  shapeClass: 'gradient',
  source: `function (gy, index, spans, t, oh, ow) {
${coordsSource(['n', 'c', 'row', 'col'], [`t[${M.c}]`, `t[${M.h}]`, `t[${M.w}]`])}
const position = row * t[${M.w}] + col;
const gc = t[${M.x}] + n * t[${M.x + 1}] + c * t[${M.x + 2}];
const ic = t[${M.index}] + n * t[${M.index + 1}] + c * t[${M.index + 2}];
const sc = (n * t[${M.c}] + c) * t[${M.oh}] * 2.0;
let acc = 0.0;
for (let i = 0; i < oh; i++) {
  const fi = i + 0.0;
  if (row >= spans[sc + fi * 2.0] && row <= spans[sc + fi * 2.0 + 1.0]) {
    for (let j = 0; j < ow; j++) {
      const fj = j + 0.0;
      acc += index[ic + fi * t[${M.index + 3}] + fj * t[${M.index + 4}]] === position ? gy[gc + fi * t[${M.x + 3}] + fj * t[${M.x + 4}]] : 0.0;
    }
  }
}
return acc;
}`,
};

/** The max-pooling table; `window` is stride, padding and dilation per dim (the backward reads none). */
function maxPoolTable(
  input: readonly number[],
  out: readonly number[],
  window: readonly number[],
  ...operands: Tensor[]
): Float32Array {
  return Float32Array.from([
    input[1]!,
    input[2]!,
    input[3]!,
    out[2]!,
    out[3]!,
    ...window,
    ...operands.flatMap(layout4d),
  ]);
}

function maxPool2dDevice(device: GpuDevice, x: Tensor, attrs: PoolAttrs): Tensor[] {
  const shape = [x.shape[0]!, x.shape[1]!, ...attrs.outputSize];
  const window = [...attrs.stride, ...attrs.padding, ...attrs.dilation];
  const rest = [maxPoolTable(x.shape, shape, window, x), ...attrs.kernelSize];
  return [
    launchOver(device, MAX_VALUES, shape, [x], rest),
    launchOver(device, MAX_INDICES, shape, [x], rest, 'int32'),
  ];
}

function maxPool2dBackwardDevice(
  device: GpuDevice,
  gy: Tensor,
  index: Tensor,
  inputShape: readonly number[],
): Tensor {
  const table = maxPoolTable(inputShape, gy.shape, new Array<number>(6).fill(0), gy, index);
  const [oh, ow] = [gy.shape[2]!, gy.shape[3]!];
  // scratch, freed on return
  using spans = launchOver(
    device,
    MAX_ROW_SPANS,
    [gy.shape[0]!, gy.shape[1]!, oh, 2],
    [index],
    [table, ow],
    'float32',
  );
  return launchOver(device, MAX_BACKWARD, inputShape, [gy, index, spans], [table, oh, ow]);
}

/** One spatial dim of average pooling: output `i` averages input `[start[i], end[i])` over `divisor[i]`. */
interface Windows {
  start: number[];
  end: number[];
  divisor: number[];
}

/** PyTorch's avg-pool windows of one dim (clipped to the input; the divisor may count padding). */
function poolWindows(size: number, out: number, attrs: PoolAttrs, d: 0 | 1): Windows {
  const w: Windows = { start: [], end: [], divisor: [] };
  const [kernel, stride, pad] = [attrs.kernelSize[d], attrs.stride[d], attrs.padding[d]];
  for (let i = 0; i < out; i++) {
    const rawStart = i * stride - pad;
    const rawEnd = Math.min(rawStart + (kernel - 1) * attrs.dilation[d] + 1, size + pad);
    w.start.push(Math.max(rawStart, 0));
    w.end.push(Math.min(rawEnd, size));
    w.divisor.push(attrs.countIncludePad === false ? w.end[i]! - w.start[i]! : rawEnd - rawStart);
  }
  return w;
}

/** torch's adaptive windows of one dim: `[floor(i * size / out), ceil((i + 1) * size / out))`. */
function adaptiveWindows(size: number, out: number): Windows {
  const w: Windows = { start: [], end: [], divisor: [] };
  for (let i = 0; i < out; i++) {
    w.start.push(Math.floor((i * size) / out));
    w.end.push(Math.ceil(((i + 1) * size) / out));
    w.divisor.push(w.end[i]! - w.start[i]!);
  }
  return w;
}

// Average pooling table header: channels, input and output plane sizes, the 4-D operand's layout, then
// where in the table each dim's windows (start, end, divisor per output) and each dim's inverse (the
// outputs [lo, hi) whose window holds each input position) begin.
const A = { c: 0, h: 1, w: 2, oh: 3, ow: 4, x: 5, rows: 10, cols: 11, rowsInv: 12, colsInv: 13 };
const A_HEADER = 14;

/** Per input position, the contiguous range of outputs whose window holds it (windows are monotone). */
function inverse(w: Windows, size: number): { ranges: number[]; widest: number } {
  const ranges: number[] = [];
  let widest = 0;
  let lo = 0;
  let hi = 0;
  for (let p = 0; p < size; p++) {
    while (lo < w.end.length && w.end[lo]! <= p) lo++;
    while (hi < w.start.length && w.start[hi]! <= p) hi++;
    ranges.push(lo, Math.max(lo, hi));
    widest = Math.max(widest, hi - lo);
  }
  return { ranges, widest };
}

/** Everything an average kernel needs: its table and its loop bounds (forward, backward). */
interface AveragePlan {
  table: Float32Array;
  forwardBounds: [number, number];
  backwardBounds: [number, number];
}

function averagePlan(
  input: readonly number[],
  rows: Windows,
  cols: Windows,
  operand: Tensor,
  divisorOverride?: number,
): AveragePlan {
  // an override replaces the whole window's divisor: it goes on the rows, the columns divide by 1
  const rowDivisor = divisorOverride === undefined ? rows.divisor : rows.divisor.map(() => divisorOverride);
  const colDivisor = divisorOverride === undefined ? cols.divisor : cols.divisor.map(() => 1);
  const flat = (w: Windows, divisor: number[]) => w.start.flatMap((s, i) => [s, w.end[i]!, divisor[i]!]);
  const rowsInv = inverse(rows, input[2]!);
  const colsInv = inverse(cols, input[3]!);
  const parts = [flat(rows, rowDivisor), flat(cols, colDivisor), rowsInv.ranges, colsInv.ranges];
  const bases: number[] = [];
  let next = A_HEADER;
  for (const part of parts) {
    bases.push(next);
    next += part.length;
  }
  const header = [
    input[1]!,
    input[2]!,
    input[3]!,
    rows.start.length,
    cols.start.length,
    ...layout4d(operand),
  ];
  const span = (w: Windows) => Math.max(0, ...w.start.map((s, i) => w.end[i]! - s));
  return {
    table: Float32Array.from([...header, ...bases, ...parts.flat()]),
    forwardBounds: [span(rows), span(cols)],
    backwardBounds: [rowsInv.widest, colsInv.widest],
  };
}

/** The mean of one window, its divisor from the row's and the column's. */
const AVERAGE: KernelSpec = {
  op: 'avgPool2d',
  rank: 1,
  source: `function (x, t, kh, kw) {
${coordsSource(['n', 'c', 'i', 'j'], [`t[${A.c}]`, `t[${A.oh}]`, `t[${A.ow}]`])}
const base = t[${A.x}] + n * t[${A.x + 1}] + c * t[${A.x + 2}];
const rw = t[${A.rows}] + i * 3.0;
const cw = t[${A.cols}] + j * 3.0;
const r0 = t[rw];
const r1 = t[rw + 1.0];
const c0 = t[cw];
const c1 = t[cw + 1.0];
let acc = 0.0;
for (let p = 0; p < kh; p++) {
  const row = r0 + (p + 0.0);
  if (row < r1) {
    for (let q = 0; q < kw; q++) {
      const col = c0 + (q + 0.0);
      if (col < c1) {
        acc += x[base + row * t[${A.x + 3}] + col * t[${A.x + 4}]];
      }
    }
  }
}
return acc / (t[rw + 2.0] * t[cw + 2.0]);
}`,
};

/** The average-pooling gradient in gather form: each input sums its windows' gradients over their divisors. */
const AVERAGE_BACKWARD: KernelSpec = {
  op: 'avgPool2dBackward',
  rank: 1,
  source: `function (gy, t, mi, mj) {
${coordsSource(['n', 'c', 'row', 'col'], [`t[${A.c}]`, `t[${A.h}]`, `t[${A.w}]`])}
const base = t[${A.x}] + n * t[${A.x + 1}] + c * t[${A.x + 2}];
const ri = t[${A.rowsInv}] + row * 2.0;
const ci = t[${A.colsInv}] + col * 2.0;
const i0 = t[ri];
const i1 = t[ri + 1.0];
const j0 = t[ci];
const j1 = t[ci + 1.0];
let acc = 0.0;
for (let p = 0; p < mi; p++) {
  const i = i0 + (p + 0.0);
  if (i < i1) {
    const rowDivisor = t[t[${A.rows}] + i * 3.0 + 2.0];
    for (let q = 0; q < mj; q++) {
      const j = j0 + (q + 0.0);
      if (j < j1) {
        acc += gy[base + i * t[${A.x + 3}] + j * t[${A.x + 4}]] / (rowDivisor * t[t[${A.cols}] + j * 3.0 + 2.0]);
      }
    }
  }
}
return acc;
}`,
};

function averageDevice(
  device: GpuDevice,
  x: Tensor,
  rows: Windows,
  cols: Windows,
  divisorOverride?: number,
): Tensor {
  const plan = averagePlan(x.shape, rows, cols, x, divisorOverride);
  const shape = [x.shape[0]!, x.shape[1]!, rows.start.length, cols.start.length];
  return launchOver(device, AVERAGE, shape, [x], [plan.table, ...plan.forwardBounds]);
}

function averageBackwardDevice(
  device: GpuDevice,
  gy: Tensor,
  inputShape: readonly number[],
  rows: Windows,
  cols: Windows,
  divisorOverride?: number,
): Tensor {
  const plan = averagePlan(inputShape, rows, cols, gy, divisorOverride);
  return launchOver(device, AVERAGE_BACKWARD, inputShape, [gy], [plan.table, ...plan.backwardBounds]);
}

/** Windows of avg pooling over an input of `shape` (either dim). */
function avgWindows(shape: readonly number[], attrs: PoolAttrs): [Windows, Windows] {
  return [
    poolWindows(shape[2]!, attrs.outputSize[0], attrs, 0),
    poolWindows(shape[3]!, attrs.outputSize[1], attrs, 1),
  ];
}

function adaptive(shape: readonly number[], outputSize: readonly [number, number]): [Windows, Windows] {
  return [adaptiveWindows(shape[2]!, outputSize[0]), adaptiveWindows(shape[3]!, outputSize[1])];
}

/** Registers the device pooling kernels (max, average, adaptive average) and their backward kernels. */
export function registerPoolingKernels(define: DefineGpuKernel): void {
  define<PoolAttrs>('maxPool2d', ([x], attrs, device) => maxPool2dDevice(device, x!, attrs));
  define<{ inputShape: number[] }>('maxPool2dBackward', ([gy, index], { inputShape }, device) =>
    maxPool2dBackwardDevice(device, gy!, index!, inputShape),
  );
  define<PoolAttrs>('avgPool2d', ([x], attrs, device) =>
    averageDevice(device, x!, ...avgWindows(x!.shape, attrs), attrs.divisorOverride),
  );
  define<PoolAttrs & { inputShape: number[] }>('avgPool2dBackward', ([gy], attrs, device) =>
    averageBackwardDevice(
      device,
      gy!,
      attrs.inputShape,
      ...avgWindows(attrs.inputShape, attrs),
      attrs.divisorOverride,
    ),
  );
  define<{ outputSize: [number, number] }>('adaptiveAvgPool2d', ([x], { outputSize }, device) =>
    averageDevice(device, x!, ...adaptive(x!.shape, outputSize)),
  );
  define<{ outputSize: [number, number]; inputShape: number[] }>(
    'adaptiveAvgPool2dBackward',
    ([gy], { outputSize, inputShape }, device) =>
      averageBackwardDevice(device, gy!, inputShape, ...adaptive(inputShape, outputSize)),
  );
}
