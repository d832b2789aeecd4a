import type { ConvAttrs, Tensor } from '@nn/tensor';
import type { GpuDevice } from '../backend/gpu-device';
import type { KernelSpec } from '../runtime/cached-kernel';
import type { DefineGpuKernel } from './define-kernel';
import { coordsSource, launchOver, layout4d } from './nchw';

/**
 * Entries of the conv table every conv kernel shares: the geometry, then the layouts (offset, four
 * strides) of the two 4-D operands `A` and `B`, then the bias offset and stride. Operands: forward
 * `A = x, B = w`; input gradient `A = gradOut, B = w`; weight gradient `A = x, B = gradOut`.
 */
const G = {
  inC: 0,
  inH: 1,
  inW: 2,
  outC: 3,
  outH: 4,
  outW: 5,
  groupIn: 6,
  groupOut: 7,
  strideH: 8,
  strideW: 9,
  padTop: 10,
  padLeft: 11,
  dilationH: 12,
  dilationW: 13,
  kernelH: 14,
  kernelW: 15,
  a: 16,
  b: 21,
  bias: 26,
} as const;
const TABLE_LENGTH = 28;

/** `t[...]` of an operand's offset (`d` omitted) or its stride along dim `d`. */
const at = (operand: 'a' | 'b', d?: number) => `t[${G[operand] + (d === undefined ? 0 : d + 1)}]`;
const g = (name: keyof typeof G) => `t[${G[name]}]`;

/** One output element of the convolution: the dot product of its receptive field with its filter. */
function forwardSpec(bias: boolean): KernelSpec {
  return {
    op: 'conv2d',
    rank: 1,
    shapeClass: bias ? 'bias' : 'plain',
    source: `function (x, w, ${bias ? 'bias, ' : ''}t, cg, kh, kw) {
${coordsSource(['n', 'o', 'i', 'j'], [g('outC'), g('outH'), g('outW')])}
const group = Math.floor((o + 0.5) / ${g('groupOut')});
const top = i * ${g('strideH')} - ${g('padTop')};
const left = j * ${g('strideW')} - ${g('padLeft')};
// table reads hoisted out of the loops: webasm loads each one from memory
const inH = ${g('inH')};
const inW = ${g('inW')};
const dilationH = ${g('dilationH')};
const dilationW = ${g('dilationW')};
const rowStride = ${at('a', 2)};
const colStep = dilationW * ${at('a', 3)};
const tapRowStride = ${at('b', 2)};
const tapStride = ${at('b', 3)};
let acc = 0.0;
for (let c = 0; c < cg; c++) {
  const cf = c + 0.0;
  const xc = ${at('a')} + n * ${at('a', 0)} + (group * ${g('groupIn')} + cf) * ${at('a', 1)};
  const wc = ${at('b')} + o * ${at('b', 0)} + cf * ${at('b', 1)};
  for (let p = 0; p < kh; p++) {
    const row = top + (p + 0.0) * dilationH;
    if (row >= 0.0 && row < inH) {
      let xp = xc + row * rowStride + left * ${at('a', 3)};
      let wp = wc + (p + 0.0) * tapRowStride;
      let col = left;
      for (let q = 0; q < kw; q++) {
        if (col >= 0.0 && col < inW) {
          acc += x[xp] * w[wp];
        }
        xp += colStep;
        wp += tapStride;
        col += dilationW;
      }
    }
  }
}
return ${bias ? `acc + bias[t[${G.bias}] + o * t[${G.bias + 1}]]` : 'acc'};
}`,
  };
}

const FORWARD = forwardSpec(false);
const FORWARD_BIAS = forwardSpec(true);

/**
 * One input element's gradient: every (output channel of its group, tap) whose output position lands on
 * it (`row = oy * stride - pad + tap * dilation` solved for `oy`, kept when it is a whole output row).
 * A transposed convolution is this gather applied to its input (`op` names which), plus its bias.
 */
export function inputGradientSpec(op: 'conv2dBackwardInput' | 'convTranspose2d', bias: boolean): KernelSpec {
  return {
    op,
    rank: 1,
    shapeClass: bias ? 'bias' : 'plain',
    source: `function (gy, w, ${bias ? 'bias, ' : ''}t, og, kh, kw) {
${coordsSource(['n', 'c', 'iy', 'ix'], [g('inC'), g('inH'), g('inW')])}
const group = Math.floor((c + 0.5) / ${g('groupIn')});
const cc = c - group * ${g('groupIn')};
const padLeft = ${g('padLeft')};
const dilationW = ${g('dilationW')};
const strideW = ${g('strideW')};
const outW = ${g('outW')};
const gyStep = ${at('a', 3)};
const tapStride = ${at('b', 3)};
let acc = 0.0;
for (let o = 0; o < og; o++) {
  const oc = group * ${g('groupOut')} + (o + 0.0);
  const gc = ${at('a')} + n * ${at('a', 0)} + oc * ${at('a', 1)};
  const wc = ${at('b')} + oc * ${at('b', 0)} + cc * ${at('b', 1)};
  for (let p = 0; p < kh; p++) {
    const ty = iy + ${g('padTop')} - (p + 0.0) * ${g('dilationH')};
    const oy = Math.floor((ty + 0.5) / ${g('strideH')});
    if (ty >= 0.0 && oy * ${g('strideH')} === ty && oy < ${g('outH')}) {
      const gr = gc + oy * ${at('a', 2)};
      let wp = wc + (p + 0.0) * ${at('b', 2)};
      let tx = ix + padLeft;
      for (let q = 0; q < kw; q++) {
        const ox = Math.floor((tx + 0.5) / strideW);
        if (tx >= 0.0 && ox * strideW === tx && ox < outW) {
          acc += gy[gr + ox * gyStep] * w[wp];
        }
        wp += tapStride;
        tx -= dilationW;
      }
    }
  }
}
return ${bias ? `acc + bias[t[${G.bias}] + c * t[${G.bias + 1}]]` : 'acc'};
}`,
  };
}

const BACKWARD_INPUT = inputGradientSpec('conv2dBackwardInput', false);

/**
 * One weight element's gradient: its tap's input value times the output gradient, over every batch
 * element and output position; summed per batch element first (a shorter float32 accumulation).
 */
const BACKWARD_WEIGHT: KernelSpec = {
  op: 'conv2dBackwardWeight',
  rank: 1,
  source: `function (x, gy, t, nb, oh, ow) {
${coordsSource(['o', 'c', 'p', 'q'], [g('groupIn'), g('kernelH'), g('kernelW')])}
const group = Math.floor((o + 0.5) / ${g('groupOut')});
const ch = group * ${g('groupIn')} + c;
const dy = p * ${g('dilationH')} - ${g('padTop')};
const dx = q * ${g('dilationW')} - ${g('padLeft')};
const inH = ${g('inH')};
const inW = ${g('inW')};
const strideW = ${g('strideW')};
const xStep = strideW * ${at('a', 3)};
const gStep = ${at('b', 3)};
let acc = 0.0;
for (let n = 0; n < nb; n++) {
  const nf = n + 0.0;
  const xc = ${at('a')} + nf * ${at('a', 0)} + ch * ${at('a', 1)};
  const gc = ${at('b')} + nf * ${at('b', 0)} + o * ${at('b', 1)};
  let part = 0.0;
  for (let i = 0; i < oh; i++) {
    const row = (i + 0.0) * ${g('strideH')} + dy;
    if (row >= 0.0 && row < inH) {
      let xp = xc + row * ${at('a', 2)} + dx * ${at('a', 3)};
      let gp = gc + (i + 0.0) * ${at('b', 2)};
      let col = dx;
      for (let j = 0; j < ow; j++) {
        if (col >= 0.0 && col < inW) {
          part += x[xp] * gy[gp];
        }
        xp += xStep;
        gp += gStep;
        col += strideW;
      }
    }
  }
  acc += part;
}
return acc;
}`,
};

/** Output height and width of a convolution of an `[.., .., h, w]` input with `kh x kw` taps. */
function outputSize(input: readonly number[], kh: number, kw: number, a: ConvAttrs): [number, number] {
  const span = (size: number, k: number, pads: number, dilation: number, stride: number) =>
    Math.floor((size + pads - dilation * (k - 1) - 1) / stride) + 1;
  return [
    span(input[2]!, kh, a.padTop + a.padBottom, a.dilationH, a.strideH),
    span(input[3]!, kw, a.padLeft + a.padRight, a.dilationW, a.strideW),
  ];
}

/**
 * The conv table of the convolution from input shape `input` to output shape `output` with weight shape
 * `weight`, for the operands `a`, `b` (and bias). Gradient kernels pass the output gradient's real shape,
 * which a transposed convolution's output padding can make differ from what the sizes alone imply.
 */
export function convTable(
  input: readonly number[],
  output: readonly number[],
  weight: readonly number[],
  attrs: ConvAttrs,
  a: Tensor,
  b: Tensor,
  bias?: Tensor,
): Float32Array {
  const table = new Float32Array(TABLE_LENGTH);
  table.set([
    input[1]!,
    input[2]!,
    input[3]!,
    weight[0]!,
    output[2]!,
    output[3]!,
    weight[1]!,
    weight[0]! / attrs.groups,
    attrs.strideH,
    attrs.strideW,
    attrs.padTop,
    attrs.padLeft,
    attrs.dilationH,
    attrs.dilationW,
    weight[2]!,
    weight[3]!,
    ...layout4d(a),
    ...layout4d(b),
    bias?.offset ?? 0,
    bias?.strides[0] ?? 0,
  ]);
  return table;
}

function conv2dDevice(
  device: GpuDevice,
  x: Tensor,
  w: Tensor,
  bias: Tensor | undefined,
  attrs: ConvAttrs,
): Tensor {
  const output = [x.shape[0]!, w.shape[0]!, ...outputSize(x.shape, w.shape[2]!, w.shape[3]!, attrs)];
  const table = convTable(x.shape, output, w.shape, attrs, x, w, bias);
  return launchOver(device, bias ? FORWARD_BIAS : FORWARD, output, bias ? [x, w, bias] : [x, w], [
    table,
    w.shape[1]!,
    w.shape[2]!,
    w.shape[3]!,
  ]);
}

function conv2dBackwardInputDevice(
  device: GpuDevice,
  gy: Tensor,
  w: Tensor,
  attrs: ConvAttrs,
  inputShape: number[],
): Tensor {
  const table = convTable(inputShape, gy.shape, w.shape, attrs, gy, w);
  const bounds = [w.shape[0]! / attrs.groups, w.shape[2]!, w.shape[3]!];
  return launchOver(device, BACKWARD_INPUT, inputShape, [gy, w], [table, ...bounds]);
}

function conv2dBackwardWeightDevice(
  device: GpuDevice,
  x: Tensor,
  gy: Tensor,
  attrs: ConvAttrs,
  weightShape: number[],
): Tensor {
  const table = convTable(x.shape, gy.shape, weightShape, attrs, x, gy);
  const bounds = [gy.shape[0]!, gy.shape[2]!, gy.shape[3]!];
  return launchOver(device, BACKWARD_WEIGHT, weightShape, [x, gy], [table, ...bounds]);
}

/** Registers the device `conv2d` (with or without bias) and its two gradient kernels. */
export function registerConvKernels(define: DefineGpuKernel): void {
  define<ConvAttrs>('conv2d', ([x, w, b], attrs, device) => conv2dDevice(device, x!, w!, b, attrs));
  define<ConvAttrs & { inputShape: number[] }>('conv2dBackwardInput', ([gy, w], attrs, device) =>
    conv2dBackwardInputDevice(device, gy!, w!, attrs, attrs.inputShape),
  );
  define<ConvAttrs & { weightShape: number[] }>('conv2dBackwardWeight', ([x, gy], attrs, device) =>
    conv2dBackwardWeightDevice(device, x!, gy!, attrs, attrs.weightShape),
  );
}
