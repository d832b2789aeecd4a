import {
  conv1d as conv1dOp,
  conv2d as conv2dOp,
  convTranspose2d as convTranspose2dOp,
  type Tensor,
  type Conv1dOptions as TensorConv1dOptions,
  type Conv2dOptions as TensorConv2dOptions,
  type ConvTranspose2dOptions as TensorConvTranspose2dOptions,
} from '@nn/tensor';

// Aliases rather than re-exports: the declaration bundler turns types re-exported through the `F`
// namespace into values.
/** Options of {@link conv1d}: @nn/tensor's conv1d options. */
export type Conv1dOptions = TensorConv1dOptions;
/** Options of {@link conv2d}: @nn/tensor's conv2d options. */
export type Conv2dOptions = TensorConv2dOptions;
/** Options of {@link convTranspose2d}: @nn/tensor's convTranspose2d options. */
export type ConvTranspose2dOptions = TensorConvTranspose2dOptions;

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
