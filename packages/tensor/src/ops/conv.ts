import { zeros } from '../creation';
import type { ConvAttrs } from '../kernel/attrs/nn';
import { DTypeError, fmtShape, ShapeError, ValueError } from '../kernel/errors';
import { checkOptions, type OptionKeys } from '../options';
import { runKernel } from '../run-kernel';
import type { Tensor } from '../tensor';
import { pair, type Size2 } from './pooling';

/** Options of {@link conv2d}, as torch.nn.functional.conv2d's. */
export interface Conv2dOptions {
  /** Step of the kernel over the input (default 1). */
  stride?: Size2;
  /** Zero padding per side, or `'valid'` (none) or `'same'` (output size = input size; stride 1 only). */
  padding?: Size2 | 'same' | 'valid';
  /** Spacing between kernel taps (default 1). */
  dilation?: Size2;
  /** Split input and output channels into this many groups convolved separately (default 1). */
  groups?: number;
}
const CONV2D_KEYS: OptionKeys<Conv2dOptions> = { stride: true, padding: true, dilation: true, groups: true };

function checkFloat(op: string, ...tensors: (Tensor | undefined)[]): void {
  const given = tensors.filter((t): t is Tensor => t !== undefined);
  const dtype = given[0]!.dtype;
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new DTypeError(op, `expected float32 or float64 input, got ${dtype}; convert with .float()`);
  }
  for (const t of given) {
    if (t.dtype !== dtype) {
      throw new DTypeError(
        op,
        `input type (${dtype}) and weight/bias type (${t.dtype}) should be the same; convert with .to('${dtype}')`,
      );
    }
  }
}

/** The kernel attributes conv2d resolves from its options (per-side padding, 'same' included). */
export function convAttrs(op: string, weight: Tensor, options: Conv2dOptions): ConvAttrs {
  const [strideH, strideW] = pair(op, 'stride', options.stride ?? 1);
  const [dilationH, dilationW] = pair(op, 'dilation', options.dilation ?? 1);
  const groups = options.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1)
    throw new ValueError(op, `groups must be a positive integer, got ${groups}`);
  if (strideH < 1 || strideW < 1 || dilationH < 1 || dilationW < 1) {
    throw new ValueError(op, 'stride and dilation must be positive');
  }
  const padding = options.padding ?? 0;
  const [kh, kw] = [weight.shape[2]!, weight.shape[3]!];
  let pads: [number, number, number, number];
  if (padding === 'same') {
    if (strideH !== 1 || strideW !== 1)
      throw new ValueError(op, "padding='same' is not supported for strided convolutions");
    // PyTorch puts the odd extra pixel of an even kernel's padding at the end.
    const total = [dilationH * (kh - 1), dilationW * (kw - 1)] as const;
    pads = [
      Math.floor(total[0] / 2),
      total[0] - Math.floor(total[0] / 2),
      Math.floor(total[1] / 2),
      total[1] - Math.floor(total[1] / 2),
    ];
  } else if (padding === 'valid') {
    pads = [0, 0, 0, 0];
  } else {
    const [ph, pw] = pair(op, 'padding', padding);
    pads = [ph, ph, pw, pw];
  }
  return {
    strideH,
    strideW,
    padTop: pads[0],
    padBottom: pads[1],
    padLeft: pads[2],
    padRight: pads[3],
    dilationH,
    dilationW,
    groups,
  };
}

function checkConvShapes(
  op: string,
  x: Tensor,
  weight: Tensor,
  bias: Tensor | undefined,
  groups: number,
  transposed: boolean,
): void {
  if (weight.ndim !== 4) throw new ShapeError(op, `expected 4-D weight, got ${fmtShape(weight.shape)}`);
  const inChannels = transposed ? weight.shape[0]! : weight.shape[1]! * groups;
  if (x.shape[1] !== inChannels) {
    throw new ShapeError(
      op,
      `given groups=${groups}, weight of size ${fmtShape(weight.shape)}, expected input${fmtShape(x.shape)} to have ` +
        `${inChannels} channels, but got ${x.shape[1]} channels instead`,
    );
  }
  const outChannels = transposed ? weight.shape[1]! * groups : weight.shape[0]!;
  if (!transposed && outChannels % groups !== 0) {
    throw new ShapeError(
      op,
      `expected weight ${fmtShape(weight.shape)}'s ${outChannels} output channels to be divisible by groups=${groups}`,
    );
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== outChannels)) {
    throw new ShapeError(op, `expected bias of shape [${outChannels}], got ${fmtShape(bias.shape)}`);
  }
}

function batched(op: string, x: Tensor, rank: number): [Tensor, boolean] {
  if (x.ndim === rank) return [x, false];
  if (x.ndim === rank - 1) return [x.unsqueeze(0), true];
  throw new ShapeError(
    op,
    `expected ${rank - 1}D (unbatched) or ${rank}D (batched) input, got ${fmtShape(x.shape)}`,
  );
}

/** Output spatial size of a convolution, with the error PyTorch gives when the kernel does not fit. */
function checkOutput(op: string, x: Tensor, weight: Tensor, a: ConvAttrs): void {
  const out = [
    Math.floor(
      (x.shape[2]! + a.padTop + a.padBottom - a.dilationH * (weight.shape[2]! - 1) - 1) / a.strideH,
    ) + 1,
    Math.floor(
      (x.shape[3]! + a.padLeft + a.padRight - a.dilationW * (weight.shape[3]! - 1) - 1) / a.strideW,
    ) + 1,
  ];
  if (out.some((s) => s < 1)) {
    throw new ShapeError(
      op,
      `calculated padded input size per channel: (${x.shape[2]! + a.padTop + a.padBottom} x ${x.shape[3]! + a.padLeft + a.padRight}). ` +
        `Kernel size: (${weight.shape[2]} x ${weight.shape[3]}). Kernel size can't be greater than actual input size`,
    );
  }
}

/** 2-D convolution (cross-correlation) over [N,C,H,W] or [C,H,W] input, as torch.nn.functional.conv2d. */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv2dOptions = {}): Tensor {
  bias ??= undefined; // null means no bias, as F.conv2d
  checkOptions('conv2d', options, CONV2D_KEYS);
  checkFloat('conv2d', x, weight, bias);
  const [x4, added] = batched('conv2d', x, 4);
  const attrs = convAttrs('conv2d', weight, options);
  checkConvShapes('conv2d', x4, weight, bias, attrs.groups, false);
  checkOutput('conv2d', x4, weight, attrs);
  const out = runKernel('conv2d', bias ? [x4, weight, bias] : [x4, weight], attrs);
  return added ? out.squeeze(0) : out;
}

/** Options of {@link conv1d}. */
export interface Conv1dOptions {
  /** Step of the kernel over the input (default 1). */
  stride?: number;
  /** Zero padding per side, or `'valid'` (none) or `'same'` (output length = input length; stride 1 only). */
  padding?: number | 'same' | 'valid';
  /** Spacing between kernel taps (default 1). */
  dilation?: number;
  /** Split channels into this many groups convolved separately (default 1). */
  groups?: number;
}
const CONV1D_KEYS: OptionKeys<Conv1dOptions> = { stride: true, padding: true, dilation: true, groups: true };

/** 1-D convolution over [N,C,L] or [C,L] input: a conv2d over a height of 1. */
export function conv1d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv1dOptions = {}): Tensor {
  bias ??= undefined; // null means no bias, as F.conv1d
  checkOptions('conv1d', options, CONV1D_KEYS);
  if (weight.ndim !== 3)
    throw new ShapeError('conv1d', `expected 3-D weight [out, in/groups, k], got ${fmtShape(weight.shape)}`);
  const [x3, added] = batched('conv1d', x, 3);
  const { stride = 1, padding = 0, dilation = 1, groups = 1 } = options;
  const out = conv2d(x3.unsqueeze(2), weight.unsqueeze(2), bias, {
    stride: [1, stride],
    padding: typeof padding === 'number' ? [0, padding] : padding,
    dilation: [1, dilation],
    groups,
  }).squeeze(2);
  return added ? out.squeeze(0) : out;
}

/**
 * NCHW `x` with `rows` zero rows and `columns` zero columns appended, built from `zeros` and `copy_` (a
 * constant `pad` is not a kernel every device has).
 */
function withZeroMargin(x: Tensor, rows: number, columns: number): Tensor {
  const [batch, channels, height, width] = x.shape as [number, number, number, number];
  const out = zeros([batch, channels, height + rows, width + columns], { dtype: x.dtype, device: x.device });
  out.narrow(2, 0, height).narrow(3, 0, width).copy_(x);
  return out;
}

/** Options of {@link convTranspose2d}, as torch.nn.functional.conv_transpose2d's. */
export interface ConvTranspose2dOptions {
  /** Step of the kernel (default 1); the output grows by this per input element. */
  stride?: Size2;
  /**
   * `dilation * (kernel - 1) - padding` zero padding is added per side of the input (default 0), as PyTorch.
   */
  padding?: Size2;
  /** Extra size added to one side of the output (default 0; smaller than stride or dilation). */
  outputPadding?: Size2;
  /** Split channels into this many groups (default 1). */
  groups?: number;
  /** Spacing between kernel taps (default 1). */
  dilation?: Size2;
}
const CONV_TRANSPOSE2D_KEYS: OptionKeys<ConvTranspose2dOptions> = {
  stride: true,
  padding: true,
  outputPadding: true,
  groups: true,
  dilation: true,
};

/** Transposed 2-D convolution; weight is [inChannels, outChannels / groups, kH, kW]. */
export function convTranspose2d(
  x: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  options: ConvTranspose2dOptions = {},
): Tensor {
  bias ??= undefined; // null means no bias, as F.conv_transpose2d
  checkOptions('convTranspose2d', options, CONV_TRANSPOSE2D_KEYS);
  checkFloat('convTranspose2d', x, weight, bias);
  const [x4, added] = batched('convTranspose2d', x, 4);
  const attrs = convAttrs('convTranspose2d', weight, { ...options, padding: options.padding ?? 0 });
  checkConvShapes('convTranspose2d', x4, weight, bias, attrs.groups, true);
  const [outputPaddingH, outputPaddingW] = pair(
    'convTranspose2d',
    'output_padding',
    options.outputPadding ?? 0,
  );
  if (
    (outputPaddingH >= attrs.strideH && outputPaddingH >= attrs.dilationH) ||
    (outputPaddingW >= attrs.strideW && outputPaddingW >= attrs.dilationW)
  ) {
    throw new ValueError('convTranspose2d', 'output padding must be smaller than either stride or dilation');
  }
  // Output padding of a stride or more (allowed below the dilation) implies rows/columns of input the
  // transposed convolution never had: they are zeros. Appending them keeps every kernel (and its gradient)
  // on the case outputPadding < stride, where the convolution being transposed maps the output back to x.
  const extraH = Math.floor(outputPaddingH / attrs.strideH);
  const extraW = Math.floor(outputPaddingW / attrs.strideW);
  const input = extraH > 0 || extraW > 0 ? withZeroMargin(x4, extraH, extraW) : x4;
  const out = runKernel('convTranspose2d', bias ? [input, weight, bias] : [input, weight], {
    ...attrs,
    outputPaddingH: outputPaddingH - extraH * attrs.strideH,
    outputPaddingW: outputPaddingW - extraW * attrs.strideW,
  });
  return added ? out.squeeze(0) : out;
}

export type { ConvAttrs };
