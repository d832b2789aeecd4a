import { checkOptions, type Tensor } from '@nn/tensor';
import {
  type AvgPool3dOptions,
  avgPool3d,
  type MaxPool3dOptions,
  maxPool3d,
  maxPool3dWithIndices,
  type Size3,
} from '../functional/pooling-3d';
import { Module } from '../module/module';
import { pyBool, pyIntOrTuple } from '../module/repr';
import { AVG_POOL3D_KEYS, MAX_POOL3D_LAYER_KEYS } from '../utils/spatial-option-keys';
import type { MaxPoolOutput } from './pooling-1d';

/** Options of {@link MaxPool3d}: PyTorch's `stride`, `padding`, `dilation`, `returnIndices`, `ceilMode`. */
export interface MaxPool3dLayerOptions<R extends boolean = false> extends MaxPool3dOptions {
  /** Also return the flat index of each maximum in its D*H*W volume (int32). */
  returnIndices?: R;
}
/**
 * Max over `kernelSize` boxes of `[N, C, D, H, W]` input (`torch.nn.MaxPool3d`).
 *
 * @example
 * ```ts
 * import { MaxPool3d } from '@nn/nn';
 * import { randn } from '@nn/tensor';
 *
 * console.log(new MaxPool3d(2).call(randn([1, 3, 4, 6, 6])).shape); // [ 1, 3, 2, 3, 3 ]
 * ```
 */
export class MaxPool3d<R extends boolean = false> extends Module {
  /** Window size. */
  readonly kernelSize: Size3;
  /** Window step. */
  readonly stride: Size3;
  /** Implicit padding per side. */
  readonly padding: Size3;
  /** Spacing between window taps. */
  readonly dilation: Size3;
  /** Whether the output size rounds up. */
  readonly ceilMode: boolean;
  /** Whether forward also returns the indices. */
  readonly returnIndices: R;

  constructor(kernelSize: Size3, options: MaxPool3dLayerOptions<R> = {}) {
    checkOptions('MaxPool3d', options, MAX_POOL3D_LAYER_KEYS);
    super();
    this.kernelSize = kernelSize;
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.dilation = options.dilation ?? 1;
    this.ceilMode = options.ceilMode ?? false;
    this.returnIndices = (options.returnIndices ?? false) as R;
  }

  override forward(x: Tensor): MaxPoolOutput<R> {
    const options = {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      ceilMode: this.ceilMode,
    };
    if (!this.returnIndices) return maxPool3d(x, this.kernelSize, options) as MaxPoolOutput<R>;
    const { values, indices } = maxPool3dWithIndices(x, this.kernelSize, options);
    return [values, indices] as MaxPoolOutput<R>;
  }

  override extraRepr(): string {
    return (
      `kernel_size=${pyIntOrTuple(this.kernelSize)}, stride=${pyIntOrTuple(this.stride)}, ` +
      `padding=${pyIntOrTuple(this.padding)}, dilation=${pyIntOrTuple(this.dilation)}, ceil_mode=${pyBool(this.ceilMode)}`
    );
  }
}

/** Mean over `kernelSize` boxes of `[N, C, D, H, W]` input (`torch.nn.AvgPool3d`). */
export class AvgPool3d extends Module {
  /** Window size. */
  readonly kernelSize: Size3;
  /** Window step. */
  readonly stride: Size3;
  /** Implicit zero padding per side. */
  readonly padding: Size3;
  /** Whether the output size rounds up. */
  readonly ceilMode: boolean;
  /** Whether padding counts in the divisor. */
  readonly countIncludePad: boolean;
  /** Divisor used instead of the window size, if set. */
  readonly divisorOverride: number | undefined;

  constructor(kernelSize: Size3, options: AvgPool3dOptions = {}) {
    checkOptions('AvgPool3d', options, AVG_POOL3D_KEYS);
    super();
    this.kernelSize = kernelSize;
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.ceilMode = options.ceilMode ?? false;
    this.countIncludePad = options.countIncludePad ?? true;
    this.divisorOverride = options.divisorOverride;
  }

  override forward(x: Tensor): Tensor {
    return avgPool3d(x, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      ceilMode: this.ceilMode,
      countIncludePad: this.countIncludePad,
      ...(this.divisorOverride === undefined ? {} : { divisorOverride: this.divisorOverride }),
    });
  }

  override extraRepr(): string {
    return `kernel_size=${pyIntOrTuple(this.kernelSize)}, stride=${pyIntOrTuple(this.stride)}, padding=${pyIntOrTuple(this.padding)}`;
  }
}
