import { checkOptions, fmtShape, ShapeError, type Size2, type Tensor, ValueError, zeros } from '@nn/tensor';
import { MAX_UNPOOL2D_KEYS } from '../utils/spatial-option-keys';
import { asOp } from './as-op';
import { pairOf } from './spatial-args';

/** Options of {@link maxUnpool2d}, as `torch.nn.functional.max_unpool2d`'s. */
export interface MaxUnpool2dOptions {
  /** The pooling's stride (default: the kernel size). */
  stride?: Size2;
  /** The pooling's padding (default 0). */
  padding?: Size2;
  /**
   * The size to restore, `[H, W]` (or `[N, C, H, W]`): needed when the pooling floored an odd size;
   * within a stride of the default `(in - 1) * stride - 2 * padding + kernel`.
   */
  outputSize?: readonly number[];
}
/**
 * The partial inverse of max pooling (`torch.nn.functional.max_unpool2d`): each value of `x` `[N, C, h, w]`
 * (or `[C, h, w]`) goes to its `indices` position (flat within its output plane, as maxPool2d returns)
 * of a zero `[N, C, H, W]` output.
 */
export function maxUnpool2d(
  x: Tensor,
  indices: Tensor,
  kernelSize: Size2,
  options: MaxUnpool2dOptions = {},
): Tensor {
  checkOptions('maxUnpool2d', options, MAX_UNPOOL2D_KEYS);
  if (x.ndim !== 3 && x.ndim !== 4) {
    throw new ShapeError(
      'maxUnpool2d',
      `expected 3D (C, H, W) or 4D (N, C, H, W) input, got ${fmtShape(x.shape)}`,
    );
  }
  if (indices.shape.join() !== x.shape.join()) {
    throw new ShapeError(
      'maxUnpool2d',
      `expected indices of the input's shape ${fmtShape(x.shape)}, got ${fmtShape(indices.shape)}`,
    );
  }
  const kernel = pairOf(kernelSize);
  const stride = pairOf(options.stride ?? kernelSize);
  const padding = pairOf(options.padding ?? 0);
  const inSize = x.shape.slice(-2);
  const defaults = inSize.map((s, d) => (s - 1) * stride[d]! - 2 * padding[d]! + kernel[d]!);
  let size = defaults;
  if (options.outputSize !== undefined) {
    const given = [...options.outputSize];
    if (given.length === x.ndim) given.splice(0, given.length - 2);
    if (given.length !== 2) {
      throw new ValueError(
        'maxUnpool2d',
        `output_size should be a sequence of 2 or ${x.ndim} elements, but it has a length of ${options.outputSize.length}`,
      );
    }
    given.forEach((s, d) => {
      const [lo, hi] = [defaults[d]! - stride[d]!, defaults[d]! + stride[d]!];
      if (s <= lo || s >= hi) {
        throw new ValueError(
          'maxUnpool2d',
          `invalid output_size ${fmtShape(given)} (dim ${d} must be between ${lo} and ${hi})`,
        );
      }
    });
    size = given;
  }
  const batched = x.ndim === 4 ? x : x.unsqueeze(0);
  const [n, c] = batched.shape as [number, number];
  const plane = size[0]! * size[1]!;
  const flat = (t: Tensor) => (x.ndim === 4 ? t : t.unsqueeze(0)).reshape([n, c, -1]);
  const out = asOp('maxUnpool2d', () =>
    zeros([n, c, plane], { dtype: x.dtype, device: x.device }).scatter(2, flat(indices), flat(x)),
  ).reshape([n, c, size[0]!, size[1]!]);
  return x.ndim === 4 ? out : out.squeeze(0);
}
