import { checkOptions, empty, type Tensor } from '@nn/tensor';
import {
  elu,
  type GeluApproximate,
  gelu,
  hardtanh,
  leakyRelu,
  mish,
  prelu,
  relu,
  type SoftplusOptions,
  selu,
  sigmoid,
  silu,
  softplus,
  tanh,
} from '../functional/activation';
import { logSoftmax, softmax } from '../functional/softmax';
import { constant_ } from '../init';
import { Module } from '../module/module';
import { Parameter } from '../module/parameter';
import { pyFloat } from '../module/repr';
import { FACTORY_KEYS, GELU_KEYS, SOFTPLUS_KEYS } from '../utils/option-keys';
import { type FactoryOptions, factoryOptions } from './linear';

/** max(0, x) (`torch.nn.ReLU`). */
export class ReLU extends Module {
  override forward(x: Tensor): Tensor {
    return relu(x);
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
export class SiLU extends Module {
  override forward(x: Tensor): Tensor {
    return silu(x);
  }
}

/** `x * tanh(softplus(x))` (`torch.nn.Mish`). */
export class Mish extends Module {
  override forward(x: Tensor): Tensor {
    return mish(x);
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
export class Hardtanh extends Module {
  constructor(
    /** Lower bound. */
    readonly minVal = -1,
    /** Upper bound. */
    readonly maxVal = 1,
  ) {
    super();
  }

  override forward(x: Tensor): Tensor {
    return hardtanh(x, this.minVal, this.maxVal);
  }

  override extraRepr(): string {
    return `min_val=${pyFloat(this.minVal)}, max_val=${pyFloat(this.maxVal)}`;
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
