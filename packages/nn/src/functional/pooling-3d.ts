// 3-D max and average pooling windows are boxes, and both reductions are separable over a box: pooling
// height and width per depth slice (the 2-D kernels), then depth (a 2-D pool with a width of 1) gives
// PyTorch's results, divisors (products of per-dim counts) and first-winner indices exactly.
import {
  avgPool2d,
  checkOptions,
  maxPool2dWithIndices,
  type Tensor,
  ValueError,
  type ValuesIndices,
} from '@nn/tensor';
import { AVG_POOL3D_KEYS, MAX_POOL3D_KEYS } from '../utils/spatial-option-keys';
import { asOp } from './as-op';
import { as5d, triple, type Size3 as VolumeSize } from './spatial-args';

/** A size given once for the three spatial dims or as `[d, h, w]` (an alias: see functional/pooling.ts). */
export type Size3 = VolumeSize;

/** Options of {@link maxPool3d}, as `torch.nn.functional.max_pool3d`'s. */
export interface MaxPool3dOptions {
  /** Window step (default: the kernel size). */
  stride?: Size3;
  /** Implicit -Infinity padding per side (default 0; at most half the kernel size). */
  padding?: Size3;
  /** Spacing between window taps (default 1). */
  dilation?: Size3;
  /** Round the output size up instead of down (default false). */
  ceilMode?: boolean;
}
/** Options of {@link avgPool3d}, as `torch.nn.functional.avg_pool3d`'s. */
export interface AvgPool3dOptions {
  /** Window step (default: the kernel size). */
  stride?: Size3;
  /** Implicit zero padding per side (default 0; at most half the kernel size). */
  padding?: Size3;
  /** Round the output size up instead of down (default false). */
  ceilMode?: boolean;
  /** Count the zero padding in the divisor (default true). */
  countIncludePad?: boolean;
  /** Divide every window sum by this instead of the window size. */
  divisorOverride?: number;
}
/** The separable 3-D max pool; the 3-D indices are assembled only when asked for. */
function maxPool3dBoxes(
  x: Tensor,
  kernelSize: Size3,
  options: MaxPool3dOptions,
  withIndices: boolean,
): { values: Tensor; indices?: Tensor } {
  checkOptions('maxPool3d', options, MAX_POOL3D_KEYS);
  const [x5, added] = as5d('maxPool3d', x);
  const [n, c, d, h, w] = x5.shape as [number, number, number, number, number];
  const k = triple('maxPool3d', 'kernel_size', kernelSize);
  const s = triple('maxPool3d', 'stride', options.stride ?? kernelSize);
  const p = triple('maxPool3d', 'padding', options.padding ?? 0);
  const dil = triple('maxPool3d', 'dilation', options.dilation ?? 1);
  const ceilMode = options.ceilMode ?? false;
  const out = asOp('maxPool3d', () => {
    const planes = maxPool2dWithIndices(x5.reshape([n, c * d, h, w]), [k[1], k[2]], {
      stride: [s[1], s[2]],
      padding: [p[1], p[2]],
      dilation: [dil[1], dil[2]],
      ceilMode,
    });
    const [oh, ow] = planes.values.shape.slice(2) as [number, number];
    const depth = maxPool2dWithIndices(planes.values.reshape([n, c, d, oh * ow]), [k[0], 1], {
      stride: [s[0], 1],
      padding: [p[0], 0],
      dilation: [dil[0], 1],
      ceilMode,
    });
    const shape = [n, c, depth.values.shape[2]!, oh, ow];
    const values = depth.values.reshape(shape);
    if (!withIndices) return { values };
    // The depth pool's index is slice * (oh*ow) + position; the winner's in-plane index is the 2-D pool's.
    const slice = depth.indices.div(oh * ow, { roundingMode: 'floor' });
    const inPlane = planes.indices.reshape([n, c, d, oh * ow]).gather(2, slice);
    return {
      values,
      indices: slice
        .mul(h * w)
        .add(inPlane)
        .reshape(shape),
    };
  });
  if (!added) return out;
  return { values: out.values.squeeze(0), ...(out.indices ? { indices: out.indices.squeeze(0) } : {}) };
}

/** Max and flat index (into each D*H*W volume, int32) over 3-D windows (`return_indices=True`). */
export function maxPool3dWithIndices(
  x: Tensor,
  kernelSize: Size3,
  options: MaxPool3dOptions = {},
): ValuesIndices {
  const { values, indices } = maxPool3dBoxes(x, kernelSize, options, true);
  return { values, indices: indices! };
}

/** Max over 3-D windows of `[N, C, D, H, W]` (or `[C, D, H, W]`) input (`torch.nn.functional.max_pool3d`). */
export function maxPool3d(x: Tensor, kernelSize: Size3, options: MaxPool3dOptions = {}): Tensor {
  return maxPool3dBoxes(x, kernelSize, options, false).values;
}

/** Mean over 3-D windows of `[N, C, D, H, W]` (or `[C, D, H, W]`) input (`torch.nn.functional.avg_pool3d`). */
export function avgPool3d(x: Tensor, kernelSize: Size3, options: AvgPool3dOptions = {}): Tensor {
  checkOptions('avgPool3d', options, AVG_POOL3D_KEYS);
  const [x5, added] = as5d('avgPool3d', x);
  const [n, c, d, h, w] = x5.shape as [number, number, number, number, number];
  const k = triple('avgPool3d', 'kernel_size', kernelSize);
  const s = triple('avgPool3d', 'stride', options.stride ?? kernelSize);
  const p = triple('avgPool3d', 'padding', options.padding ?? 0);
  const { ceilMode = false, countIncludePad = true, divisorOverride } = options;
  if (divisorOverride === 0) throw new ValueError('avgPool3d', 'divisor must be not zero');
  // With a divisor override each stage sums (divisor 1) and the total is divided once.
  const sums = divisorOverride === undefined ? {} : { divisorOverride: 1 };
  const out = asOp('avgPool3d', () => {
    const planes = avgPool2d(x5.reshape([n, c * d, h, w]), [k[1], k[2]], {
      stride: [s[1], s[2]],
      padding: [p[1], p[2]],
      ceilMode,
      countIncludePad,
      ...sums,
    });
    const [oh, ow] = planes.shape.slice(2) as [number, number];
    const depth = avgPool2d(planes.reshape([n, c, d, oh * ow]), [k[0], 1], {
      stride: [s[0], 1],
      padding: [p[0], 0],
      ceilMode,
      countIncludePad,
      ...sums,
    });
    const pooled = depth.reshape([n, c, depth.shape[2]!, oh, ow]);
    return divisorOverride === undefined ? pooled : pooled.div(divisorOverride);
  });
  return added ? out.squeeze(0) : out;
}
