import {
  checkOptions,
  conv1d as conv1dOp,
  conv2d as conv2dOp,
  convTranspose2d as convTranspose2dOp,
  fmtShape,
  ShapeError,
  type Tensor,
  type Conv1dOptions as TensorConv1dOptions,
  type Conv2dOptions as TensorConv2dOptions,
  type ConvTranspose2dOptions as TensorConvTranspose2dOptions,
} from '@nn/tensor';
import { CONV_TRANSPOSE1D_KEYS } from '../utils/spatial-option-keys';
import { asOp } from './as-op';

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

/** Options of {@link convTranspose1d}, as `torch.nn.functional.conv_transpose1d`'s. */
export interface ConvTranspose1dOptions {
  /** Step of the kernel (default 1); the output grows by this per input element. */
  stride?: number;
  /** `dilation * (kernel - 1) - padding` zero padding is added per side of the input (default 0). */
  padding?: number;
  /** Extra size added to one side of the output (default 0; smaller than stride or dilation). */
  outputPadding?: number;
  /** Split channels into this many groups (default 1). */
  groups?: number;
  /** Spacing between kernel taps (default 1). */
  dilation?: number;
}
/**
 * Transposed 1-D convolution of `[N, C, L]` (or `[C, L]`) input with weight `[C, out / groups, k]`
 * (`F.conv_transpose1d`): the 2-D kernel over a height of 1.
 */
export function convTranspose1d(
  x: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  options: ConvTranspose1dOptions = {},
): Tensor {
  checkOptions('convTranspose1d', options, CONV_TRANSPOSE1D_KEYS);
  if (x.ndim !== 2 && x.ndim !== 3) {
    throw new ShapeError(
      'convTranspose1d',
      `expected 2D (C, L) or 3D (N, C, L) input, got ${fmtShape(x.shape)}`,
    );
  }
  if (weight.ndim !== 3) {
    throw new ShapeError(
      'convTranspose1d',
      `expected 3-D weight [in, out/groups, k], got ${fmtShape(weight.shape)}`,
    );
  }
  const { stride = 1, padding = 0, outputPadding = 0, groups = 1, dilation = 1 } = options;
  return asOp('convTranspose1d', () =>
    convTranspose2dOp(x.unsqueeze(-2), weight.unsqueeze(2), bias ?? undefined, {
      stride: [1, stride],
      padding: [0, padding],
      outputPadding: [0, outputPadding],
      groups,
      dilation: [1, dilation],
    }),
  ).squeeze(-2);
}
