import { checkOptions, empty, pad, shapeSize, type Tensor, ValueError } from '@nn/tensor';
import { conv1d, conv2d, convTranspose1d, convTranspose2d } from '../functional/conv';
import { conv3d } from '../functional/conv3d';
import { Module } from '../module/module';
import { Parameter } from '../module/parameter';
import { pyTuple } from '../module/repr';
import { CONV_KEYS, CONV_TRANSPOSE_KEYS } from '../utils/option-keys';
import { factoryOptions, type LayerOptions, resetWeightAndBias } from './linear';

/**
 * How {@link Conv1d}/{@link Conv2d} pad their input (PyTorch's `padding_mode`): with zeros inside the
 * convolution, or by `pad` with that mode before an unpadded convolution.
 */
export type ConvPaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

const PADDING_MODES: readonly ConvPaddingMode[] = ['zeros', 'reflect', 'replicate', 'circular'];

/** Options of the convolution layers (PyTorch's keyword arguments; sizes as one number or one per dim). */
export interface ConvOptions extends LayerOptions {
  /** Step of the kernel over the input (default 1). */
  stride?: number | readonly number[];
  /** Padding per side, or `'valid'` (none) / `'same'` (output size = input size; stride 1 only). */
  padding?: number | readonly number[] | 'valid' | 'same';
  /** Spacing between kernel taps (default 1). */
  dilation?: number | readonly number[];
  /** Split channels into groups convolved separately (default 1). */
  groups?: number;
  /**
   * What the padding holds: `'zeros'` (default), or the input mirrored (`'reflect'`), its edge repeated
   * (`'replicate'`) or wrapped around (`'circular'`).
   */
  paddingMode?: ConvPaddingMode;
}

/** Options of {@link ConvTranspose2d}. */
export interface ConvTransposeOptions extends LayerOptions {
  /** Step of the kernel (default 1). */
  stride?: number | readonly number[];
  /** `dilation * (kernel - 1) - padding` zero padding is added per side of the input (default 0). */
  padding?: number | readonly number[];
  /** Extra size added to one side of the output (smaller than stride or dilation). */
  outputPadding?: number | readonly number[];
  /** Spacing between kernel taps (default 1). */
  dilation?: number | readonly number[];
  /** Split channels into groups convolved separately (default 1). */
  groups?: number;
  /** Only `'zeros'` (PyTorch's default) is supported. */
  paddingMode?: 'zeros';
}

function tuple(op: string, name: string, v: number | readonly number[], n: number): number[] {
  const t = typeof v === 'number' ? Array<number>(n).fill(v) : [...v];
  if (t.length !== n || !t.every((x) => Number.isInteger(x) && x >= 0)) {
    throw new ValueError(op, `${name} must be a non-negative integer or ${n} of them, got ${String(v)}`);
  }
  return t;
}

function pair(v: readonly number[]): [number, number] {
  return [v[0]!, v[1]!];
}

function triple(v: readonly number[]): [number, number, number] {
  return [v[0]!, v[1]!, v[2]!];
}

/** PyTorch's check that each output padding is below its dim's stride or dilation. */
function checkOutputPadding(op: string, conv: ConvNd): void {
  if (conv.outputPadding.some((p, i) => p >= Math.max(conv.stride[i]!, conv.dilation[i]!))) {
    throw new ValueError(
      op,
      `output_padding ${pyTuple(conv.outputPadding)} must be smaller than either stride ${pyTuple(conv.stride)} or dilation ${pyTuple(conv.dilation)}`,
    );
  }
}

/** What Conv1d/Conv2d/ConvTranspose2d share: sizes, weights, PyTorch's init and repr. */
abstract class ConvNd extends Module {
  /** Channels of the input. */
  readonly inChannels: number;
  /** Channels of the output. */
  readonly outChannels: number;
  /** Kernel size per spatial dim. */
  readonly kernelSize: number[];
  /** Stride per spatial dim. */
  readonly stride: number[];
  /** Padding per spatial dim, or `'valid'`/`'same'`. */
  readonly padding: number[] | 'valid' | 'same';
  /** Dilation per spatial dim. */
  readonly dilation: number[];
  /** Extra output size per spatial dim (transposed convolutions; zeros otherwise). */
  readonly outputPadding: number[];
  /** Channel groups convolved separately. */
  readonly groups: number;
  /** What the padding holds (always `'zeros'` for transposed convolutions). */
  readonly paddingMode: ConvPaddingMode;
  /** The kernels: `[out, in / groups, ...kernelSize]` (`[in, out / groups, ...]` when transposed). */
  weight: Parameter;
  /** Per-output-channel bias `[out]`, or null with `bias: false`. */
  bias: Parameter | null;

  constructor(
    dims: number,
    transposed: boolean,
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly number[],
    options: ConvOptions & { outputPadding?: number | readonly number[] },
  ) {
    super();
    const op = this.constructor.name;
    const paddingMode = options.paddingMode ?? 'zeros';
    if (transposed && paddingMode !== 'zeros') {
      throw new ValueError(op, `Only "zeros" padding mode is supported for ${op}`);
    }
    const groups = options.groups ?? 1;
    if (!Number.isInteger(groups) || groups <= 0)
      throw new ValueError(op, `groups must be a positive integer, got ${groups}`);
    if (inChannels % groups !== 0)
      throw new ValueError(op, `in_channels (${inChannels}) must be divisible by groups (${groups})`);
    if (outChannels % groups !== 0)
      throw new ValueError(op, `out_channels (${outChannels}) must be divisible by groups (${groups})`);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = tuple(op, 'kernel_size', kernelSize, dims);
    this.stride = tuple(op, 'stride', options.stride ?? 1, dims);
    const padding = options.padding ?? 0;
    if (typeof padding === 'string') {
      if (padding !== 'valid' && padding !== 'same') {
        throw new ValueError(op, `invalid padding string '${padding}', should be one of 'valid', 'same'`);
      }
      if (padding === 'same' && this.stride.some((s) => s !== 1)) {
        throw new ValueError(op, "padding='same' is not supported for strided convolutions");
      }
      this.padding = padding;
    } else {
      this.padding = tuple(op, 'padding', padding, dims);
    }
    if (!PADDING_MODES.includes(paddingMode)) {
      throw new ValueError(
        op,
        `padding_mode must be one of ${PADDING_MODES.map((m) => `'${m}'`).join(', ')}, but got padding_mode='${String(paddingMode)}'`,
      );
    }
    this.paddingMode = paddingMode;
    this.dilation = tuple(op, 'dilation', options.dilation ?? 1, dims);
    this.outputPadding = tuple(op, 'output_padding', options.outputPadding ?? 0, dims);
    this.groups = groups;
    const f = factoryOptions(options);
    const channels = transposed ? [inChannels, outChannels / groups] : [outChannels, inChannels / groups];
    this.weight = new Parameter(empty([...channels, ...this.kernelSize], f));
    this.bias = (options.bias ?? true) ? new Parameter(empty([outChannels], f)) : null;
    this.resetParameters();
  }

  /** Re-draws the weights with PyTorch's default init (He uniform, a = sqrt(5); bias from the fan-in). */
  resetParameters(): void {
    const receptive = shapeSize(this.kernelSize);
    resetWeightAndBias(this.weight, this.bias, this.weight.shape[1]! * receptive);
  }

  /**
   * What to convolve, and with which padding: zeros pad inside the convolution; other modes pad the input
   * first (PyTorch's `F.pad(input, _reversed_padding_repeated_twice, padding_mode)`) and convolve unpadded.
   * `'same'` splits each dim's `dilation * (kernel - 1)` with the odd element after, as PyTorch.
   */
  protected paddedInput(x: Tensor): { input: Tensor; padding: number[] | 'valid' | 'same' } {
    const mode = this.paddingMode;
    if (mode === 'zeros') return { input: x, padding: this.padding };
    const padding = this.padding;
    const perDim = this.kernelSize.map((k, d) => {
      if (padding === 'valid') return [0, 0];
      if (padding === 'same') {
        const total = this.dilation[d]! * (k - 1);
        return [Math.floor(total / 2), total - Math.floor(total / 2)];
      }
      return [padding[d]!, padding[d]!];
    });
    // pad lists amounts from the last dim.
    return { input: pad(x, perDim.reverse().flat(), mode), padding: perDim.map(() => 0) };
  }

  /**
   * A transposed convolution's output padding: the configured one, or the one giving `outputSize` (spatial
   * sizes, optionally with the batch and channel dims in front), checked as PyTorch's `_output_padding`.
   */
  protected outputPaddingFor(x: Tensor, outputSize: readonly number[] | undefined): number[] {
    if (outputSize === undefined) return this.outputPadding;
    const op = this.constructor.name;
    const dims = this.kernelSize.length;
    const spatial = x.shape.slice(-dims);
    const sizes = outputSize.length > dims ? outputSize.slice(x.ndim - dims) : [...outputSize];
    if (sizes.length !== dims || (outputSize.length > dims && outputSize.length !== x.ndim)) {
      throw new ValueError(
        op,
        `for ${x.ndim}D input, output_size must have ${dims} or ${x.ndim} elements (got ${outputSize.length})`,
      );
    }
    const padding = this.padding as number[];
    const min = spatial.map(
      (n, d) =>
        (n - 1) * this.stride[d]! - 2 * padding[d]! + this.dilation[d]! * (this.kernelSize[d]! - 1) + 1,
    );
    const max = min.map((m, d) => m + this.stride[d]! - 1);
    if (sizes.some((size, d) => size < min[d]! || size > max[d]!)) {
      throw new ValueError(
        op,
        `requested an output size of ${pyTuple(sizes)}, but valid sizes range from ${pyTuple(min)} to ` +
          `${pyTuple(max)} (for an input of ${pyTuple(spatial)})`,
      );
    }
    return sizes.map((size, d) => size - min[d]!);
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyTuple(this.kernelSize)}, stride=${pyTuple(this.stride)}`;
    if (typeof this.padding === 'string') s += `, padding=${this.padding}`;
    else if (this.padding.some((p) => p !== 0)) s += `, padding=${pyTuple(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${pyTuple(this.dilation)}`;
    if (this.outputPadding.some((p) => p !== 0)) s += `, output_padding=${pyTuple(this.outputPadding)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=False';
    if (this.paddingMode !== 'zeros') s += `, padding_mode=${this.paddingMode}`;
    return s;
  }
}

/** 1-D convolution over `[N, C, L]` input (`torch.nn.Conv1d`); weight `[out, in / groups, k]`. */
export class Conv1d extends ConvNd {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly number[],
    options: ConvOptions = {},
  ) {
    checkOptions('Conv1d', options, CONV_KEYS);
    super(1, false, inChannels, outChannels, kernelSize, options);
  }

  /** Convolves `[N, C, L]` (or unbatched `[C, L]`) input. */
  override forward(x: Tensor): Tensor {
    const { input, padding } = this.paddedInput(x);
    return conv1d(input, this.weight, this.bias, {
      stride: this.stride[0]!,
      padding: typeof padding === 'string' ? padding : padding[0]!,
      dilation: this.dilation[0]!,
      groups: this.groups,
    });
  }
}

/**
 * 2-D convolution over `[N, C, H, W]` input (`torch.nn.Conv2d`); weight `[out, in / groups, kH, kW]`.
 *
 * @example
 * ```ts
 * import { Conv2d } from '@nn/nn';
 * import { randn } from '@nn/tensor';
 *
 * const conv = new Conv2d(1, 32, 3, { stride: 1, padding: 1 });
 * console.log(conv.call(randn([8, 1, 28, 28])).shape); // [ 8, 32, 28, 28 ]
 * ```
 */
export class Conv2d extends ConvNd {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly number[],
    options: ConvOptions = {},
  ) {
    checkOptions('Conv2d', options, CONV_KEYS);
    super(2, false, inChannels, outChannels, kernelSize, options);
  }

  /** Convolves `[N, C, H, W]` (or unbatched `[C, H, W]`) input. */
  override forward(x: Tensor): Tensor {
    const { input, padding } = this.paddedInput(x);
    return conv2d(input, this.weight, this.bias, {
      stride: pair(this.stride),
      padding: typeof padding === 'string' ? padding : pair(padding),
      dilation: pair(this.dilation),
      groups: this.groups,
    });
  }
}

/**
 * Transposed 2-D convolution (the gradient of Conv2d with respect to its input; `torch.nn.ConvTranspose2d`);
 * weight `[in, out / groups, kH, kW]`.
 */
export class ConvTranspose2d extends ConvNd {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly number[],
    options: ConvTransposeOptions = {},
  ) {
    checkOptions('ConvTranspose2d', options, CONV_TRANSPOSE_KEYS);
    super(2, true, inChannels, outChannels, kernelSize, options);
    checkOutputPadding('ConvTranspose2d', this);
  }

  /**
   * Applies the transposed convolution to `[N, C, H, W]` (or unbatched `[C, H, W]`) input; `outputSize`
   * (`[H, W]`) picks among the sizes a strided convolution maps to the input's, as PyTorch's `output_size`.
   */
  override forward(x: Tensor, outputSize?: readonly number[]): Tensor {
    return convTranspose2d(x, this.weight, this.bias, {
      stride: pair(this.stride),
      padding: pair(this.padding as number[]),
      outputPadding: pair(this.outputPaddingFor(x, outputSize)),
      dilation: pair(this.dilation),
      groups: this.groups,
    });
  }
}

/**
 * Transposed 1-D convolution (the gradient of Conv1d with respect to its input;
 * `torch.nn.ConvTranspose1d`); weight `[in, out / groups, k]`.
 */
export class ConvTranspose1d extends ConvNd {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly number[],
    options: ConvTransposeOptions = {},
  ) {
    checkOptions('ConvTranspose1d', options, CONV_TRANSPOSE_KEYS);
    super(1, true, inChannels, outChannels, kernelSize, options);
    checkOutputPadding('ConvTranspose1d', this);
  }

  /**
   * Applies the transposed convolution to `[N, C, L]` (or unbatched `[C, L]`) input; `outputSize` (`[L]`)
   * picks among the lengths a strided convolution maps to the input's, as PyTorch's `output_size`.
   */
  override forward(x: Tensor, outputSize?: readonly number[]): Tensor {
    return convTranspose1d(x, this.weight, this.bias, {
      stride: this.stride[0]!,
      padding: (this.padding as number[])[0]!,
      outputPadding: this.outputPaddingFor(x, outputSize)[0]!,
      dilation: this.dilation[0]!,
      groups: this.groups,
    });
  }
}

/**
 * 3-D convolution over `[N, C, D, H, W]` input (`torch.nn.Conv3d`); weight `[out, in / groups, kD, kH, kW]`.
 *
 * @example
 * ```ts
 * import { Conv3d } from '@nn/nn';
 * import { randn } from '@nn/tensor';
 *
 * const conv = new Conv3d(1, 4, 3, { padding: 1 });
 * console.log(conv.call(randn([2, 1, 5, 8, 8])).shape); // [ 2, 4, 5, 8, 8 ]
 * ```
 */
export class Conv3d extends ConvNd {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly number[],
    options: ConvOptions = {},
  ) {
    checkOptions('Conv3d', options, CONV_KEYS);
    super(3, false, inChannels, outChannels, kernelSize, options);
  }

  /** Convolves `[N, C, D, H, W]` (or unbatched `[C, D, H, W]`) input. */
  override forward(x: Tensor): Tensor {
    const { input, padding } = this.paddedInput(x);
    return conv3d(input, this.weight, this.bias, {
      stride: triple(this.stride),
      padding: typeof padding === 'string' ? padding : triple(padding),
      dilation: triple(this.dilation),
      groups: this.groups,
    });
  }
}
