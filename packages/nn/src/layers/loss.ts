import { checkOptions, type Tensor } from '@nn/tensor';
import {
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  type CrossEntropyOptions,
  crossEntropy,
  huberLoss,
  type KLDivReduction,
  klDiv,
  l1Loss,
  mseLoss,
  nllLoss,
  type Reduction,
  smoothL1Loss,
} from '../functional/loss';
import { Module } from '../module/module';
import {
  BCE_KEYS,
  BCE_LOGITS_KEYS,
  CLASS_LOSS_MODULE_KEYS,
  CROSS_ENTROPY_KEYS,
  HUBER_KEYS,
  KL_DIV_KEYS,
  LOSS_MODULE_KEYS,
  SMOOTH_L1_KEYS,
} from '../utils/option-keys';

/** What every loss module keeps: its reduction. Per-class weights are buffers, as in PyTorch. */
abstract class Loss extends Module {
  /** How per-element losses are reduced: `'mean'` (default), `'sum'` or `'none'`. */
  readonly reduction: Reduction;

  constructor(reduction: Reduction | undefined) {
    super();
    this.reduction = reduction ?? 'mean';
  }

  /** The loss of `input` against `target` (see the matching function in `F`). */
  abstract override forward(input: Tensor, target: Tensor): Tensor;
}

/**
 * Mean squared error (`torch.nn.MSELoss`).
 *
 * @example
 * ```ts
 * import { MSELoss } from '@nn/nn';
 * import { tensor } from '@nn/tensor';
 *
 * const loss = new MSELoss().call(tensor([1, 2, 3]).float(), tensor([1, 2, 5]).float());
 * console.log(loss.item()); // 1.3333333730697632
 * ```
 */
export class MSELoss extends Loss {
  constructor(options: { reduction?: Reduction } = {}) {
    checkOptions('MSELoss', options, LOSS_MODULE_KEYS);
    super(options.reduction);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, { reduction: this.reduction });
  }
}

/** Mean absolute error (`torch.nn.L1Loss`). */
export class L1Loss extends Loss {
  constructor(options: { reduction?: Reduction } = {}) {
    checkOptions('L1Loss', options, LOSS_MODULE_KEYS);
    super(options.reduction);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, { reduction: this.reduction });
  }
}

/** Squared error below `beta`, absolute above (`torch.nn.SmoothL1Loss`, beta 1). */
export class SmoothL1Loss extends Loss {
  /** Where the loss switches from squared to absolute (default 1). */
  readonly beta: number;

  constructor(options: { reduction?: Reduction; beta?: number } = {}) {
    checkOptions('SmoothL1Loss', options, SMOOTH_L1_KEYS);
    super(options.reduction);
    this.beta = options.beta ?? 1;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

/** Squared error below `delta`, scaled absolute above (`torch.nn.HuberLoss`, delta 1). */
export class HuberLoss extends Loss {
  /** Where the loss switches from squared to absolute (default 1). */
  readonly delta: number;

  constructor(options: { reduction?: Reduction; delta?: number } = {}) {
    checkOptions('HuberLoss', options, HUBER_KEYS);
    super(options.reduction);
    this.delta = options.delta ?? 1;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return huberLoss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

/** Options of {@link CrossEntropyLoss} and {@link NLLLoss}. */
export interface ClassLossModuleOptions {
  /** A rescaling weight per class, shape `[C]` (kept as the buffer `weight`). */
  weight?: Tensor | null;
  /** Targets of this class contribute nothing (default -100). */
  ignoreIndex?: number;
  /** How per-element losses are reduced (default `'mean'`). */
  reduction?: Reduction;
}

/**
 * Cross-entropy on logits (`torch.nn.CrossEntropyLoss`): class-index or probability targets, `weight`
 * (a buffer), `ignoreIndex` (-100), `labelSmoothing` (0). Fused and stable for large logits.
 *
 * @example
 * ```ts
 * import { CrossEntropyLoss } from '@nn/nn';
 * import { randint, randn } from '@nn/tensor';
 *
 * const criterion = new CrossEntropyLoss({ labelSmoothing: 0.1 });
 * const loss = criterion.call(randn([4, 10]), randint(0, 10, [4])); // logits [N, C], class indices [N]
 * console.log(loss.item());
 * ```
 */
export class CrossEntropyLoss extends Loss {
  /** Per-class weight `[C]` (a buffer), or null. */
  declare weight: Tensor | null;
  /** Target class that contributes nothing. */
  readonly ignoreIndex: number;
  /** Share of the target mass spread uniformly over the classes (0 to 1). */
  readonly labelSmoothing: number;

  constructor(options: ClassLossModuleOptions & { labelSmoothing?: number } = {}) {
    checkOptions('CrossEntropyLoss', options, CROSS_ENTROPY_KEYS);
    super(options.reduction);
    this.registerBuffer('weight', options.weight ?? null);
    this.ignoreIndex = options.ignoreIndex ?? -100;
    this.labelSmoothing = options.labelSmoothing ?? 0;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    const options: CrossEntropyOptions = {
      weight: this.weight,
      ignoreIndex: this.ignoreIndex,
      reduction: this.reduction,
      labelSmoothing: this.labelSmoothing,
    };
    return crossEntropy(input, target, options);
  }
}

/** Negative log-likelihood of log-probabilities (`torch.nn.NLLLoss`): `weight` (a buffer), `ignoreIndex`. */
export class NLLLoss extends Loss {
  /** Per-class weight `[C]` (a buffer), or null. */
  declare weight: Tensor | null;
  /** Target class that contributes nothing. */
  readonly ignoreIndex: number;

  constructor(options: ClassLossModuleOptions = {}) {
    checkOptions('NLLLoss', options, CLASS_LOSS_MODULE_KEYS);
    super(options.reduction);
    this.registerBuffer('weight', options.weight ?? null);
    this.ignoreIndex = options.ignoreIndex ?? -100;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, {
      weight: this.weight,
      ignoreIndex: this.ignoreIndex,
      reduction: this.reduction,
    });
  }
}

/** Binary cross-entropy of probabilities (`torch.nn.BCELoss`); `weight` (a buffer) rescales each element. */
export class BCELoss extends Loss {
  /** Per-element rescaling weight, broadcast to the input (a buffer), or null. */
  declare weight: Tensor | null;

  constructor(options: { weight?: Tensor | null; reduction?: Reduction } = {}) {
    checkOptions('BCELoss', options, BCE_KEYS);
    super(options.reduction);
    this.registerBuffer('weight', options.weight ?? null);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

/**
 * Sigmoid + binary cross-entropy in one stable step (`torch.nn.BCEWithLogitsLoss`); `weight` and
 * `posWeight` are buffers (saved as `weight` and `pos_weight`).
 */
export class BCEWithLogitsLoss extends Loss {
  /** Per-element rescaling weight, broadcast to the input (a buffer), or null. */
  declare weight: Tensor | null;
  /** Weight of positive examples per class (a buffer saved as `pos_weight`), or null. */
  declare pos_weight: Tensor | null;

  constructor(options: { weight?: Tensor | null; posWeight?: Tensor | null; reduction?: Reduction } = {}) {
    checkOptions('BCEWithLogitsLoss', options, BCE_LOGITS_KEYS);
    super(options.reduction);
    this.registerBuffer('weight', options.weight ?? null);
    this.registerBuffer('pos_weight', options.posWeight ?? null);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, {
      weight: this.weight,
      posWeight: this.pos_weight,
      reduction: this.reduction,
    });
  }
}

/** Kullback-Leibler divergence of log-probabilities (`torch.nn.KLDivLoss`); use `reduction: 'batchmean'`. */
export class KLDivLoss extends Module {
  /** How pointwise losses are reduced; `'batchmean'` gives the true KL divergence. */
  readonly reduction: KLDivReduction;
  /** Whether `target` holds log-probabilities. */
  readonly logTarget: boolean;

  constructor(options: { reduction?: KLDivReduction; logTarget?: boolean } = {}) {
    checkOptions('KLDivLoss', options, KL_DIV_KEYS);
    super();
    this.reduction = options.reduction ?? 'mean';
    this.logTarget = options.logTarget ?? false;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
}
