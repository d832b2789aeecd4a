import type { SlidingBlockAttrs } from '../kernel/attrs/spatial';
import { DTypeError, fmtShape, ShapeError, ValueError } from '../kernel/errors';
import { slidingBlockCounts } from '../kernel/ops/spatial';
import { checkOptions, type OptionKeys } from '../options';
import { runKernel } from '../run-kernel';
import type { Tensor } from '../tensor';
import { pair, type Size2 } from './pooling';

/** Options of {@link unfold} and {@link fold}, as torch.nn.functional's (each one number or `[h, w]`). */
export interface FoldOptions {
  /** Spacing between the taps of a block (default 1). */
  dilation?: Size2;
  /** Implicit zero padding on both sides of each spatial dim (default 0). */
  padding?: Size2;
  /** Step between blocks (default 1). */
  stride?: Size2;
}
const FOLD_KEYS: OptionKeys<FoldOptions> = { dilation: true, padding: true, stride: true };

function blockAttrs(
  op: string,
  imageSize: Size2,
  kernelSize: Size2,
  options: FoldOptions,
  dtype: string,
): SlidingBlockAttrs {
  checkOptions(op, options, FOLD_KEYS);
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new DTypeError(op, `expected float32 or float64 input, got ${dtype}; convert with .float()`);
  }
  const attrs: SlidingBlockAttrs = {
    kernelSize: pair(op, 'kernel_size', kernelSize),
    dilation: pair(op, 'dilation', options.dilation ?? 1),
    padding: pair(op, 'padding', options.padding ?? 0),
    stride: pair(op, 'stride', options.stride ?? 1),
    imageSize: pair(op, 'output_size', imageSize),
  };
  if ([...attrs.kernelSize, ...attrs.dilation, ...attrs.stride].some((v) => v === 0)) {
    throw new ValueError(op, 'kernel_size, dilation and stride must be greater than zero');
  }
  const [bh, bw] = slidingBlockCounts(attrs);
  if (bh < 1 || bw < 1) {
    throw new ShapeError(
      op,
      `given input with spatial size ${fmtShape(attrs.imageSize)}, kernel_size=${fmtShape(attrs.kernelSize)}, ` +
        `dilation=${fmtShape(attrs.dilation)}, padding=${fmtShape(attrs.padding)}, calculated shape of the array of ` +
        `sliding blocks is ${fmtShape([bh, bw])}, but its components must be at least one; use a smaller kernel or more padding`,
    );
  }
  return attrs;
}

/**
 * The sliding `kernelSize` blocks of `[N, C, H, W]` (or unbatched `[C, H, W]`) input as columns
 * `[N, C*kh*kw, L]` (`torch.nn.functional.unfold`, im2col), L the number of blocks.
 */
export function unfold(x: Tensor, kernelSize: Size2, options: FoldOptions = {}): Tensor {
  if (x.ndim !== 3 && x.ndim !== 4) {
    throw new ShapeError(
      'unfold',
      `expected 3D (unbatched) or 4D (batched) input, got ${fmtShape(x.shape)}; add the missing dims with unsqueeze`,
    );
  }
  const x4 = x.ndim === 3 ? x.unsqueeze(0) : x;
  const attrs = blockAttrs('unfold', [x4.shape[2]!, x4.shape[3]!], kernelSize, options, x.dtype);
  const out = runKernel('im2col', [x4], attrs);
  return x.ndim === 3 ? out.squeeze(0) : out;
}

/**
 * Sums columns `[N, C*kh*kw, L]` (or unbatched `[C*kh*kw, L]`) of sliding blocks back into
 * `[N, C, ...outputSize]` images (`torch.nn.functional.fold`, col2im; the adjoint of {@link unfold}).
 */
export function fold(x: Tensor, outputSize: Size2, kernelSize: Size2, options: FoldOptions = {}): Tensor {
  if (x.ndim !== 2 && x.ndim !== 3) {
    throw new ShapeError(
      'fold',
      `expected 2D (unbatched) or 3D (batched) input [N, C*kh*kw, L], got ${fmtShape(x.shape)}`,
    );
  }
  const x3 = x.ndim === 2 ? x.unsqueeze(0) : x;
  const attrs = blockAttrs('fold', outputSize, kernelSize, options, x.dtype);
  const taps = attrs.kernelSize[0] * attrs.kernelSize[1];
  if (x3.shape[1]! % taps !== 0) {
    throw new ShapeError(
      'fold',
      `expected size of input's dimension 1 to be divisible by the product of kernel_size, but got ` +
        `input.size(1)=${x3.shape[1]} and kernel_size=${fmtShape(attrs.kernelSize)}`,
    );
  }
  const [bh, bw] = slidingBlockCounts(attrs);
  if (x3.shape[2] !== bh * bw) {
    throw new ShapeError(
      'fold',
      `given output_size=${fmtShape(attrs.imageSize)}, kernel_size=${fmtShape(attrs.kernelSize)}, ` +
        `dilation=${fmtShape(attrs.dilation)}, padding=${fmtShape(attrs.padding)}, stride=${fmtShape(attrs.stride)}, ` +
        `expected size of input's dimension 2 to match the calculated number of sliding blocks ${bh} * ${bw} = ` +
        `${bh * bw}, but got input.size(2)=${x3.shape[2]}`,
    );
  }
  const out = runKernel('col2im', [x3], attrs);
  return x.ndim === 2 ? out.squeeze(0) : out;
}
