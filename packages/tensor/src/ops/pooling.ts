import type { PoolAttrs } from '../kernel/attrs/nn';
import { DTypeError, fmtShape, ShapeError, ValueError } from '../kernel/errors';
import { checkOptions, type OptionKeys } from '../options';
import { runKernel, runKernelMulti } from '../run-kernel';
import type { Tensor } from '../tensor';
import type { ValuesIndices } from './reductions';

/** A size given once for both spatial dims or as `[h, w]`. */
export type Size2 = number | readonly [number, number];

export function pair(op: string, name: string, v: Size2): [number, number] {
  const p: [number, number] = typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (!p.every((x) => Number.isInteger(x) && x >= 0))
    throw new ValueError(op, `${name} must be non-negative integers, got ${String(v)}`);
  return p;
}

/** Accepts [C,H,W] or [N,C,H,W]; returns the 4-D form and whether a batch dim was added. */
export function as4d(op: string, x: Tensor): [Tensor, boolean] {
  if (x.ndim === 4) return [x, false];
  if (x.ndim === 3) return [x.unsqueeze(0), true];
  throw new ShapeError(op, `expected 3D (C,H,W) or 4D (N,C,H,W) input, got ${fmtShape(x.shape)}`);
}

/** PyTorch's pooling output size, including its ceil_mode rule (the last window must start inside). */
function outputSize(
  size: number,
  kernel: number,
  stride: number,
  pad: number,
  dilation: number,
  ceilMode: boolean,
): number {
  const span = size + 2 * pad - dilation * (kernel - 1) - 1;
  let out = (ceilMode ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  if (ceilMode && (out - 1) * stride >= size + pad) out--;
  return out;
}

interface PoolOptions {
  /** Window step (default: the kernel size, as PyTorch). */
  stride?: Size2;
  /** Implicit padding per side (default 0; at most half the kernel size). */
  padding?: Size2;
  /** Round the output size up instead of down (default false). */
  ceilMode?: boolean;
}

function poolAttrs(
  op: string,
  x: Tensor,
  kernel: Size2,
  options: PoolOptions & { dilation?: Size2 },
): PoolAttrs {
  if (x.dtype !== 'float32' && x.dtype !== 'float64') {
    throw new DTypeError(op, `not implemented for ${x.dtype} tensors; convert with .float() first`);
  }
  const kernelSize = pair(op, 'kernel_size', kernel);
  const stride = pair(op, 'stride', options.stride ?? kernel);
  const padding = pair(op, 'padding', options.padding ?? 0);
  const dilation = pair(op, 'dilation', options.dilation ?? 1);
  if (kernelSize.some((k) => k === 0) || stride.some((s) => s === 0) || dilation.some((d) => d === 0)) {
    throw new ValueError(op, 'kernel_size, stride and dilation must be greater than zero');
  }
  for (let d = 0; d < 2; d++) {
    if (padding[d]! > kernelSize[d]! / 2) {
      throw new ValueError(
        op,
        `pad should be at most half of effective kernel size, but got pad=${padding[d]}, kernel_size=${kernelSize[d]}`,
      );
    }
  }
  const size = [0, 1].map((d) =>
    outputSize(
      x.shape[2 + d]!,
      kernelSize[d]!,
      stride[d]!,
      padding[d]!,
      dilation[d]!,
      options.ceilMode ?? false,
    ),
  ) as [number, number];
  if (size.some((s) => s <= 0)) {
    throw new ShapeError(
      op,
      `given input size ${fmtShape(x.shape.slice(1))}, calculated output size ${fmtShape([x.shape[1]!, ...size])} is too small`,
    );
  }
  return { kernelSize, stride, padding, dilation, outputSize: size };
}

/** Options of {@link maxPool2d}. */
export interface MaxPool2dOptions extends PoolOptions {
  /** Spacing between window taps (default 1). */
  dilation?: Size2;
}
const MAX_POOL_KEYS: OptionKeys<MaxPool2dOptions> = {
  stride: true,
  padding: true,
  ceilMode: true,
  dilation: true,
};

/** 2-D max pooling over [N,C,H,W] or [C,H,W] input; `stride` defaults to the kernel size. */
export function maxPool2d(x: Tensor, kernelSize: Size2, options: MaxPool2dOptions = {}): Tensor {
  checkOptions('maxPool2d', options, MAX_POOL_KEYS);
  return maxPool2dWithIndices(x, kernelSize, options).values;
}

/**
 * Max pooling that also returns, for each output, the flat index (within its H*W plane) of the input
 * element chosen, as PyTorch's `return_indices=True` (int32 here).
 */
export function maxPool2dWithIndices(
  x: Tensor,
  kernelSize: Size2,
  options: MaxPool2dOptions = {},
): ValuesIndices {
  checkOptions('maxPool2dWithIndices', options, MAX_POOL_KEYS);
  const [x4, added] = as4d('maxPool2d', x);
  const [values, indices] = runKernelMulti(
    'maxPool2d',
    [x4],
    poolAttrs('maxPool2d', x4, kernelSize, options),
  ) as [Tensor, Tensor];
  return added ? { values: values.squeeze(0), indices: indices.squeeze(0) } : { values, indices };
}

/** Options of {@link avgPool2d}. */
export interface AvgPool2dOptions extends PoolOptions {
  /** Count zero padding in the divisor (default true, as PyTorch). */
  countIncludePad?: boolean;
  /** Divide every window sum by this instead of the window size. */
  divisorOverride?: number;
}
const AVG_POOL_KEYS: OptionKeys<AvgPool2dOptions> = {
  stride: true,
  padding: true,
  ceilMode: true,
  countIncludePad: true,
  divisorOverride: true,
};

/** 2-D average pooling; `stride` defaults to the kernel size. */
export function avgPool2d(x: Tensor, kernelSize: Size2, options: AvgPool2dOptions = {}): Tensor {
  checkOptions('avgPool2d', options, AVG_POOL_KEYS);
  const [x4, added] = as4d('avgPool2d', x);
  if (options.divisorOverride !== undefined && options.divisorOverride === 0) {
    throw new ValueError('avgPool2d', 'divisor must be not zero');
  }
  const attrs: PoolAttrs = {
    ...poolAttrs('avgPool2d', x4, kernelSize, options),
    countIncludePad: options.countIncludePad ?? true,
    ...(options.divisorOverride === undefined ? {} : { divisorOverride: options.divisorOverride }),
  };
  const out = runKernel('avgPool2d', [x4], attrs);
  return added ? out.squeeze(0) : out;
}

/** Average pooling to a fixed output size (a dim given as `null` keeps the input's size). */
export function adaptiveAvgPool2d(
  x: Tensor,
  outputSize: number | readonly [number | null, number | null],
): Tensor {
  const [x4, added] = as4d('adaptiveAvgPool2d', x);
  const pairSize = typeof outputSize === 'number' ? [outputSize, outputSize] : outputSize;
  const size = pairSize.map((s, d) => s ?? x4.shape[2 + d]!) as [number, number];
  if (size.some((s) => !Number.isInteger(s) || s <= 0)) {
    throw new ValueError('adaptiveAvgPool2d', `output_size must be positive integers, got ${fmtShape(size)}`);
  }
  if (x4.dtype !== 'float32' && x4.dtype !== 'float64') {
    throw new DTypeError(
      'adaptiveAvgPool2d',
      `not implemented for ${x4.dtype} tensors; convert with .float() first`,
    );
  }
  const out = runKernel('adaptiveAvgPool2d', [x4], { outputSize: size });
  return added ? out.squeeze(0) : out;
}

export type { PoolAttrs };
