import { checkOptions, empty, ShapeError, type Tensor } from '@nn/tensor';
import {
  celu,
  elu,
  type GeluApproximate,
  gelu,
  glu,
  hardshrink,
  hardsigmoid,
  hardswish,
  hardtanh,
  type InplaceOptions,
  leakyRelu,
  logsigmoid,
  mish,
  prelu,
  relu,
  relu6,
  rrelu,
  type SoftplusOptions,
  selu,
  sigmoid,
  silu,
  softmin,
  softplus,
  softshrink,
  softsign,
  tanh,
  tanhshrink,
  threshold,
} from '../functional/activation';
import { logSoftmax, softmax } from '../functional/softmax';
import { constant_ } from '../init';
import { Module } from '../module/module';
import { Parameter } from '../module/parameter';
import { pyFloat } from '../module/repr';
import { FACTORY_KEYS, GELU_KEYS, INPLACE_KEYS, SOFTPLUS_KEYS } from '../utils/option-keys';
import { type FactoryOptions, factoryOptions } from './linear';

/**
 * An activation with torch's `inplace` flag: with `{ inplace: true }` forward writes the result into its
 * input and returns it (see {@link F.InplaceOptions}); shown in the repr only when set, as PyTorch.
 */
abstract class InplaceActivation extends Module {
  /** Whether forward overwrites its input. */
  readonly inplace: boolean;

  constructor(options: InplaceOptions) {
    super();
    checkOptions(this.constructor.name, options, INPLACE_KEYS);
    this.inplace = options.inplace ?? false;
  }

  override extraRepr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
}

/** max(0, x) (`torch.nn.ReLU`); `{ inplace: true }` overwrites the input. */
export class ReLU extends InplaceActivation {
  constructor(options: InplaceOptions = {}) {
    super(options);
  }

  override forward(x: Tensor): Tensor {
    return this.inplace ? x.relu_() : relu(x);
  }
}

/** x for x > 0, `negativeSlope * x` otherwise (`torch.nn.LeakyReLU`, default slope 0.01). */
export class LeakyReLU extends Module {
  constructor(
    /** Slope for negative inputs. */
    readonly negativeSlope = 0.01,
  ) {
    super();
  }

  override forward(x: Tensor): Tensor {
    return leakyRelu(x, this.negativeSlope);
  }

  override extraRepr(): string {
    return `negative_slope=${this.negativeSlope}`;
  }
}

/**
 * Leaky ReLU with a learned slope (`torch.nn.PReLU`): one shared slope, or one per channel (dim 1) with
 * `numParameters` = channels; initialised to `init` (0.25).
 */
export class PReLU extends Module {
  /** Number of learned slopes: 1, or the channel count. */
  readonly numParameters: number;
  /** The learned negative slopes, `[numParameters]`. */
  weight: Parameter;

  constructor(numParameters = 1, init = 0.25, options: FactoryOptions = {}) {
    checkOptions('PReLU', options, FACTORY_KEYS);
    super();
    this.numParameters = numParameters;
    this.weight = new Parameter(constant_(empty([numParameters], factoryOptions(options)), init));
  }

  override forward(x: Tensor): Tensor {
    return prelu(x, this.weight);
  }

  override extraRepr(): string {
    return `num_parameters=${this.numParameters}`;
  }
}

/** x for x > 0, `alpha * (exp(x) - 1)` otherwise (`torch.nn.ELU`, alpha 1). */
export class ELU extends Module {
  constructor(
    /** Scale of the negative saturation value. */
    readonly alpha = 1,
  ) {
    super();
  }

  override forward(x: Tensor): Tensor {
    return elu(x, this.alpha);
  }

  override extraRepr(): string {
    return `alpha=${pyFloat(this.alpha)}`;
  }
}

/** Scaled ELU with the self-normalising constants (`torch.nn.SELU`). */
export class SELU extends Module {
  override forward(x: Tensor): Tensor {
    return selu(x);
  }
}

/** Gaussian error linear unit, exact (`'none'`) or tanh-approximated (`torch.nn.GELU`). */
export class GELU extends Module {
  /** `'none'` (exact, with erf) or `'tanh'` (the tanh approximation). */
  readonly approximate: GeluApproximate;

  constructor(options: { approximate?: GeluApproximate } = {}) {
    checkOptions('GELU', options, GELU_KEYS);
    super();
    this.approximate = options.approximate ?? 'none';
  }

  override forward(x: Tensor): Tensor {
    return gelu(x, { approximate: this.approximate });
  }

  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

/** `x * sigmoid(x)` (`torch.nn.SiLU`). */
export class SiLU extends InplaceActivation {
  constructor(options: InplaceOptions = {}) {
    super(options);
  }

  override forward(x: Tensor): Tensor {
    return silu(x, { inplace: this.inplace });
  }
}

/** `x * tanh(softplus(x))` (`torch.nn.Mish`). */
export class Mish extends InplaceActivation {
  constructor(options: InplaceOptions = {}) {
    super(options);
  }

  override forward(x: Tensor): Tensor {
    return mish(x, { inplace: this.inplace });
  }
}

/** The logistic function (`torch.nn.Sigmoid`). */
export class Sigmoid extends Module {
  override forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

/** Hyperbolic tangent (`torch.nn.Tanh`). */
export class Tanh extends Module {
  override forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

/** x clamped to [minVal, maxVal] (`torch.nn.Hardtanh`, defaults -1, 1). */
export class Hardtanh extends InplaceActivation {
  constructor(
    /** Lower bound. */
    readonly minVal = -1,
    /** Upper bound. */
    readonly maxVal = 1,
    options: InplaceOptions = {},
  ) {
    super(options);
  }

  override forward(x: Tensor): Tensor {
    return hardtanh(x, this.minVal, this.maxVal, { inplace: this.inplace });
  }

  override extraRepr(): string {
    const inplace = this.inplace ? ', inplace=True' : '';
    return `min_val=${pyFloat(this.minVal)}, max_val=${pyFloat(this.maxVal)}${inplace}`;
  }
}

/** `log(1 + exp(beta x)) / beta`, linear above `threshold` (`torch.nn.Softplus`, beta 1, threshold 20). */
export class Softplus extends Module {
  constructor(
    /** `beta` (default 1) and the linear `threshold` (default 20), as {@link F.softplus}. */
    readonly options: SoftplusOptions = {},
  ) {
    checkOptions('Softplus', options, SOFTPLUS_KEYS);
    super();
  }

  override forward(x: Tensor): Tensor {
    return softplus(x, this.options);
  }

  override extraRepr(): string {
    return `beta=${this.options.beta ?? 1}, threshold=${this.options.threshold ?? 20}`;
  }
}

/** What Softmax and LogSoftmax share: the dimension they normalise along, shown in the repr. */
abstract class AlongDim extends Module {
  constructor(
    /** The dimension the values are normalised along. */
    readonly dim: number,
  ) {
    super();
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** Softmax along `dim` (`torch.nn.Softmax`). */
export class Softmax extends AlongDim {
  override forward(x: Tensor): Tensor {
    return softmax(x, this.dim);
  }
}

/** Log-softmax along `dim`, computed stably (`torch.nn.LogSoftmax`). */
export class LogSoftmax extends AlongDim {
  override forward(x: Tensor): Tensor {
    return logSoftmax(x, this.dim);
  }
}

/**
 * `min(max(x, 0), 6)` (`torch.nn.ReLU6`); gradient 0 at 0 and at 6.
 *
 * @example
 * ```ts
 * const act = new ReLU6();
 * act.forward(tensor([-1, 3, 8])); // [0, 3, 6]
 * ```
 */
export class ReLU6 extends InplaceActivation {
  constructor(options: InplaceOptions = {}) {
    super(options);
  }

  override forward(x: Tensor): Tensor {
    return relu6(x, { inplace: this.inplace });
  }
}

/** `x * relu6(x + 3) / 6` (`torch.nn.Hardswish`, MobileNetV3). */
export class Hardswish extends InplaceActivation {
  constructor(options: InplaceOptions = {}) {
    super(options);
  }

  override forward(x: Tensor): Tensor {
    return hardswish(x, { inplace: this.inplace });
  }

  // torch's Hardswish and Hardsigmoid print no inplace flag
  override extraRepr(): string {
    return '';
  }
}

/** `relu6(x + 3) / 6` (`torch.nn.Hardsigmoid`). */
export class Hardsigmoid extends InplaceActivation {
  constructor(options: InplaceOptions = {}) {
    super(options);
  }

  override forward(x: Tensor): Tensor {
    return hardsigmoid(x, { inplace: this.inplace });
  }

  override extraRepr(): string {
    return '';
  }
}

/** `x` where `x > threshold`, else `value` (`torch.nn.Threshold`). */
export class Threshold extends InplaceActivation {
  constructor(
    /** Values at or below it are replaced. */
    readonly threshold: number,
    /** The replacement. */
    readonly value: number,
    options: InplaceOptions = {},
  ) {
    super(options);
  }

  override forward(x: Tensor): Tensor {
    return threshold(x, this.threshold, this.value, { inplace: this.inplace });
  }

  override extraRepr(): string {
    const inplace = this.inplace ? ', inplace=True' : '';
    return `threshold=${this.threshold}, value=${this.value}${inplace}`;
  }
}

/** `x` for x > 0, `alpha * (exp(x / alpha) - 1)` otherwise (`torch.nn.CELU`, alpha 1). */
export class CELU extends InplaceActivation {
  constructor(
    /** The negative saturation value, and the scale of the input below 0 (not 0). */
    readonly alpha = 1,
    options: InplaceOptions = {},
  ) {
    super(options);
  }

  override forward(x: Tensor): Tensor {
    return celu(x, this.alpha, { inplace: this.inplace });
  }

  override extraRepr(): string {
    return `alpha=${pyFloat(this.alpha)}${this.inplace ? ', inplace=True' : ''}`;
  }
}

/**
 * Randomized leaky ReLU (`torch.nn.RReLU`): in training mode each `x <= 0` gets its own slope drawn from
 * [lower, upper] (defaults 1/8, 1/3); in eval mode the slope is `(lower + upper) / 2`.
 */
export class RReLU extends InplaceActivation {
  constructor(
    /** Lower bound of the slope. */
    readonly lower = 1 / 8,
    /** Upper bound of the slope. */
    readonly upper = 1 / 3,
    options: InplaceOptions = {},
  ) {
    super(options);
  }

  override forward(x: Tensor): Tensor {
    return rrelu(x, {
      lower: this.lower,
      upper: this.upper,
      training: this.training,
      inplace: this.inplace,
    });
  }

  override extraRepr(): string {
    const inplace = this.inplace ? ', inplace=True' : '';
    return `lower=${pyFloat(this.lower)}, upper=${pyFloat(this.upper)}${inplace}`;
  }
}

/** What Hardshrink and Softshrink share: `lambd`, shown in the repr. */
abstract class Shrink extends Module {
  constructor(
    /** Half-width of the band mapped to 0 (default 0.5). */
    readonly lambd = 0.5,
  ) {
    super();
  }

  override extraRepr(): string {
    return pyFloat(this.lambd);
  }
}

/** 0 on [-lambd, lambd], `x` elsewhere (`torch.nn.Hardshrink`). */
export class Hardshrink extends Shrink {
  override forward(x: Tensor): Tensor {
    return hardshrink(x, this.lambd);
  }
}

/** Shrinks `x` toward 0 by `lambd`, 0 on [-lambd, lambd] (`torch.nn.Softshrink`). */
export class Softshrink extends Shrink {
  override forward(x: Tensor): Tensor {
    return softshrink(x, this.lambd);
  }
}

/** `log(sigmoid(x))`, stable for large negative x (`torch.nn.LogSigmoid`). */
export class LogSigmoid extends Module {
  override forward(x: Tensor): Tensor {
    return logsigmoid(x);
  }
}

/** `x / (1 + |x|)` (`torch.nn.Softsign`). */
export class Softsign extends Module {
  override forward(x: Tensor): Tensor {
    return softsign(x);
  }
}

/** `x - tanh(x)` (`torch.nn.Tanhshrink`). */
export class Tanhshrink extends Module {
  override forward(x: Tensor): Tensor {
    return tanhshrink(x);
  }
}

/** Gated linear unit along `dim` (`torch.nn.GLU`, dim -1): the first half times sigmoid of the second. */
export class GLU extends Module {
  constructor(
    /** The dimension split in halves (its size must be even). */
    readonly dim = -1,
  ) {
    super();
  }

  override forward(x: Tensor): Tensor {
    return glu(x, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** `softmax(-x)` along `dim` (`torch.nn.Softmin`). */
export class Softmin extends AlongDim {
  override forward(x: Tensor): Tensor {
    return softmin(x, this.dim);
  }
}

/** Softmax over the channels of `[N, C, H, W]` or `[C, H, W]` input, at every position (`torch.nn.Softmax2d`). */
export class Softmax2d extends Module {
  override forward(x: Tensor): Tensor {
    if (x.ndim !== 3 && x.ndim !== 4) {
      throw new ShapeError(
        'Softmax2d',
        `Softmax2d requires a 3D or 4D tensor as input, got shape [${x.shape.join(',')}]`,
      );
    }
    return softmax(x, -3);
  }
}
