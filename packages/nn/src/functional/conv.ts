import {
  type Conv1dOptions,
  type Conv2dOptions,
  type ConvTranspose2dOptions,
  conv1d as conv1dOp,
  conv2d as conv2dOp,
  convTranspose2d as convTranspose2dOp,
  type Tensor,
} from '@nn/tensor';

export type { Conv1dOptions, Conv2dOptions, ConvTranspose2dOptions };

/** 1-D convolution of `[N, C, L]` input with weight `[out, C / groups, k]` (`F.conv1d`); `bias` may be null. */
export function conv1d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv1dOptions = {}): Tensor {
  return conv1dOp(x, weight, bias ?? undefined, options);
}

/** 2-D convolution of `[N, C, H, W]` input with weight `[out, C / groups, kH, kW]` (`F.conv2d`); `bias` may be null. */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv2dOptions = {}): Tensor {
  return conv2dOp(x, weight, bias ?? undefined, options);
}

/** Transposed 2-D convolution with weight `[C, out / groups, kH, kW]` (`F.conv_transpose2d`); `bias` may be null. */
export function convTranspose2d(
  x: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  options: ConvTranspose2dOptions = {},
): Tensor {
  return convTranspose2dOp(x, weight, bias ?? undefined, options);
}
