/**
 * Sizes and attributes of a 2-D convolution over NCHW input `[batch, inChannels, inHeight, inWidth]` with
 * weight `[outChannels, inChannels / groups, kernelHeight, kernelWidth]`. Padding is given per side so
 * 'same' padding with even kernels (more on one side) needs no input copy. Omitted attributes default to
 * stride 1, padding 0, dilation 1, groups 1. A 1-D convolution is the case `inHeight = kernelHeight = 1`.
 */
export interface Conv2dGeometry {
  readonly batch: number;
  readonly inChannels: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly outChannels: number;
  readonly kernelHeight: number;
  readonly kernelWidth: number;
  readonly strideH?: number;
  readonly strideW?: number;
  readonly padTop?: number;
  readonly padBottom?: number;
  readonly padLeft?: number;
  readonly padRight?: number;
  readonly dilationH?: number;
  readonly dilationW?: number;
  readonly groups?: number;
}

/** A geometry with defaults filled in and the derived sizes the kernels use. */
export interface ResolvedConv2d extends Required<Conv2dGeometry> {
  readonly outHeight: number;
  readonly outWidth: number;
  /** Input channels per group. */
  readonly groupIn: number;
  /** Output channels per group. */
  readonly groupOut: number;
  /** Length of one im2col column: groupIn * kernelHeight * kernelWidth (the GEMM depth). */
  readonly patch: number;
  /** Output pixels per image and channel: outHeight * outWidth. */
  readonly pixels: number;
}

/** Fills defaults, derives the output size and checks the geometry, throwing a RangeError naming the sizes. */
export function resolveConv2d(geometry: Conv2dGeometry): ResolvedConv2d {
  const g = {
    strideH: 1,
    strideW: 1,
    padTop: 0,
    padBottom: 0,
    padLeft: 0,
    padRight: 0,
    dilationH: 1,
    dilationW: 1,
    groups: 1,
    ...geometry,
  };
  const describe = () =>
    `input [${g.batch},${g.inChannels},${g.inHeight},${g.inWidth}], weight [${g.outChannels},${g.inChannels / g.groups},${g.kernelHeight},${g.kernelWidth}]`;
  const positive = [g.strideH, g.strideW, g.dilationH, g.dilationW, g.groups, g.kernelHeight, g.kernelWidth];
  const nonNegative = [g.batch, g.inChannels, g.inHeight, g.inWidth, g.outChannels, g.padTop, g.padBottom];
  if (
    !positive.every((v) => Number.isInteger(v) && v >= 1) ||
    !nonNegative.concat(g.padLeft, g.padRight).every((v) => Number.isInteger(v) && v >= 0)
  ) {
    throw new RangeError(
      `conv2d: sizes must be non-negative integers (stride, dilation, groups >= 1): ${describe()}`,
    );
  }
  if (g.inChannels % g.groups !== 0 || g.outChannels % g.groups !== 0) {
    throw new RangeError(`conv2d: channels not divisible by groups=${g.groups}: ${describe()}`);
  }
  const outHeight =
    Math.floor((g.inHeight + g.padTop + g.padBottom - g.dilationH * (g.kernelHeight - 1) - 1) / g.strideH) +
    1;
  const outWidth =
    Math.floor((g.inWidth + g.padLeft + g.padRight - g.dilationW * (g.kernelWidth - 1) - 1) / g.strideW) + 1;
  if (outHeight < 1 || outWidth < 1) {
    throw new RangeError(
      `conv2d: kernel larger than padded input: ${describe()} gives ${outHeight}x${outWidth}`,
    );
  }
  const groupIn = g.inChannels / g.groups;
  return {
    ...g,
    outHeight,
    outWidth,
    groupIn,
    groupOut: g.outChannels / g.groups,
    patch: groupIn * g.kernelHeight * g.kernelWidth,
    pixels: outHeight * outWidth,
  };
}
