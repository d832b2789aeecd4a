import { checkOptions, empty, ShapeError, type Tensor, ValueError, zeros } from '@nn/tensor';
import {
  batchNorm,
  groupNorm,
  instanceNorm,
  type LocalResponseNormOptions,
  layerNorm,
  localResponseNorm,
} from '../functional/normalization';
import { ones_, zeros_ } from '../init';
import { Module } from '../module/module';
import { Parameter } from '../module/parameter';
import { pyBool, pyFloat, pyTuple } from '../module/repr';
import {
  BATCH_NORM_KEYS,
  GROUP_NORM_KEYS,
  LAYER_NORM_KEYS,
  LOCAL_RESPONSE_NORM_KEYS,
} from '../utils/option-keys';
import { type FactoryOptions, factoryOptions } from './linear';

/** Options of {@link BatchNorm1d} / {@link BatchNorm2d} / {@link BatchNorm3d}, PyTorch's keyword arguments. */
export interface BatchNormOptions extends FactoryOptions {
  /** Added to the variance for stability (default 1e-5). */
  eps?: number;
  /** Weight of each new batch in the running averages (default 0.1); `null` for a cumulative average. */
  momentum?: number | null;
  /** Learn a per-channel scale and shift (default true). */
  affine?: boolean;
  /** Keep running statistics for eval mode (default true); without them eval uses batch statistics. */
  trackRunningStats?: boolean;
}

/**
 * The state shared by batch and instance normalisation (PyTorch's `_NormBase`). Buffers keep PyTorch's
 * names (`running_mean`, `running_var`, `num_batches_tracked`) so state-dict keys match; `runningMean`
 * etc. read them.
 */
abstract class NormBase extends Module {
  /** Channels `C` of the input. */
  readonly numFeatures: number;
  /** Added to the variance for stability. */
  readonly eps: number;
  /** Weight of each new batch in the running averages; null for a cumulative average. */
  readonly momentum: number | null;
  /** Whether `weight` and `bias` are learned. */
  readonly affine: boolean;
  /** Whether running statistics are kept for eval mode. */
  readonly trackRunningStats: boolean;
  /** Per-channel scale `[C]` (initialised to 1), or null without `affine`. */
  weight: Parameter | null;
  /** Per-channel shift `[C]` (initialised to 0), or null without `affine`. */
  bias: Parameter | null;
  /** Running mean per channel (a buffer), or null without `trackRunningStats`. */
  declare running_mean: Tensor | null;
  /** Running unbiased variance per channel (a buffer), or null without `trackRunningStats`. */
  declare running_var: Tensor | null;
  /** Batches seen in training (an int32 buffer), or null without `trackRunningStats`. */
  declare num_batches_tracked: Tensor | null;

  /** `defaults` are the layer family's `affine` / `trackRunningStats` (true for batch norm, false for instance norm). */
  constructor(
    numFeatures: number,
    options: BatchNormOptions,
    defaults: { affine: boolean; trackRunningStats: boolean },
  ) {
    checkOptions(new.target.name, options, BATCH_NORM_KEYS);
    super();
    this.numFeatures = numFeatures;
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    this.affine = options.affine ?? defaults.affine;
    this.trackRunningStats = options.trackRunningStats ?? defaults.trackRunningStats;
    const f = factoryOptions(options);
    this.weight = this.affine ? new Parameter(ones_(empty([numFeatures], f))) : null;
    this.bias = this.affine ? new Parameter(zeros([numFeatures], f)) : null;
    const tracked = this.trackRunningStats;
    this.registerBuffer('running_mean', tracked ? zeros([numFeatures], f) : null);
    this.registerBuffer('running_var', tracked ? ones_(empty([numFeatures], f)) : null);
    this.registerBuffer(
      'num_batches_tracked',
      tracked ? zeros([], { dtype: 'int32', ...(options.device ? { device: options.device } : {}) }) : null,
    );
  }

  /** The running mean (`running_mean`), or null without `trackRunningStats`. */
  get runningMean(): Tensor | null {
    return this.running_mean;
  }

  /** The running variance (`running_var`), or null without `trackRunningStats`. */
  get runningVar(): Tensor | null {
    return this.running_var;
  }

  /** Batches seen in training (`num_batches_tracked`), or null without `trackRunningStats`. */
  get numBatchesTracked(): Tensor | null {
    return this.num_batches_tracked;
  }

  /** Resets the running statistics to mean 0, variance 1 and the batch count to 0. */
  resetRunningStats(): void {
    if (this.running_mean) zeros_(this.running_mean);
    if (this.running_var) ones_(this.running_var);
    if (this.num_batches_tracked) zeros_(this.num_batches_tracked);
  }

  /** Resets the running statistics and the affine parameters (scale 1, shift 0). */
  resetParameters(): void {
    this.resetRunningStats();
    if (this.weight) ones_(this.weight);
    if (this.bias) zeros_(this.bias);
  }

  override extraRepr(): string {
    const momentum = this.momentum === null ? 'None' : pyFloat(this.momentum);
    return (
      `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${momentum}, affine=${pyBool(this.affine)}, ` +
      `track_running_stats=${pyBool(this.trackRunningStats)}`
    );
  }
}

/** Batch normalisation over `[N, C, ...]` input: the shared forward of BatchNorm1d/2d/3d. */
abstract class BatchNormBase extends NormBase {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super(numFeatures, options, { affine: true, trackRunningStats: true });
  }

  /** Throws ShapeError for input of the wrong rank for this layer. */
  protected abstract checkInput(x: Tensor): void;

  override forward(x: Tensor): Tensor {
    this.checkInput(x);
    let factor = this.momentum ?? 0;
    if (this.training && this.trackRunningStats && this.num_batches_tracked) {
      this.num_batches_tracked.add_(1);
      if (this.momentum === null) factor = 1 / Number(this.num_batches_tracked.item());
    }
    const useBatchStats = this.training || (this.running_mean === null && this.running_var === null);
    const keepStats = !this.training || this.trackRunningStats;
    return batchNorm(x, keepStats ? this.running_mean : null, keepStats ? this.running_var : null, {
      weight: this.weight,
      bias: this.bias,
      training: useBatchStats,
      momentum: factor,
      eps: this.eps,
    });
  }
}

function expectDims(op: string, x: Tensor, dims: readonly number[], layout: string): void {
  if (!dims.includes(x.ndim)) {
    throw new ShapeError(
      op,
      `expected ${layout} input (got ${x.ndim}D input of shape [${x.shape.join(',')}])`,
    );
  }
}

/** Batch normalisation of `[N, C]` or `[N, C, L]` input (`torch.nn.BatchNorm1d`). */
export class BatchNorm1d extends BatchNormBase {
  protected override checkInput(x: Tensor): void {
    expectDims('BatchNorm1d', x, [2, 3], '2D or 3D');
  }
}

/**
 * Batch normalisation of `[N, C, H, W]` input per channel (`torch.nn.BatchNorm2d`).
 *
 * @example
 * ```ts
 * import { BatchNorm2d } from '@nn/nn';
 * import { randn } from '@nn/tensor';
 *
 * const bn = new BatchNorm2d(16);
 * bn.call(randn([8, 16, 12, 12])); // training: normalises with the batch's statistics, updates the running ones
 * bn.eval(); // evaluation: normalises with runningMean / runningVar
 * ```
 */
export class BatchNorm2d extends BatchNormBase {
  protected override checkInput(x: Tensor): void {
    expectDims('BatchNorm2d', x, [4], '4D');
  }
}

/** Batch normalisation of `[N, C, D, H, W]` volumes per channel (`torch.nn.BatchNorm3d`). */
export class BatchNorm3d extends BatchNormBase {
  protected override checkInput(x: Tensor): void {
    expectDims('BatchNorm3d', x, [5], '5D');
  }
}

/** Options of {@link InstanceNorm1d} / 2d / 3d: batch norm's, with a numeric `momentum`. */
export interface InstanceNormOptions extends Omit<BatchNormOptions, 'momentum'> {
  /** Weight of each new batch in the running averages (default 0.1). */
  momentum?: number;
}

/**
 * Instance normalisation shared by InstanceNorm1d/2d/3d (PyTorch's `_InstanceNorm`): `affine` and
 * `trackRunningStats` default to false; input without the batch dim is accepted, as PyTorch.
 */
abstract class InstanceNormBase extends NormBase {
  /** Dims of one instance `[C, ...spatial]` (input without the batch dim). */
  protected abstract readonly instanceDims: number;

  constructor(numFeatures: number, options: InstanceNormOptions = {}) {
    if (options.momentum === null) {
      throw new ValueError(
        new.target.name,
        'momentum=null (a cumulative average) is not supported by instance norm; give a number such as 0.1',
      );
    }
    super(numFeatures, options, { affine: false, trackRunningStats: false });
  }

  override forward(x: Tensor): Tensor {
    const name = this.constructor.name;
    const d = this.instanceDims;
    expectDims(name, x, [d, d + 1], `${d}D (unbatched) or ${d + 1}D`);
    const featureDim = x.ndim - d;
    if (x.shape[featureDim] !== this.numFeatures) {
      const what = `input's size at dim=${featureDim} (${x.shape[featureDim]}, input shape [${x.shape.join(',')}])`;
      if (this.affine) {
        throw new ValueError(name, `expected ${what} to match num_features (${this.numFeatures})`);
      }
      // PyTorch only warns: without affine parameters numFeatures is not used.
      console.warn(
        `${name}: ${what} does not match num_features (${this.numFeatures}); numFeatures is not used because affine=false`,
      );
    }
    const batched = x.ndim === d ? x.unsqueeze(0) : x;
    const y = instanceNorm(batched, this.running_mean, this.running_var, {
      weight: this.weight,
      bias: this.bias,
      useInputStats: this.training || !this.trackRunningStats,
      momentum: this.momentum ?? 0.1,
      eps: this.eps,
    });
    return x.ndim === d ? y.squeeze(0) : y;
  }
}

/**
 * Normalises each channel of each sample of `[N, C, L]` (or unbatched `[C, L]`) input over its length
 * (`torch.nn.InstanceNorm1d`).
 */
export class InstanceNorm1d extends InstanceNormBase {
  protected readonly instanceDims = 2;
}

/**
 * Normalises each channel of each image of `[N, C, H, W]` (or `[C, H, W]`) input over its pixels
 * (`torch.nn.InstanceNorm2d`), as style-transfer networks do.
 *
 * @example
 * ```ts
 * import { InstanceNorm2d } from '@nn/nn';
 * import { randn } from '@nn/tensor';
 *
 * const norm = new InstanceNorm2d(3, { affine: true });
 * console.log(Object.keys(norm.stateDict())); // [ 'weight', 'bias' ]
 * console.log(norm.call(randn([2, 3, 16, 16])).shape); // [ 2, 3, 16, 16 ]
 * ```
 */
export class InstanceNorm2d extends InstanceNormBase {
  protected readonly instanceDims = 3;
}

/** Normalises each channel of each volume of `[N, C, D, H, W]` (or `[C, D, H, W]`) input (`torch.nn.InstanceNorm3d`). */
export class InstanceNorm3d extends InstanceNormBase {
  protected readonly instanceDims = 4;
}

/**
 * Local response normalisation across neighbouring channels of `[N, C, ...]` input
 * (`torch.nn.LocalResponseNorm`, as in AlexNet): `x / (k + alpha / size * sum of squares) ** beta`.
 */
export class LocalResponseNorm extends Module {
  /** Channels in the window. */
  readonly size: number;
  /** Multiplier of the mean of squares. */
  readonly alpha: number;
  /** Exponent. */
  readonly beta: number;
  /** Additive constant. */
  readonly k: number;

  constructor(size: number, options: LocalResponseNormOptions = {}) {
    checkOptions('LocalResponseNorm', options, LOCAL_RESPONSE_NORM_KEYS);
    super();
    if (!Number.isInteger(size) || size < 1) {
      throw new ValueError('LocalResponseNorm', `size must be a positive integer, got ${size}`);
    }
    this.size = size;
    this.alpha = options.alpha ?? 1e-4;
    this.beta = options.beta ?? 0.75;
    this.k = options.k ?? 1;
  }

  override forward(x: Tensor): Tensor {
    return localResponseNorm(x, this.size, { alpha: this.alpha, beta: this.beta, k: this.k });
  }

  override extraRepr(): string {
    return `${this.size}, alpha=${pyFloat(this.alpha)}, beta=${pyFloat(this.beta)}, k=${pyFloat(this.k)}`;
  }
}

/** Options of {@link LayerNorm}. */
export interface LayerNormOptions extends FactoryOptions {
  /** Added to the variance for stability (default 1e-5). */
  eps?: number;
  /** Learn a scale and shift of `normalizedShape` (default true). */
  elementwiseAffine?: boolean;
}

/**
 * Normalises over the last dims, of shape `normalizedShape` (`torch.nn.LayerNorm`).
 *
 * @example
 * ```ts
 * import { LayerNorm } from '@nn/nn';
 * import { randn } from '@nn/tensor';
 *
 * const norm = new LayerNorm([64]); // over the last dim
 * console.log(norm.call(randn([2, 10, 64])).shape); // [ 2, 10, 64 ]
 * ```
 */
export class LayerNorm extends Module {
  /** The trailing dims normalised over. */
  readonly normalizedShape: number[];
  /** Added to the variance for stability. */
  readonly eps: number;
  /** Whether `weight` and `bias` are learned. */
  readonly elementwiseAffine: boolean;
  /** Scale of `normalizedShape` (initialised to 1), or null without `elementwiseAffine`. */
  weight: Parameter | null;
  /** Shift of `normalizedShape` (initialised to 0), or null without `elementwiseAffine`. */
  bias: Parameter | null;

  constructor(normalizedShape: number | readonly number[], options: LayerNormOptions = {}) {
    checkOptions('LayerNorm', options, LAYER_NORM_KEYS);
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    this.eps = options.eps ?? 1e-5;
    this.elementwiseAffine = options.elementwiseAffine ?? true;
    const f = factoryOptions(options);
    this.weight = this.elementwiseAffine ? new Parameter(ones_(empty(this.normalizedShape, f))) : null;
    this.bias = this.elementwiseAffine ? new Parameter(zeros(this.normalizedShape, f)) : null;
  }

  override forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `${pyTuple(this.normalizedShape)}, eps=${pyFloat(this.eps)}, elementwise_affine=${pyBool(this.elementwiseAffine)}`;
  }
}

/** Options of {@link GroupNorm}. */
export interface GroupNormOptions extends FactoryOptions {
  /** Added to the variance for stability (default 1e-5). */
  eps?: number;
  /** Learn a per-channel scale and shift (default true). */
  affine?: boolean;
}

/** Normalises groups of channels of `[N, C, ...]` input (`torch.nn.GroupNorm`). */
export class GroupNorm extends Module {
  /** Groups the channels are split into. */
  readonly numGroups: number;
  /** Channels `C` of the input (divisible by `numGroups`). */
  readonly numChannels: number;
  /** Added to the variance for stability. */
  readonly eps: number;
  /** Whether `weight` and `bias` are learned. */
  readonly affine: boolean;
  /** Per-channel scale `[C]` (initialised to 1), or null without `affine`. */
  weight: Parameter | null;
  /** Per-channel shift `[C]` (initialised to 0), or null without `affine`. */
  bias: Parameter | null;

  constructor(numGroups: number, numChannels: number, options: GroupNormOptions = {}) {
    checkOptions('GroupNorm', options, GROUP_NORM_KEYS);
    super();
    if (numChannels % numGroups !== 0) {
      throw new ValueError(
        'GroupNorm',
        `num_channels (${numChannels}) must be divisible by num_groups (${numGroups})`,
      );
    }
    this.numGroups = numGroups;
    this.numChannels = numChannels;
    this.eps = options.eps ?? 1e-5;
    this.affine = options.affine ?? true;
    const f = factoryOptions(options);
    this.weight = this.affine ? new Parameter(ones_(empty([numChannels], f))) : null;
    this.bias = this.affine ? new Parameter(zeros([numChannels], f)) : null;
  }

  override forward(x: Tensor): Tensor {
    return groupNorm(x, this.numGroups, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${pyFloat(this.eps)}, affine=${pyBool(this.affine)}`;
  }
}
