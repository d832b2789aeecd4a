import { checkOptions, type Tensor } from '@nn/tensor';
import { adaptiveAvgPool2d, avgPool2d, maxPool2d, type Size2 } from '../functional/pooling';
import { Module } from '../module/module';
import { pyBool, pyIntOrTuple, pyOptionalSizes } from '../module/repr';
import { AVG_POOL_KEYS, MAX_POOL_KEYS } from '../utils/option-keys';

/** Options of {@link MaxPool2d}: PyTorch's `stride` (default: the kernel size), `padding`, `dilation`, `ceilMode`. */
export interface MaxPool2dOptions {
  /** Window step (default: the kernel size). */
  stride?: Size2;
  /** Implicit -Infinity padding per side (default 0; at most half the kernel size). */
  padding?: Size2;
  /** Spacing between window taps (default 1). */
  dilation?: Size2;
  /** Round the output size up instead of down (default false). */
  ceilMode?: boolean;
}

/**
 * Max over `kernelSize` windows of `[N, C, H, W]` input (`torch.nn.MaxPool2d`).
 *
 * @example
 * ```ts
 * import { MaxPool2d } from '@nn/nn';
 * import { randn } from '@nn/tensor';
 *
 * console.log(new MaxPool2d(2).call(randn([8, 32, 28, 28])).shape); // [ 8, 32, 14, 14 ]
 * ```
 */
export class MaxPool2d extends Module {
  /** Window size. */
  readonly kernelSize: Size2;
  /** Window step. */
  readonly stride: Size2;
  /** Implicit padding per side. */
  readonly padding: Size2;
  /** Spacing between window taps. */
  readonly dilation: Size2;
  /** Whether the output size rounds up. */
  readonly ceilMode: boolean;

  constructor(kernelSize: Size2, options: MaxPool2dOptions = {}) {
    checkOptions('MaxPool2d', options, MAX_POOL_KEYS);
    super();
    this.kernelSize = kernelSize;
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.dilation = options.dilation ?? 1;
    this.ceilMode = options.ceilMode ?? false;
  }

  override forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      ceilMode: this.ceilMode,
    });
  }

  override extraRepr(): string {
    return (
      `kernel_size=${pyIntOrTuple(this.kernelSize)}, stride=${pyIntOrTuple(this.stride)}, ` +
      `padding=${pyIntOrTuple(this.padding)}, dilation=${pyIntOrTuple(this.dilation)}, ceil_mode=${pyBool(this.ceilMode)}`
    );
  }
}

/** Options of {@link AvgPool2d}: PyTorch's `stride`, `padding`, `ceilMode`, `countIncludePad`, `divisorOverride`. */
export interface AvgPool2dOptions {
  /** Window step (default: the kernel size). */
  stride?: Size2;
  /** Implicit zero padding per side (default 0; at most half the kernel size). */
  padding?: Size2;
  /** Round the output size up instead of down (default false). */
  ceilMode?: boolean;
  /** Count the zero padding in the divisor (default true). */
  countIncludePad?: boolean;
  /** Divide every window sum by this instead of the window size. */
  divisorOverride?: number;
}

/** Mean over `kernelSize` windows of `[N, C, H, W]` input (`torch.nn.AvgPool2d`). */
export class AvgPool2d extends Module {
  /** Window size. */
  readonly kernelSize: Size2;
  /** Window step. */
  readonly stride: Size2;
  /** Implicit zero padding per side. */
  readonly padding: Size2;
  /** Whether the output size rounds up. */
  readonly ceilMode: boolean;
  /** Whether padding counts in the divisor. */
  readonly countIncludePad: boolean;
  /** Divisor used instead of the window size, if set. */
  readonly divisorOverride: number | undefined;

  constructor(kernelSize: Size2, options: AvgPool2dOptions = {}) {
    checkOptions('AvgPool2d', options, AVG_POOL_KEYS);
    super();
    this.kernelSize = kernelSize;
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.ceilMode = options.ceilMode ?? false;
    this.countIncludePad = options.countIncludePad ?? true;
    this.divisorOverride = options.divisorOverride;
  }

  override forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, {
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

/** Average pooling to a fixed `outputSize` whatever the input size (`torch.nn.AdaptiveAvgPool2d`). */
export class AdaptiveAvgPool2d extends Module {
  constructor(
    /** Output height and width (one number for both); `null` keeps that input size. */
    readonly outputSize: number | readonly [number | null, number | null],
  ) {
    super();
  }

  override forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }

  override extraRepr(): string {
    return `output_size=${pyOptionalSizes(this.outputSize)}`;
  }
}
