import type { PoolAttrs } from '../../kernel/attrs/nn';
import { allocate, type TypedArray } from '../../kernel/dtype';
import { registerKernel } from '../../kernel/registry';
import { shapeSize } from '../../kernel/shape';
import { hostView, type TensorView } from '../../kernel/view';
import { dense } from './conv';
import { maxPool2x2Simd } from './simd/max-pool';

/**
 * The pooling windows of one spatial dim, as PyTorch computes them: output i covers input
 * [start, end) (clipped to the input) and averages over `divisor` elements.
 */
interface Windows {
  start: Int32Array;
  end: Int32Array;
  divisor: Float64Array;
}

function windows(
  size: number,
  out: number,
  kernel: number,
  stride: number,
  pad: number,
  dilation: number,
  countIncludePad: boolean,
): Windows {
  const w: Windows = { start: new Int32Array(out), end: new Int32Array(out), divisor: new Float64Array(out) };
  for (let i = 0; i < out; i++) {
    const rawStart = i * stride - pad;
    const rawEnd = Math.min(rawStart + (kernel - 1) * dilation + 1, size + pad);
    const start = Math.max(rawStart, 0);
    const end = Math.min(rawEnd, size);
    w.start[i] = start;
    w.end[i] = end;
    w.divisor[i] = countIncludePad ? rawEnd - rawStart : end - start;
  }
  return w;
}

/** torch's adaptive pooling windows: [floor(i*size/out), ceil((i+1)*size/out)). */
export function adaptiveWindows(size: number, out: number): Windows {
  const w: Windows = { start: new Int32Array(out), end: new Int32Array(out), divisor: new Float64Array(out) };
  for (let i = 0; i < out; i++) {
    w.start[i] = Math.floor((i * size) / out);
    w.end[i] = Math.ceil(((i + 1) * size) / out);
    w.divisor[i] = w.end[i]! - w.start[i]!;
  }
  return w;
}

interface Plan {
  planes: number;
  h: number;
  w: number;
  oh: number;
  ow: number;
  rows: Windows;
  cols: Windows;
}

function plan(x: { shape: readonly number[] }, attrs: PoolAttrs, countIncludePad = true): Plan {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const [oh, ow] = attrs.outputSize;
  const rows = windows(
    h,
    oh,
    attrs.kernelSize[0],
    attrs.stride[0],
    attrs.padding[0],
    attrs.dilation[0],
    countIncludePad,
  );
  const cols = windows(
    w,
    ow,
    attrs.kernelSize[1],
    attrs.stride[1],
    attrs.padding[1],
    attrs.dilation[1],
    countIncludePad,
  );
  return { planes: n * c, h, w, oh, ow, rows, cols };
}

function adaptivePlan(x: { shape: readonly number[] }, outputSize: readonly [number, number]): Plan {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const [oh, ow] = outputSize;
  return { planes: n * c, h, w, oh, ow, rows: adaptiveWindows(h, oh), cols: adaptiveWindows(w, ow) };
}

/** Average over each window; shared by avgPool2d and adaptiveAvgPool2d. */
function averageForward(x: TensorView, p: Plan, divisorOverride?: number): TensorView {
  const src = dense(x) as TypedArray;
  const out = allocate(x.dtype, p.planes * p.oh * p.ow);
  let o = 0;
  for (let plane = 0; plane < p.planes; plane++) {
    const base = plane * p.h * p.w;
    for (let i = 0; i < p.oh; i++) {
      const r0 = p.rows.start[i]!;
      const r1 = p.rows.end[i]!;
      for (let j = 0; j < p.ow; j++) {
        const c0 = p.cols.start[j]!;
        const c1 = p.cols.end[j]!;
        let sum = 0;
        for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) sum += src[base + r * p.w + c]!;
        out[o++] = sum / (divisorOverride ?? p.rows.divisor[i]! * p.cols.divisor[j]!);
      }
    }
  }
  return hostView(out, [x.shape[0]!, x.shape[1]!, p.oh, p.ow], x.dtype);
}

/** Spreads each output gradient evenly over its window; the adjoint of {@link averageForward}. */
function averageBackward(
  grad: TensorView,
  inputShape: readonly number[],
  p: Plan,
  divisorOverride?: number,
): TensorView {
  const g = dense(grad) as TypedArray;
  const out = allocate(grad.dtype, p.planes * p.h * p.w);
  let o = 0;
  for (let plane = 0; plane < p.planes; plane++) {
    const base = plane * p.h * p.w;
    for (let i = 0; i < p.oh; i++) {
      for (let j = 0; j < p.ow; j++) {
        const share = g[o++]! / (divisorOverride ?? p.rows.divisor[i]! * p.cols.divisor[j]!);
        for (let r = p.rows.start[i]!; r < p.rows.end[i]!; r++) {
          for (let c = p.cols.start[j]!; c < p.cols.end[j]!; c++) out[base + r * p.w + c]! += share;
        }
      }
    }
  }
  return hostView(out, inputShape, grad.dtype);
}

/** The in-bounds taps of each output position along one dim: the first input index and how many. */
export interface Taps {
  first: Int32Array;
  count: Int32Array;
}

/**
 * The taps of a max pool window along one dim (`dilation` apart) that fall inside the input. A valid max
 * pool window always has at least one.
 */
function taps(
  size: number,
  out: number,
  kernel: number,
  stride: number,
  pad: number,
  dilation: number,
): Taps {
  const first = new Int32Array(out);
  const count = new Int32Array(out);
  for (let i = 0; i < out; i++) {
    const rawStart = i * stride - pad;
    const skipped = rawStart < 0 ? Math.ceil(-rawStart / dilation) : 0;
    const last = Math.min(kernel - 1, Math.floor((size - 1 - rawStart) / dilation));
    first[i] = rawStart + skipped * dilation;
    count[i] = Math.max(0, last - skipped + 1);
  }
  return { first, count };
}

/**
 * Max over each output position's window of every `[H, W]` plane of NCHW `x` (`rows` and `cols` its taps,
 * `dh` and `dw` apart), with the flat index of the winner in its plane: the first largest in row-major
 * order; a NaN wins and stays, as in PyTorch. Shared by max pooling and adaptive max pooling.
 */
export function windowMax(x: TensorView, rows: Taps, cols: Taps, dh = 1, dw = 1): TensorView[] {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const [oh, ow] = [rows.first.length, cols.first.length];
  const src = dense(x) as TypedArray;
  const values = allocate(x.dtype, n * c * oh * ow);
  const indices = new Int32Array(values.length);
  let o = 0;
  for (let base = 0; base < n * c * h * w; base += h * w) {
    for (let i = 0; i < oh; i++) {
      const r0 = rows.first[i]!;
      const rCount = rows.count[i]!;
      for (let j = 0; j < ow; j++) {
        const c0 = cols.first[j]!;
        const cCount = cols.count[j]!;
        let at = r0 * w + c0;
        let best = src[base + at]!;
        window: for (let a = 0, rowAt = at; a < rCount && !Number.isNaN(best); a++, rowAt += dh * w) {
          for (let b = 0, q = rowAt; b < cCount; b++, q += dw) {
            const v = src[base + q]!;
            if (v > best || Number.isNaN(v)) {
              best = v;
              at = q;
              if (Number.isNaN(v)) break window;
            }
          }
        }
        values[o] = best;
        indices[o++] = at;
      }
    }
  }
  return [hostView(values, [n, c, oh, ow], x.dtype), hostView(indices, [n, c, oh, ow], 'int32')];
}

function maxForward(x: TensorView, attrs: PoolAttrs): TensorView[] {
  const [h, w] = [x.shape[2]!, x.shape[3]!];
  const [oh, ow] = attrs.outputSize;
  const [dh, dw] = attrs.dilation;
  if (isPlainHalving(attrs, h, w) && x.dtype === 'float32') {
    const [n, c] = [x.shape[0]!, x.shape[1]!];
    const pooled = maxPool2x2Simd(dense(x) as Float32Array, n * c, h, w);
    if (pooled) {
      const shape = [n, c, oh, ow];
      return [hostView(pooled.values, shape, 'float32'), hostView(pooled.indices, shape, 'int32')];
    }
  }
  const rows = taps(h, oh, attrs.kernelSize[0], attrs.stride[0], attrs.padding[0], dh);
  const cols = taps(w, ow, attrs.kernelSize[1], attrs.stride[1], attrs.padding[1], dw);
  return windowMax(x, rows, cols, dh, dw);
}

/** A 2x2 window with stride 2, no padding or dilation, flooring: MaxPool2d(2). */
function isPlainHalving(attrs: PoolAttrs, h: number, w: number): boolean {
  const pairs = [attrs.kernelSize, attrs.stride, attrs.padding, attrs.dilation];
  const expected = [2, 2, 0, 1];
  return (
    pairs.every(([a, b], i) => a === expected[i] && b === expected[i]) &&
    attrs.outputSize[0] === h >> 1 &&
    attrs.outputSize[1] === w >> 1
  );
}

function maxBackward(grad: TensorView, indices: TensorView, inputShape: readonly number[]): TensorView {
  const g = dense(grad) as TypedArray;
  const idx = dense(indices) as unknown as Int32Array;
  const plane = inputShape[2]! * inputShape[3]!;
  const perPlaneOut = grad.shape[2]! * grad.shape[3]!;
  const out = allocate(grad.dtype, shapeSize(inputShape));
  // Plane by plane: a division per gradient to find its plane cost more than the scatter itself.
  for (let o = 0, base = 0; o < g.length; base += plane) {
    for (const end = o + perPlaneOut; o < end; o++) out[base + idx[o]!]! += g[o]!;
  }
  return hostView(out, inputShape, grad.dtype);
}

/** Registers the pooling kernels and the backward kernels autograd calls. */
export function registerCpuPooling(): void {
  registerKernel('maxPool2d', 'cpu', ([x], attrs) => maxForward(x!, attrs));
  registerKernel('maxPool2dBackward', 'cpu', ([grad, indices], { inputShape }) =>
    maxBackward(grad!, indices!, inputShape),
  );
  registerKernel('avgPool2d', 'cpu', ([x], attrs) =>
    averageForward(x!, plan(x!, attrs, attrs.countIncludePad), attrs.divisorOverride),
  );
  registerKernel('avgPool2dBackward', 'cpu', ([grad], attrs) =>
    averageBackward(
      grad!,
      attrs.inputShape,
      plan({ shape: attrs.inputShape }, attrs, attrs.countIncludePad),
      attrs.divisorOverride,
    ),
  );
  registerKernel('adaptiveAvgPool2d', 'cpu', ([x], { outputSize }) =>
    averageForward(x!, adaptivePlan(x!, outputSize)),
  );
  registerKernel('adaptiveAvgPool2dBackward', 'cpu', ([grad], { outputSize, inputShape }) =>
    averageBackward(grad!, inputShape, adaptivePlan({ shape: inputShape }, outputSize)),
  );
}
