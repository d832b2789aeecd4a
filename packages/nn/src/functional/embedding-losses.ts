// Losses on pairs and triplets of inputs with a +1/-1 target (similarity and ranking), as PyTorch 1.13's
// composites: the same formulas, so values and gradients (kinks included) agree with torch's.
import { checkOptions, ShapeError, type Tensor, where } from '@nn/tensor';
import {
  COSINE_EMBEDDING_KEYS,
  MARGIN_KEYS,
  REDUCTION_KEYS,
  TRIPLET_MARGIN_KEYS,
} from '../utils/option-keys';
import { pairwiseDistance } from './distance';
import type { ReductionOptions } from './loss';
import { reduce } from './reduction';

/** Options of the losses with a margin. */
export interface MarginOptions extends ReductionOptions {
  /** The margin (default 0 for marginRankingLoss and cosineEmbeddingLoss, 1 for hingeEmbeddingLoss). */
  margin?: number;
}

/** The shapes of `tensors`, for error messages. */
const shapes = (tensors: readonly Tensor[]): string =>
  tensors.map((t) => `[${t.shape.join(',')}]`).join(', ');

/**
 * `max(0, -target * (input1 - input2) + margin)` (`F.margin_ranking_loss`): `target` 1 says input1 should
 * rank higher, -1 lower. The three tensors must have the same number of dims (then broadcast).
 */
export function marginRankingLoss(
  input1: Tensor,
  input2: Tensor,
  target: Tensor,
  options: MarginOptions = {},
): Tensor {
  checkOptions('marginRankingLoss', options, MARGIN_KEYS);
  if (input1.ndim !== input2.ndim || input1.ndim !== target.ndim) {
    throw new ShapeError(
      'marginRankingLoss',
      `All input tensors should have same dimension but got sizes: input1: [${input1.shape.join(',')}], ` +
        `input2: [${input2.shape.join(',')}], target: [${target.shape.join(',')}]`,
    );
  }
  const loss = target
    .neg()
    .mul(input1.sub(input2))
    .add(options.margin ?? 0)
    .clamp(0);
  return reduce('marginRankingLoss', loss, options.reduction);
}

/**
 * `input` where `target` is 1, `max(0, margin - input)` where it is -1 (`F.hinge_embedding_loss`, margin
 * 1): `input` is typically a distance between two embeddings.
 */
export function hingeEmbeddingLoss(input: Tensor, target: Tensor, options: MarginOptions = {}): Tensor {
  checkOptions('hingeEmbeddingLoss', options, MARGIN_KEYS);
  const margin = options.margin ?? 1;
  const marginClamp = input.neg().add(margin).clamp(0);
  // as torch: targets other than 1 and -1 contribute both terms
  const loss = where(target.ne(1), marginClamp, 0).add(where(target.ne(-1), input, 0));
  return reduce('hingeEmbeddingLoss', loss, options.reduction);
}

/** `log(1 + exp(-target * input))` (`F.soft_margin_loss`), the two-class logistic loss for targets ±1. */
export function softMarginLoss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  checkOptions('softMarginLoss', options, REDUCTION_KEYS);
  const loss = input.neg().mul(target).exp().log1p();
  return reduce('softMarginLoss', loss, options.reduction);
}

/** PyTorch's EPSILON in cosine_embedding_loss, added to each squared magnitude. */
const COSINE_EPSILON = 1e-12;

/**
 * `1 - cos(x1, x2)` where `target` is 1, `max(0, cos(x1, x2) - margin)` where it is -1
 * (`F.cosine_embedding_loss`, margin 0): inputs `[N, D]` with targets `[N]`, or `[D]` with a 0-d target.
 */
export function cosineEmbeddingLoss(
  input1: Tensor,
  input2: Tensor,
  target: Tensor,
  options: MarginOptions = {},
): Tensor {
  checkOptions('cosineEmbeddingLoss', options, COSINE_EMBEDDING_KEYS);
  const dim = target.ndim;
  if (dim > 1) {
    throw new ShapeError(
      'cosineEmbeddingLoss',
      `0D or 1D target tensor expected, multi-target not supported (got target [${target.shape.join(',')}])`,
    );
  }
  if (input1.ndim !== dim + 1 || input2.ndim !== dim + 1) {
    throw new ShapeError(
      'cosineEmbeddingLoss',
      `${dim}D target tensor expects ${dim + 1}D input tensors, but found inputs with sizes ` +
        `[${input1.shape.join(',')}] and [${input2.shape.join(',')}]`,
    );
  }
  const prodSum = input1.mul(input2).sum(dim);
  const magSquare1 = input1.mul(input1).sum(dim).add(COSINE_EPSILON);
  const magSquare2 = input2.mul(input2).sum(dim).add(COSINE_EPSILON);
  const cos = prodSum.div(magSquare1.mul(magSquare2).sqrt());
  const pos = cos.neg().add(1);
  const neg = cos.sub(options.margin ?? 0).clamp(0);
  const loss = where(target.eq(1), pos, 0).add(where(target.eq(-1), neg, 0));
  return reduce('cosineEmbeddingLoss', loss, options.reduction);
}

/** Options of {@link tripletMarginLoss}. */
export interface TripletMarginOptions extends MarginOptions {
  /** The norm of the distances (default 2). */
  p?: number;
  /** Added to the differences before the norm, so equal points keep a gradient (default 1e-6). */
  eps?: number;
  /** Use the positive-negative distance when it is smaller (the distance swap, Balntas et al. 2016). */
  swap?: boolean;
}

/**
 * `max(d(a, p) - d(a, n) + margin, 0)` with `d` the pairwise p-norm distance (`F.triplet_margin_loss`,
 * margin 1, p 2, eps 1e-6): anchor, positive and negative `[N, D]` (or `[D]`).
 */
export function tripletMarginLoss(
  anchor: Tensor,
  positive: Tensor,
  negative: Tensor,
  options: TripletMarginOptions = {},
): Tensor {
  checkOptions('tripletMarginLoss', options, TRIPLET_MARGIN_KEYS);
  const { margin = 1, p = 2, eps = 1e-6, swap = false } = options;
  if (anchor.ndim !== positive.ndim || positive.ndim !== negative.ndim) {
    throw new ShapeError(
      'tripletMarginLoss',
      'The anchor, positive, and negative tensors are expected to have the same number of dimensions, but got: ' +
        `anchor ${anchor.ndim}D, positive ${positive.ndim}D, and negative ${negative.ndim}D inputs (${shapes([anchor, positive, negative])})`,
    );
  }
  const distPos = pairwiseDistance(anchor, positive, { p, eps });
  let distNeg = pairwiseDistance(anchor, negative, { p, eps });
  if (swap) distNeg = distNeg.minimum(pairwiseDistance(positive, negative, { p, eps }));
  const loss = distPos.add(margin).sub(distNeg).clamp(0);
  return reduce('tripletMarginLoss', loss, options.reduction);
}
