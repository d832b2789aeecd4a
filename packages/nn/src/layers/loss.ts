import { checkOptions, type Tensor, ValueError } from '@nn/tensor';
import { type CtcLossOptions, ctcLoss } from '../functional/ctc-loss';
import {
  cosineEmbeddingLoss,
  hingeEmbeddingLoss,
  type MarginOptions,
  marginRankingLoss,
  softMarginLoss,
  type TripletMarginOptions,
  tripletMarginLoss,
} from '../functional/embedding-losses';
import {
  type GaussianNllOptions,
  gaussianNllLoss,
  type PoissonNllOptions,
  poissonNllLoss,
} from '../functional/likelihood-losses';
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
import {
  type MultilabelSoftMarginOptions,
  type MultiMarginOptions,
  multilabelMarginLoss,
  multilabelSoftMarginLoss,
  multiMarginLoss,
} from '../functional/multi-class-losses';
import { Module } from '../module/module';
import {
  BCE_KEYS,
  BCE_LOGITS_KEYS,
  CLASS_LOSS_MODULE_KEYS,
  COSINE_EMBEDDING_KEYS,
  CROSS_ENTROPY_KEYS,
  CTC_KEYS,
  GAUSSIAN_NLL_KEYS,
  HUBER_KEYS,
  KL_DIV_KEYS,
  LOSS_MODULE_KEYS,
  MARGIN_KEYS,
  MULTI_MARGIN_KEYS,
  MULTILABEL_SOFT_MARGIN_KEYS,
  POISSON_NLL_KEYS,
  SMOOTH_L1_KEYS,
  TRIPLET_MARGIN_KEYS,
} from '../utils/option-keys';

/** What every loss module keeps: its reduction. Per-class weights are buffers, as in PyTorch. */
abstract class Loss extends Module {
  /** How per-element losses are reduced: `'mean'` (default), `'sum'` or `'none'`. */
  readonly reduction: Reduction;

  constructor(reduction: Reduction | undefined) {
    super();
    this.reduction = reduction ?? 'mean';
  }

  /** The loss of `input` against `target` (see the matching function in `F`); some losses take a third. */
  abstract override forward(input: Tensor, target: Tensor, third?: Tensor): Tensor;
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

/** `max(0, -y (x1 - x2) + margin)` (`torch.nn.MarginRankingLoss`, margin 0). */
export class MarginRankingLoss extends Loss {
  /** The margin (default 0). */
  readonly margin: number;

  constructor(options: MarginOptions = {}) {
    checkOptions('MarginRankingLoss', options, MARGIN_KEYS);
    super(options.reduction);
    this.margin = options.margin ?? 0;
  }

  /** The loss of `input1` ranked against `input2` by `target` (1 or -1). */
  override forward(input1: Tensor, input2: Tensor, target?: Tensor): Tensor {
    return marginRankingLoss(input1, input2, requireTarget('MarginRankingLoss', target), {
      margin: this.margin,
      reduction: this.reduction,
    });
  }
}

/** `x` for target 1, `max(0, margin - x)` for target -1 (`torch.nn.HingeEmbeddingLoss`, margin 1). */
export class HingeEmbeddingLoss extends Loss {
  /** The margin (default 1). */
  readonly margin: number;

  constructor(options: MarginOptions = {}) {
    checkOptions('HingeEmbeddingLoss', options, MARGIN_KEYS);
    super(options.reduction);
    this.margin = options.margin ?? 1;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return hingeEmbeddingLoss(input, target, { margin: this.margin, reduction: this.reduction });
  }
}

/** `log(1 + exp(-y x))` (`torch.nn.SoftMarginLoss`). */
export class SoftMarginLoss extends Loss {
  constructor(options: { reduction?: Reduction } = {}) {
    checkOptions('SoftMarginLoss', options, LOSS_MODULE_KEYS);
    super(options.reduction);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return softMarginLoss(input, target, { reduction: this.reduction });
  }
}

/** `1 - cos` for target 1, `max(0, cos - margin)` for -1 (`torch.nn.CosineEmbeddingLoss`, margin 0). */
export class CosineEmbeddingLoss extends Loss {
  /** The margin (default 0, sensible in [-1, 1]). */
  readonly margin: number;

  constructor(options: MarginOptions = {}) {
    checkOptions('CosineEmbeddingLoss', options, COSINE_EMBEDDING_KEYS);
    super(options.reduction);
    this.margin = options.margin ?? 0;
  }

  /** The loss of the pair (`input1`, `input2`) labelled `target` (1 similar, -1 dissimilar). */
  override forward(input1: Tensor, input2: Tensor, target?: Tensor): Tensor {
    return cosineEmbeddingLoss(input1, input2, requireTarget('CosineEmbeddingLoss', target), {
      margin: this.margin,
      reduction: this.reduction,
    });
  }
}

/**
 * `max(d(a, p) - d(a, n) + margin, 0)` (`torch.nn.TripletMarginLoss`: margin 1, p 2, eps 1e-6, swap false).
 *
 * @example
 * ```ts
 * const loss = new TripletMarginLoss({ margin: 0.5 });
 * loss.call(randn([8, 16]), randn([8, 16]), randn([8, 16]));
 * ```
 */
export class TripletMarginLoss extends Loss {
  /** The margin (default 1). */
  readonly margin: number;
  /** The norm of the distances (default 2). */
  readonly p: number;
  /** Added to the differences before the norm (default 1e-6). */
  readonly eps: number;
  /** Whether to use the distance swap (default false). */
  readonly swap: boolean;

  constructor(options: TripletMarginOptions = {}) {
    checkOptions('TripletMarginLoss', options, TRIPLET_MARGIN_KEYS);
    super(options.reduction);
    this.margin = options.margin ?? 1;
    this.p = options.p ?? 2;
    this.eps = options.eps ?? 1e-6;
    this.swap = options.swap ?? false;
  }

  /** The loss of (`anchor`, `positive`, `negative`) triplets. */
  override forward(anchor: Tensor, positive: Tensor, negative?: Tensor): Tensor {
    return tripletMarginLoss(anchor, positive, requireTarget('TripletMarginLoss', negative, 'negative'), {
      margin: this.margin,
      p: this.p,
      eps: this.eps,
      swap: this.swap,
      reduction: this.reduction,
    });
  }
}

/** Gaussian negative log-likelihood with predicted variances (`torch.nn.GaussianNLLLoss`). */
export class GaussianNLLLoss extends Loss {
  /** Whether the constant `0.5 log(2 pi)` is added (default false). */
  readonly full: boolean;
  /** The smallest variance used (default 1e-6). */
  readonly eps: number;

  constructor(options: GaussianNllOptions = {}) {
    checkOptions('GaussianNLLLoss', options, GAUSSIAN_NLL_KEYS);
    super(options.reduction);
    this.full = options.full ?? false;
    this.eps = options.eps ?? 1e-6;
  }

  /** The loss of the predicted means `input` and variances `variance` against `target`. */
  override forward(input: Tensor, target: Tensor, variance?: Tensor): Tensor {
    return gaussianNllLoss(input, target, requireTarget('GaussianNLLLoss', variance, 'var'), {
      full: this.full,
      eps: this.eps,
      reduction: this.reduction,
    });
  }
}

/** Poisson negative log-likelihood (`torch.nn.PoissonNLLLoss`: logInput true, full false, eps 1e-8). */
export class PoissonNLLLoss extends Loss {
  /** Whether the input is the log of the rate (default true). */
  readonly logInput: boolean;
  /** Whether Stirling's term is added (default false). */
  readonly full: boolean;
  /** Added to the rate inside the log when `logInput` is false (default 1e-8). */
  readonly eps: number;

  constructor(options: PoissonNllOptions = {}) {
    checkOptions('PoissonNLLLoss', options, POISSON_NLL_KEYS);
    super(options.reduction);
    this.logInput = options.logInput ?? true;
    this.full = options.full ?? false;
    this.eps = options.eps ?? 1e-8;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return poissonNllLoss(input, target, {
      logInput: this.logInput,
      full: this.full,
      eps: this.eps,
      reduction: this.reduction,
    });
  }
}

/** One-vs-all logistic loss over labels (`torch.nn.MultiLabelSoftMarginLoss`); `weight` is a buffer. */
export class MultiLabelSoftMarginLoss extends Loss {
  /** Per-class weight (a buffer), or null. */
  declare weight: Tensor | null;

  constructor(options: MultilabelSoftMarginOptions = {}) {
    checkOptions('MultiLabelSoftMarginLoss', options, MULTILABEL_SOFT_MARGIN_KEYS);
    super(options.reduction);
    this.registerBuffer('weight', options.weight ?? null);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return multilabelSoftMarginLoss(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

/** Multi-class hinge loss (`torch.nn.MultiMarginLoss`: p 1, margin 1); `weight` `[C]` is a buffer. */
export class MultiMarginLoss extends Loss {
  /** 1 or 2. */
  readonly p: 1 | 2;
  /** Default 1. */
  readonly margin: number;
  /** Per-class weight (a buffer), or null. */
  declare weight: Tensor | null;

  constructor(options: MultiMarginOptions = {}) {
    checkOptions('MultiMarginLoss', options, MULTI_MARGIN_KEYS);
    super(options.reduction);
    this.p = options.p ?? 1;
    this.margin = options.margin ?? 1;
    if (this.p !== 1 && this.p !== 2) {
      throw new ValueError('MultiMarginLoss', `only p == 1 and p == 2 supported, got ${this.p}`);
    }
    this.registerBuffer('weight', options.weight ?? null);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return multiMarginLoss(input, target, {
      p: this.p,
      margin: this.margin,
      weight: this.weight,
      reduction: this.reduction,
    });
  }
}

/** Multi-label hinge loss over `-1`-terminated class lists (`torch.nn.MultiLabelMarginLoss`). */
export class MultiLabelMarginLoss extends Loss {
  constructor(options: { reduction?: Reduction } = {}) {
    checkOptions('MultiLabelMarginLoss', options, LOSS_MODULE_KEYS);
    super(options.reduction);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return multilabelMarginLoss(input, target, { reduction: this.reduction });
  }
}

/**
 * Connectionist temporal classification loss (`torch.nn.CTCLoss`: blank 0, reduction 'mean', zeroInfinity
 * false); see {@link F.ctcLoss} for the shapes.
 *
 * @example
 * ```ts
 * const ctc = new CTCLoss({ blank: 0, zeroInfinity: true });
 * const logProbs = randn([30, 2, 5]).logSoftmax(2);
 * ctc.call(logProbs, tensor([1, 2, 3, 4, 4], { dtype: 'int32' }), [30, 25], [3, 2]);
 * ```
 */
export class CTCLoss extends Module {
  /** The blank label. */
  readonly blank: number;
  /** How per-sample losses are reduced (`'mean'` divides each by its target length first). */
  readonly reduction: Reduction;
  /** Whether infinite losses and their gradients become 0. */
  readonly zeroInfinity: boolean;

  constructor(options: CtcLossOptions = {}) {
    checkOptions('CTCLoss', options, CTC_KEYS);
    super();
    this.blank = options.blank ?? 0;
    this.reduction = options.reduction ?? 'mean';
    this.zeroInfinity = options.zeroInfinity ?? false;
  }

  /** The loss of `logProbs` `[T, N, C]` against `targets`, with each sample's input and target length. */
  override forward(
    logProbs: Tensor,
    targets: Tensor,
    inputLengths: Tensor | number | readonly number[],
    targetLengths: Tensor | number | readonly number[],
  ): Tensor {
    return ctcLoss(logProbs, targets, inputLengths, targetLengths, {
      blank: this.blank,
      zeroInfinity: this.zeroInfinity,
      reduction: this.reduction,
    });
  }
}

/** The third operand of a three-input loss, required (the base class declares it optional). */
function requireTarget(op: string, t: Tensor | undefined, name = 'target'): Tensor {
  if (!t) throw new ValueError(op, `forward takes three tensors; the ${name} is missing`);
  return t;
}
