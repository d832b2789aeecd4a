import { freeTemporaries } from '@nn/autograd';
import {
  checkOptions,
  crossEntropyLoss,
  DTypeError,
  gather,
  IndexError,
  indexSelect,
  int32Index,
  isFloating,
  NNError,
  ShapeError,
  type Tensor,
  ValueError,
  where,
} from '@nn/tensor';
import {
  BCE_KEYS,
  BCE_LOGITS_KEYS,
  CLASS_LOSS_KEYS,
  CROSS_ENTROPY_KEYS,
  HUBER_KEYS,
  KL_DIV_KEYS,
  REDUCTION_KEYS,
  SMOOTH_L1_KEYS,
} from '../utils/option-keys';
import { softplus } from './activation';
import { type Reduction, reduce, sameShape } from './reduction';
import { logSoftmax } from './softmax';

export type { Reduction } from './reduction';

/** Options every loss takes. */
export interface ReductionOptions {
  /** How to reduce the per-element losses: `'mean'` (default), `'sum'` or `'none'`. */
  reduction?: Reduction;
}

/** Options of the losses with per-class weights and an ignored target class. */
export interface ClassLossOptions extends ReductionOptions {
  /** A rescaling weight per class, shape `[C]`. */
  weight?: Tensor | null;
  /** Targets of this class contribute nothing, neither to the loss nor to the mean's divisor (default -100). */
  ignoreIndex?: number;
}

/** Options of {@link crossEntropy}. */
export interface CrossEntropyOptions extends ClassLossOptions {
  /** Mixes the target with the uniform distribution by this amount, in [0, 1] (default 0). */
  labelSmoothing?: number;
}

/** Mean squared error `(input - target)^2`, reduced. */
export function mseLoss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  checkOptions('mseLoss', options, REDUCTION_KEYS);
  sameShape('mseLoss', input, target);
  return reduce('mseLoss', input.sub(target).square(), options.reduction);
}

/** Mean absolute error `|input - target|`, reduced. */
export function l1Loss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  checkOptions('l1Loss', options, REDUCTION_KEYS);
  sameShape('l1Loss', input, target);
  return reduce('l1Loss', input.sub(target).abs(), options.reduction);
}

/** Squared error below `beta` (scaled by 1/beta), absolute error above it (default beta 1). */
export function smoothL1Loss(
  input: Tensor,
  target: Tensor,
  options: ReductionOptions & { beta?: number } = {},
): Tensor {
  checkOptions('smoothL1Loss', options, SMOOTH_L1_KEYS);
  sameShape('smoothL1Loss', input, target);
  const beta = options.beta ?? 1;
  if (beta < 0) throw new ValueError('smoothL1Loss', `beta must be non-negative, got ${beta}`);
  const diff = input.sub(target).abs();
  if (beta === 0) return reduce('smoothL1Loss', diff, options.reduction);
  const loss = where(diff.lt(beta), diff.square().mul(0.5 / beta), diff.sub(0.5 * beta));
  return reduce('smoothL1Loss', loss, options.reduction);
}

/** Squared error below `delta`, `delta`-scaled absolute error above it (default delta 1). */
export function huberLoss(
  input: Tensor,
  target: Tensor,
  options: ReductionOptions & { delta?: number } = {},
): Tensor {
  checkOptions('huberLoss', options, HUBER_KEYS);
  sameShape('huberLoss', input, target);
  const delta = options.delta ?? 1;
  if (!(delta > 0)) throw new ValueError('huberLoss', `delta must be positive, got ${delta}`);
  const diff = input.sub(target).abs();
  const loss = where(diff.lt(delta), diff.square().mul(0.5), diff.sub(0.5 * delta).mul(delta));
  return reduce('huberLoss', loss, options.reduction);
}

/** The class dim of a `[C]` or `[N, C, ...]` input. */
/** int64 class indices (PyTorch's) as the int32 the kernels take; other targets stay as they are. */
export function int32Targets(op: string, target: Tensor): Tensor {
  return target.dtype === 'int64' ? int32Index(op, target, 'target') : target;
}

function classDim(input: Tensor): number {
  return input.ndim === 1 ? 0 : 1;
}

/** Per-class weight reshaped to broadcast along the class dim of `input`. */
function classWeight(weight: Tensor, input: Tensor): Tensor {
  const dim = classDim(input);
  return weight.reshape(input.shape.map((d, i) => (i === dim ? d : 1)));
}

function checkClassTarget(
  op: string,
  input: Tensor,
  target: Tensor,
  weight: Tensor | null | undefined,
): void {
  const dim = classDim(input);
  const expected = input.shape.filter((_, i) => i !== dim);
  if (target.ndim !== expected.length || target.shape.some((d, i) => d !== expected[i])) {
    throw new ShapeError(
      op,
      `expected target of shape [${expected.join(',')}] (input [${input.shape.join(',')}] without the class dim ${dim}), ` +
        `got [${target.shape.join(',')}]`,
    );
  }
  if (target.dtype !== 'int32') {
    throw new NNError(
      op,
      `class-index targets must be int64 or int32, got ${target.dtype}; for probabilities pass a float target shaped like the input`,
    );
  }
  if (weight && (weight.ndim !== 1 || weight.shape[0] !== input.shape[dim])) {
    throw new ShapeError(
      op,
      `weight should be a 1D tensor of size ${input.shape[dim]} (the number of classes), got [${weight.shape.join(',')}]`,
    );
  }
}

/**
 * Runs `lookup` (a gather by class index), naming the loss the user called and the bad target when an
 * index is out of range, instead of the internal gather.
 */
function classesOutOfBounds(op: string, classes: number, lookup: () => Tensor): Tensor {
  try {
    return lookup();
  } catch (error) {
    if (!(error instanceof IndexError)) throw error;
    const index = /(?:index|target) (-?\d+)/.exec(error.message)?.[1] ?? 'value';
    throw new IndexError(
      op,
      `target ${index} is out of bounds for ${classes} classes (targets must be in [0, ${classes}))`,
      {
        cause: error,
      },
    );
  }
}

/**
 * The per-target negative log-likelihood and its weights (0 at `ignoreIndex`), before reduction.
 * Ignored targets are replaced by class 0 for the lookup so they never index out of range.
 */
function nllTerms(
  op: string,
  logp: Tensor,
  target: Tensor,
  weight: Tensor | null | undefined,
  ignoreIndex: number,
): { loss: Tensor; w: Tensor } {
  const dim = classDim(logp);
  const keep = target.ne(ignoreIndex);
  const safe = where(keep, target, 0);
  const picked = classesOutOfBounds(op, logp.shape[dim]!, () =>
    gather(logp, dim, safe.unsqueeze(dim)).squeeze(dim),
  );
  const keepW = keep.to(logp.dtype);
  const w = weight
    ? indexSelect(weight, 0, safe.reshape([-1]))
        .reshape(safe.shape)
        .mul(keepW)
    : keepW;
  return { loss: picked.neg().mul(w), w };
}

function reduceWeighted(op: string, loss: Tensor, w: Tensor, reduction: Reduction | undefined): Tensor {
  // PyTorch's weighted mean: divide by the total weight of the counted targets, not their number.
  return (reduction ?? 'mean') === 'mean' ? loss.sum().div(w.sum()) : reduce(op, loss, reduction);
}

/**
 * Negative log-likelihood of class-index targets (`F.nll_loss`): `input` holds log-probabilities, `[N, C]`,
 * `[N, C, d1, ...]` or `[C]`; `target` the int32 classes, `[N]`, `[N, d1, ...]` or `[]`.
 */
export function nllLoss(input: Tensor, targets: Tensor, options: ClassLossOptions = {}): Tensor {
  checkOptions('nllLoss', options, CLASS_LOSS_KEYS);
  const target = int32Targets('nllLoss', targets);
  checkClassTarget('nllLoss', input, target, options.weight);
  return freeTemporaries(input.device, () => {
    const { loss, w } = nllTerms('nllLoss', input, target, options.weight, options.ignoreIndex ?? -100);
    return reduceWeighted('nllLoss', loss, w, options.reduction);
  });
}

/**
 * Cross-entropy between logits and targets (`F.cross_entropy`), fused as log-softmax + NLL so large logits
 * (1e4) stay finite. `target` is either int32 class indices (`[N]`, `[N, d1, ...]`) or class probabilities
 * shaped like `input`. Supports `weight`, `ignoreIndex` (indices only), `labelSmoothing` and every reduction.
 * The common case (`[N, C]` logits, class indices, no weight, no smoothing) runs as one fused kernel.
 */
export function crossEntropy(input: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  return freeTemporaries(input.device, () => crossEntropyOf(input, target, options));
}

function crossEntropyOf(input: Tensor, targets: Tensor, options: CrossEntropyOptions): Tensor {
  checkOptions('crossEntropy', options, CROSS_ENTROPY_KEYS);
  const target = int32Targets('crossEntropy', targets);
  const { weight, reduction } = options;
  const smoothing = options.labelSmoothing ?? 0;
  if (!(smoothing >= 0 && smoothing <= 1)) {
    throw new ValueError('crossEntropy', `label_smoothing must be between 0.0 and 1.0, got ${smoothing}`);
  }
  const dim = classDim(input);
  const classes = input.shape[dim]!;
  if (target.dtype !== 'int32') {
    if (!isFloating(target.dtype) || target.ndim !== input.ndim) {
      throw new DTypeError(
        'crossEntropy',
        `got ${target.dtype} target [${target.shape.join(',')}] for input [${input.shape.join(',')}]: class indices must be ` +
          "int64 or int32 (convert with .long()), class probabilities must have the input's shape",
      );
    }
    sameShape('crossEntropy', input, target);
    const logp = logSoftmax(input, dim);
    const probs = smoothing > 0 ? target.mul(1 - smoothing).add(smoothing / classes) : target;
    const weighted = weight ? logp.mul(classWeight(weight, input)) : logp;
    const loss = weighted.mul(probs).sum(dim).neg();
    // The mean is over samples (and positions), never weighted.
    return (reduction ?? 'mean') === 'mean'
      ? loss.sum().div(input.numel() / classes || 1)
      : reduce('crossEntropy', loss, reduction);
  }
  checkClassTarget('crossEntropy', input, target, weight);
  const ignoreIndex = options.ignoreIndex ?? -100;
  if (input.ndim === 2 && !weight && smoothing === 0) {
    // One kernel instead of logSoftmax + gather; its losses are already 0 where ignored, and the mean
    // divides by the count of the others (0 / 0 = NaN when every target is ignored, as PyTorch).
    const loss = classesOutOfBounds('crossEntropy', classes, () =>
      crossEntropyLoss(input, target, { ignoreIndex }),
    );
    return reduceWeighted('crossEntropy', loss, target.ne(ignoreIndex).to(input.dtype), reduction);
  }
  const logp = logSoftmax(input, dim);
  const { loss, w } = nllTerms('crossEntropy', logp, target, weight, ignoreIndex);
  const nll = reduceWeighted('crossEntropy', loss, w, reduction);
  if (smoothing === 0) return nll;
  // Label smoothing as PyTorch: (1 - e) * nll + e / C * (the loss against the uniform distribution).
  const keep = target.ne(ignoreIndex);
  const uniform = (weight ? logp.mul(classWeight(weight, input)) : logp)
    .sum(dim)
    .neg()
    .mul(keep.to(logp.dtype));
  const smooth = reduceWeighted('crossEntropy', uniform, w, reduction);
  return nll.mul(1 - smoothing).add(smooth.mul(smoothing / classes));
}

/**
 * Binary cross-entropy of probabilities `input` in [0, 1] against `target` (`F.binary_cross_entropy`); the
 * logs are clamped at -100 as PyTorch does, so 0 and 1 give finite losses. `weight` rescales each element.
 */
export function binaryCrossEntropy(
  input: Tensor,
  target: Tensor,
  options: ReductionOptions & { weight?: Tensor | null } = {},
): Tensor {
  checkOptions('binaryCrossEntropy', options, BCE_KEYS);
  sameShape('binaryCrossEntropy', input, target);
  // As PyTorch (on the CPU, where the values can be read without a device round trip): probabilities only.
  if (input.device === 'cpu' && input.numel() > 0) {
    const [low, high] = [Number(input.amin().item()), Number(input.amax().item())];
    if (!(low >= 0 && high <= 1)) {
      throw new ValueError(
        'binaryCrossEntropy',
        `all elements of input should be between 0 and 1, got values in [${low}, ${high}]; ` +
          'apply sigmoid first, or use binaryCrossEntropyWithLogits on raw scores',
      );
    }
  }
  const logX = input.log().clamp(-100);
  const log1mX = input.neg().add(1).log().clamp(-100);
  let loss = target.mul(logX).add(target.neg().add(1).mul(log1mX)).neg();
  if (options.weight) loss = loss.mul(options.weight);
  return reduce('binaryCrossEntropy', loss, options.reduction);
}

/**
 * Binary cross-entropy on logits (`F.binary_cross_entropy_with_logits`), computed stably with softplus;
 * `posWeight` (broadcast along the last dim, one per class) weighs positive targets, `weight` each element.
 */
export function binaryCrossEntropyWithLogits(
  input: Tensor,
  target: Tensor,
  options: ReductionOptions & { weight?: Tensor | null; posWeight?: Tensor | null } = {},
): Tensor {
  checkOptions('binaryCrossEntropyWithLogits', options, BCE_LOGITS_KEYS);
  sameShape('binaryCrossEntropyWithLogits', input, target);
  // -[t log s(x) + (1 - t) log(1 - s(x))] = (1 - t) x + lw * softplus(-x), lw = 1 + (posWeight - 1) t.
  const softplusNeg = softplus(input.neg());
  const logWeight = options.posWeight ? options.posWeight.sub(1).mul(target).add(1) : null;
  let loss = target
    .neg()
    .add(1)
    .mul(input)
    .add(logWeight ? softplusNeg.mul(logWeight) : softplusNeg);
  if (options.weight) loss = loss.mul(options.weight);
  return reduce('binaryCrossEntropyWithLogits', loss, options.reduction);
}

/** Reductions of {@link klDiv}: the usual ones plus `'batchmean'` (sum / batch size, the true KL divergence). */
export type KLDivReduction = Reduction | 'batchmean';

/**
 * Kullback-Leibler divergence `target * (log(target) - input)` with `input` given as log-probabilities
 * (`F.kl_div`); `logTarget` says `target` is log-probabilities too. Zero targets contribute 0.
 */
export function klDiv(
  input: Tensor,
  target: Tensor,
  options: { reduction?: KLDivReduction; logTarget?: boolean } = {},
): Tensor {
  checkOptions('klDiv', options, KL_DIV_KEYS);
  const loss = options.logTarget
    ? target.exp().mul(target.sub(input))
    : // xlogy(t, t) - t * input, with log(1) = 0 standing in at t = 0 so no 0 * -inf appears.
      target.mul(where(target.eq(0), 1, target).log()).sub(target.mul(input));
  if (options.reduction === 'batchmean') return loss.sum().div(input.ndim === 0 ? 1 : input.shape[0]!);
  return reduce('klDiv', loss, options.reduction);
}
