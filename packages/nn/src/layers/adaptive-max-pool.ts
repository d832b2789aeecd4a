import { checkOptions, type Tensor } from '@nn/tensor';
import { adaptiveMaxPool2dWithIndices } from '../functional/pooling';
import { Module } from '../module/module';
import { pyOptionalSizes } from '../module/repr';
import { ADAPTIVE_MAX_POOL_KEYS } from '../utils/spatial-option-keys';
import type { AdaptiveMaxPoolOptions, MaxPoolOutput } from './pooling-1d';

/**
 * Max pooling of `[N, C, H, W]` input to a fixed `outputSize` whatever the input size
 * (`torch.nn.AdaptiveMaxPool2d`); with `returnIndices: true` forward returns `[values, indices]`.
 *
 * @example
 * ```ts
 * import { AdaptiveMaxPool2d } from '@nn/nn';
 * import { randn } from '@nn/tensor';
 *
 * console.log(new AdaptiveMaxPool2d([2, 3]).call(randn([1, 4, 9, 10])).shape); // [ 1, 4, 2, 3 ]
 * ```
 */
export class AdaptiveMaxPool2d<R extends boolean = false> extends Module {
  /** Whether forward also returns the indices. */
  readonly returnIndices: R;

  constructor(
    /** Output height and width (one number for both); `null` keeps that input size. */
    readonly outputSize: number | readonly [number | null, number | null],
    options: AdaptiveMaxPoolOptions<R> = {},
  ) {
    checkOptions('AdaptiveMaxPool2d', options, ADAPTIVE_MAX_POOL_KEYS);
    super();
    this.returnIndices = (options.returnIndices ?? false) as R;
  }

  override forward(x: Tensor): MaxPoolOutput<R> {
    const { values, indices } = adaptiveMaxPool2dWithIndices(x, this.outputSize);
    return (this.returnIndices ? [values, indices] : values) as MaxPoolOutput<R>;
  }

  override extraRepr(): string {
    return `output_size=${pyOptionalSizes(this.outputSize)}`;
  }
}
