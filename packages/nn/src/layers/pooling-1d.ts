import { checkOptions, type Tensor } from '@nn/tensor';
import {
  type AvgPool1dOptions,
  adaptiveAvgPool1d,
  adaptiveMaxPool1dWithIndices,
  avgPool1d,
  type MaxPool1dOptions,
  maxPool1d,
  maxPool1dWithIndices,
} from '../functional/pooling-1d';
import { Module } from '../module/module';
import { pyBool, pyTuple } from '../module/repr';
import { ADAPTIVE_MAX_POOL_KEYS, AVG_POOL1D_KEYS, MAX_POOL1D_LAYER_KEYS } from '../utils/spatial-option-keys';

/** What a max-pooling layer returns: the values, or `[values, indices]` with `returnIndices: true`. */
export type MaxPoolOutput<R extends boolean> = R extends true ? [Tensor, Tensor] : Tensor;

/** Options of {@link MaxPool1d}: PyTorch's `stride`, `padding`, `dilation`, `returnIndices`, `ceilMode`. */
export interface MaxPool1dLayerOptions<R extends boolean = false> extends MaxPool1dOptions {
  /** Also return the index of each maximum (int32; for {@link MaxUnpool2d}-style inversions). */
  returnIndices?: R;
}
/**
 * Max over `kernelSize` windows of `[N, C, L]` input (`torch.nn.MaxPool1d`).
 *
 * @example
 * ```ts
 * import { MaxPool1d } from '@nn/nn';
 * import { randn } from '@nn/tensor';
 *
 * console.log(new MaxPool1d(3, { stride: 2 }).call(randn([4, 8, 50])).shape); // [ 4, 8, 24 ]
 * const [values, indices] = new MaxPool1d(2, { returnIndices: true }).call(randn([1, 2, 6]));
 * console.log(values.shape, indices.dtype); // [ 1, 2, 3 ] int32
 * ```
 */
export class MaxPool1d<R extends boolean = false> extends Module {
  /** Window size. */
  readonly kernelSize: number;
  /** Window step. */
  readonly stride: number;
  /** Implicit padding per side. */
  readonly padding: number;
  /** Spacing between window taps. */
  readonly dilation: number;
  /** Whether the output size rounds up. */
  readonly ceilMode: boolean;
  /** Whether forward also returns the indices. */
  readonly returnIndices: R;

  constructor(kernelSize: number, options: MaxPool1dLayerOptions<R> = {}) {
    checkOptions('MaxPool1d', options, MAX_POOL1D_LAYER_KEYS);
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
    if (!this.returnIndices) return maxPool1d(x, this.kernelSize, options) as MaxPoolOutput<R>;
    const { values, indices } = maxPool1dWithIndices(x, this.kernelSize, options);
    return [values, indices] as MaxPoolOutput<R>;
  }

  override extraRepr(): string {
    return (
      `kernel_size=${this.kernelSize}, stride=${this.stride}, padding=${this.padding}, ` +
      `dilation=${this.dilation}, ceil_mode=${pyBool(this.ceilMode)}`
    );
  }
}

/** Mean over `kernelSize` windows of `[N, C, L]` input (`torch.nn.AvgPool1d`). */
export class AvgPool1d extends Module {
  /** Window size. */
  readonly kernelSize: number;
  /** Window step. */
  readonly stride: number;
  /** Implicit zero padding per side. */
  readonly padding: number;
  /** Whether the output size rounds up. */
  readonly ceilMode: boolean;
  /** Whether padding counts in the divisor. */
  readonly countIncludePad: boolean;

  constructor(kernelSize: number, options: AvgPool1dOptions = {}) {
    checkOptions('AvgPool1d', options, AVG_POOL1D_KEYS);
    super();
    this.kernelSize = kernelSize;
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.ceilMode = options.ceilMode ?? false;
    this.countIncludePad = options.countIncludePad ?? true;
  }

  override forward(x: Tensor): Tensor {
    return avgPool1d(x, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      ceilMode: this.ceilMode,
      countIncludePad: this.countIncludePad,
    });
  }

  override extraRepr(): string {
    return `kernel_size=${pyTuple([this.kernelSize])}, stride=${pyTuple([this.stride])}, padding=${pyTuple([this.padding])}`;
  }
}

/** Average pooling of `[N, C, L]` input to length `outputSize` (`torch.nn.AdaptiveAvgPool1d`). */
export class AdaptiveAvgPool1d extends Module {
  constructor(
    /** Output length. */
    readonly outputSize: number,
  ) {
    super();
  }

  override forward(x: Tensor): Tensor {
    return adaptiveAvgPool1d(x, this.outputSize);
  }

  override extraRepr(): string {
    return `output_size=${this.outputSize}`;
  }
}

/** Options of the adaptive max-pooling layers. */
export interface AdaptiveMaxPoolOptions<R extends boolean = false> {
  /** Also return the index of each maximum (int32). */
  returnIndices?: R;
}
/** Max pooling of `[N, C, L]` input to length `outputSize` (`torch.nn.AdaptiveMaxPool1d`). */
export class AdaptiveMaxPool1d<R extends boolean = false> extends Module {
  /** Whether forward also returns the indices. */
  readonly returnIndices: R;

  constructor(
    /** Output length. */
    readonly outputSize: number,
    options: AdaptiveMaxPoolOptions<R> = {},
  ) {
    checkOptions('AdaptiveMaxPool1d', options, ADAPTIVE_MAX_POOL_KEYS);
    super();
    this.returnIndices = (options.returnIndices ?? false) as R;
  }

  override forward(x: Tensor): MaxPoolOutput<R> {
    const { values, indices } = adaptiveMaxPool1dWithIndices(x, this.outputSize);
    return (this.returnIndices ? [values, indices] : values) as MaxPoolOutput<R>;
  }

  override extraRepr(): string {
    return `output_size=${this.outputSize}`;
  }
}
