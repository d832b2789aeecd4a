// 1-D pooling is 2-D pooling over a height of 1: the 2-D kernels (and their gradients) do the work.
import {
  adaptiveAvgPool2d,
  adaptiveMaxPool2dWithIndices,
  avgPool2d,
  checkOptions,
  fmtShape,
  maxPool2dWithIndices,
  ShapeError,
  type Tensor,
  type ValuesIndices,
} from '@nn/tensor';
import { AVG_POOL1D_KEYS, MAX_POOL1D_KEYS } from '../utils/spatial-option-keys';
import { asOp } from './as-op';

/** Options of {@link maxPool1d}, as `torch.nn.functional.max_pool1d`'s. */
export interface MaxPool1dOptions {
  /** Window step (default: the kernel size). */
  stride?: number;
  /** Implicit -Infinity padding per side (default 0; at most half the kernel size). */
  padding?: number;
  /** Spacing between window taps (default 1). */
  dilation?: number;
  /** Round the output size up instead of down (default false). */
  ceilMode?: boolean;
}
/** Options of {@link avgPool1d}, as `torch.nn.functional.avg_pool1d`'s. */
export interface AvgPool1dOptions {
  /** Window step (default: the kernel size). */
  stride?: number;
  /** Implicit zero padding per side (default 0; at most half the kernel size). */
  padding?: number;
  /** Round the output size up instead of down (default false). */
  ceilMode?: boolean;
  /** Count the zero padding in the divisor (default true). */
  countIncludePad?: boolean;
}
/** `[N, C, L]` or `[C, L]` as a 2-D pool's input with a height of 1. */
function asPlane(op: string, x: Tensor): Tensor {
  if (x.ndim !== 2 && x.ndim !== 3) {
    throw new ShapeError(op, `expected 2D (C, L) or 3D (N, C, L) input, got ${fmtShape(x.shape)}`);
  }
  return x.unsqueeze(-2);
}

/** The 2-D max pool over a height of 1 (values and indices; callers use what they need). */
function maxPool1dPlane(x: Tensor, kernelSize: number, options: MaxPool1dOptions): ValuesIndices {
  checkOptions('maxPool1d', options, MAX_POOL1D_KEYS);
  const { stride = kernelSize, padding = 0, dilation = 1, ceilMode = false } = options;
  return asOp('maxPool1d', () =>
    maxPool2dWithIndices(asPlane('maxPool1d', x), [1, kernelSize], {
      stride: [1, stride],
      padding: [0, padding],
      dilation: [1, dilation],
      ceilMode,
    }),
  );
}

/** Max and flat index over 1-D windows of `[N, C, L]` (or `[C, L]`) input (`return_indices=True`). */
export function maxPool1dWithIndices(
  x: Tensor,
  kernelSize: number,
  options: MaxPool1dOptions = {},
): ValuesIndices {
  const { values, indices } = maxPool1dPlane(x, kernelSize, options);
  return { values: values.squeeze(-2), indices: indices.squeeze(-2) };
}

/** Max over 1-D windows of `[N, C, L]` (or `[C, L]`) input (`torch.nn.functional.max_pool1d`). */
export function maxPool1d(x: Tensor, kernelSize: number, options: MaxPool1dOptions = {}): Tensor {
  // The indices stay untouched, so graph tracers (ONNX export) see a plain max pool.
  return maxPool1dPlane(x, kernelSize, options).values.squeeze(-2);
}

/** Mean over 1-D windows of `[N, C, L]` (or `[C, L]`) input (`torch.nn.functional.avg_pool1d`). */
export function avgPool1d(x: Tensor, kernelSize: number, options: AvgPool1dOptions = {}): Tensor {
  checkOptions('avgPool1d', options, AVG_POOL1D_KEYS);
  const { stride = kernelSize, padding = 0, ceilMode = false, countIncludePad = true } = options;
  return asOp('avgPool1d', () =>
    avgPool2d(asPlane('avgPool1d', x), [1, kernelSize], {
      stride: [1, stride],
      padding: [0, padding],
      ceilMode,
      countIncludePad,
    }),
  ).squeeze(-2);
}

/** Average pooling of `[N, C, L]` (or `[C, L]`) input to length `outputSize` (`F.adaptive_avg_pool1d`). */
export function adaptiveAvgPool1d(x: Tensor, outputSize: number): Tensor {
  return asOp('adaptiveAvgPool1d', () =>
    adaptiveAvgPool2d(asPlane('adaptiveAvgPool1d', x), [1, outputSize]),
  ).squeeze(-2);
}

/** Max pooling of `[N, C, L]` (or `[C, L]`) input to length `outputSize`, with the winners' indices. */
export function adaptiveMaxPool1dWithIndices(x: Tensor, outputSize: number): ValuesIndices {
  const { values, indices } = asOp('adaptiveMaxPool1d', () =>
    adaptiveMaxPool2dWithIndices(asPlane('adaptiveMaxPool1d', x), [1, outputSize]),
  );
  return { values: values.squeeze(-2), indices: indices.squeeze(-2) };
}

/** Max pooling of `[N, C, L]` (or `[C, L]`) input to length `outputSize` (`F.adaptive_max_pool1d`). */
export function adaptiveMaxPool1d(x: Tensor, outputSize: number): Tensor {
  return adaptiveMaxPool1dWithIndices(x, outputSize).values;
}
