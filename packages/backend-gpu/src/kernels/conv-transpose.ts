import type { ConvAttrs, Tensor } from '@nn/tensor';
import type { GpuDevice } from '../backend/gpu-device';
import { convTable, inputGradientSpec } from './conv';
import type { DefineGpuKernel } from './define-kernel';
import { launchOver } from './nchw';

/** Attributes of the `convTranspose2d` kernel: the transposed convolution's, plus the output padding. */
type ConvTransposeAttrs = ConvAttrs & { outputPaddingH: number; outputPaddingW: number };

const TRANSPOSED = inputGradientSpec('convTranspose2d', false);
const TRANSPOSED_BIAS = inputGradientSpec('convTranspose2d', true);

/** Output height and width of a transposed convolution of `x` with `w`, as torch's conv_transpose2d. */
function outputSize(x: Tensor, w: Tensor, a: ConvTransposeAttrs): [number, number] {
  const span = (size: number, k: number, pads: number, dilation: number, stride: number, extra: number) =>
    (size - 1) * stride - pads + dilation * (k - 1) + extra + 1;
  return [
    span(x.shape[2]!, w.shape[2]!, a.padTop + a.padBottom, a.dilationH, a.strideH, a.outputPaddingH),
    span(x.shape[3]!, w.shape[3]!, a.padLeft + a.padRight, a.dilationW, a.strideW, a.outputPaddingW),
  ];
}

/**
 * `x` `[N, inC, h, w]` transposed-convolved with `w` `[inC, outC / groups, kh, kw]`: the input gradient of
 * the convolution from the output's shape to `x`'s, with `x` as that convolution's output gradient.
 */
function convTranspose2dDevice(
  device: GpuDevice,
  x: Tensor,
  w: Tensor,
  bias: Tensor | undefined,
  attrs: ConvTransposeAttrs,
): Tensor {
  const output = [x.shape[0]!, w.shape[1]! * attrs.groups, ...outputSize(x, w, attrs)];
  const table = convTable(output, x.shape, w.shape, attrs, x, w, bias);
  return launchOver(device, bias ? TRANSPOSED_BIAS : TRANSPOSED, output, bias ? [x, w, bias] : [x, w], [
    table,
    w.shape[0]! / attrs.groups,
    w.shape[2]!,
    w.shape[3]!,
  ]);
}

/** Registers the device `convTranspose2d` (with or without bias). */
export function registerConvTransposeKernels(define: DefineGpuKernel): void {
  define<ConvTransposeAttrs>('convTranspose2d', ([x, w, b], attrs, device) =>
    convTranspose2dDevice(device, x!, w!, b, attrs),
  );
}
