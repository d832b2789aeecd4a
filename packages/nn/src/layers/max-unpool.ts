import { checkOptions, type Size2, type Tensor } from '@nn/tensor';
import { maxUnpool2d } from '../functional/max-unpool';
import { pairOf } from '../functional/spatial-args';
import { Module } from '../module/module';
import { pyTuple } from '../module/repr';
import { MAX_UNPOOL2D_LAYER_KEYS } from '../utils/spatial-option-keys';

/** Options of {@link MaxUnpool2d}: the pooling's `stride` (default: the kernel size) and `padding`. */
export interface MaxUnpool2dLayerOptions {
  /** The pooling's stride (default: the kernel size). */
  stride?: Size2;
  /** The pooling's padding (default 0). */
  padding?: Size2;
}
/**
 * The partial inverse of {@link MaxPool2d} (`torch.nn.MaxUnpool2d`): puts each pooled value back at its
 * index, zeros elsewhere.
 *
 * @example
 * ```ts
 * import { F, MaxUnpool2d } from '@nn/nn';
 * import { randn } from '@nn/tensor';
 *
 * const x = randn([1, 1, 4, 4]);
 * const { values, indices } = F.maxPool2dWithIndices(x, 2);
 * console.log(new MaxUnpool2d(2).call(values, indices).shape); // [ 1, 1, 4, 4 ]
 * ```
 */
export class MaxUnpool2d extends Module {
  /** The pooling's window size. */
  readonly kernelSize: [number, number];
  /** The pooling's stride. */
  readonly stride: [number, number];
  /** The pooling's padding. */
  readonly padding: [number, number];

  constructor(kernelSize: Size2, options: MaxUnpool2dLayerOptions = {}) {
    checkOptions('MaxUnpool2d', options, MAX_UNPOOL2D_LAYER_KEYS);
    super();
    this.kernelSize = pairOf(kernelSize);
    this.stride = pairOf(options.stride ?? kernelSize);
    this.padding = pairOf(options.padding ?? 0);
  }

  /** Unpools `x` with the pooling's `indices`; `outputSize` (`[H, W]`) resolves sizes the pooling floored. */
  override forward(x: Tensor, indices: Tensor, outputSize?: readonly number[]): Tensor {
    return maxUnpool2d(x, indices, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      ...(outputSize === undefined ? {} : { outputSize }),
    });
  }

  override extraRepr(): string {
    return `kernel_size=${pyTuple(this.kernelSize)}, stride=${pyTuple(this.stride)}, padding=${pyTuple(this.padding)}`;
  }
}
