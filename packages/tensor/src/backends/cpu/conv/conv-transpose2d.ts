import type { FloatArray } from '../gemm/types';
import { conv2dBackwardInput } from './conv2d-backward-input';
import type { Conv2dGeometry } from './geometry';
import { addChannelBias } from './image-chunks';

/**
 * Sizes of a transposed convolution (PyTorch's `conv_transpose2d`): input `[batch, inChannels, inHeight,
 * inWidth]`, weight `[inChannels, outChannels / groups, kernelHeight, kernelWidth]`. Stride, padding,
 * dilation and groups mean what they mean for the convolution this one transposes; `outputPaddingH/W`
 * (default 0, less than the stride) adds rows/columns at the bottom/right to pick among the output sizes
 * that convolution maps to the same input size.
 */
export interface ConvTranspose2dGeometry extends Conv2dGeometry {
  readonly outputPaddingH?: number;
  readonly outputPaddingW?: number;
}

/** Output height and width of {@link convTranspose2d}. */
export function convTranspose2dOutputSize(g: ConvTranspose2dGeometry): {
  outHeight: number;
  outWidth: number;
} {
  const size = (input: number, stride = 1, padA = 0, padB = 0, dilation = 1, kernel = 1, extra = 0) =>
    (input - 1) * stride - padA - padB + dilation * (kernel - 1) + extra + 1;
  return {
    outHeight: size(
      g.inHeight,
      g.strideH,
      g.padTop,
      g.padBottom,
      g.dilationH,
      g.kernelHeight,
      g.outputPaddingH,
    ),
    outWidth: size(g.inWidth, g.strideW, g.padLeft, g.padRight, g.dilationW, g.kernelWidth, g.outputPaddingW),
  };
}

/**
 * Transposed 2-D convolution forward: exactly the input gradient of the convolution whose output has
 * this input's size, plus bias. `out` is `[batch, outChannels, outHeight, outWidth]` (see
 * {@link convTranspose2dOutputSize}) and fully overwritten. Its own gradients are a {@link conv2d}
 * (input) and a {@link conv2dBackwardWeight} with input and gradOut swapped (weight).
 */
export function convTranspose2d<T extends FloatArray>(
  geometry: ConvTranspose2dGeometry,
  input: T,
  weight: T,
  bias: T | undefined,
  out: T,
): void {
  const { outHeight, outWidth } = convTranspose2dOutputSize(geometry);
  const { outputPaddingH = 0, outputPaddingW = 0, ...rest } = geometry;
  if (outputPaddingH >= (geometry.strideH ?? 1) && outputPaddingH >= (geometry.dilationH ?? 1)) {
    throw new RangeError(
      `convTranspose2d: outputPaddingH=${outputPaddingH} must be smaller than stride or dilation`,
    );
  }
  if (outputPaddingW >= (geometry.strideW ?? 1) && outputPaddingW >= (geometry.dilationW ?? 1)) {
    throw new RangeError(
      `convTranspose2d: outputPaddingW=${outputPaddingW} must be smaller than stride or dilation`,
    );
  }
  const forward: Conv2dGeometry = {
    ...rest,
    inChannels: geometry.outChannels,
    outChannels: geometry.inChannels,
    inHeight: outHeight,
    inWidth: outWidth,
  };
  conv2dBackwardInput(forward, input, weight, out);
  if (bias) addChannelBias(out, bias, geometry.batch, geometry.outChannels, outHeight * outWidth);
}
