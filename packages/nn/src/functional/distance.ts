// Distances between batches of vectors, as PyTorch 1.13's composites (same formulas, so the eps handling
// and the gradients at the clamp agree with torch's).
import { broadcastShapes, checkOptions, DTypeError, isFloating, ShapeError, type Tensor } from '@nn/tensor';
import { COSINE_SIMILARITY_KEYS, PAIRWISE_DISTANCE_KEYS } from '../utils/option-keys';

/** Options of {@link cosineSimilarity} and `CosineSimilarity`. */
export interface CosineSimilarityOptions {
  /** The dim holding the vectors (default 1). */
  dim?: number;
  /** Lower bound of each vector's norm, so zero vectors do not divide by zero (default 1e-8). */
  eps?: number;
}

/** Options of {@link pairwiseDistance} and `PairwiseDistance`. */
export interface PairwiseDistanceOptions {
  /** The norm order (default 2; `Infinity` for the max norm). */
  p?: number;
  /** Added to the differences before the norm, so equal points keep a gradient (default 1e-6). */
  eps?: number;
  /** Keep the reduced last dim as size 1 (default false). */
  keepdim?: boolean;
}

function checkPair(op: string, x1: Tensor, x2: Tensor): void {
  if (!isFloating(x1.dtype) || !isFloating(x2.dtype)) {
    throw new DTypeError(
      op,
      `expected floating-point inputs, got ${x1.dtype} and ${x2.dtype}; cast with .float()`,
    );
  }
}

/**
 * `max(||x||, eps)` over `dim` (kept) whose gradient is `x / max(||x||, eps)`, as PyTorch 1.13 computes it:
 * torch clamps the norm in place under no_grad, so the norm's backward divides by the clamped value.
 */
function clampedNorm(x: Tensor, dim: number, eps: number): Tensor {
  const squares = x.square().sum(dim, { keepdim: true });
  const clamped = squares.detach().sqrt().clamp(eps);
  // Value: `clamped` (the second term is exactly 0); gradient: d(squares)/2/clamped = x / clamped.
  return clamped.add(squares.sub(squares.detach()).div(clamped.mul(2)));
}

/**
 * Cosine similarity of `x1` and `x2` along `dim` (`F.cosine_similarity`): each is divided by its norm
 * (clamped below at `eps`) and the products summed. Inputs broadcast; the result drops `dim`.
 *
 * @example
 * ```ts
 * import { F } from '@nn/nn';
 * import { tensor } from '@nn/tensor';
 *
 * const a = tensor([[1, 0], [1, 1]]).float();
 * const b = tensor([[2, 0], [-1, -1]]).float();
 * console.log(F.cosineSimilarity(a, b).tolist()); // [ 1, -1 ] (up to rounding)
 * ```
 */
export function cosineSimilarity(x1: Tensor, x2: Tensor, options: CosineSimilarityOptions = {}): Tensor {
  checkOptions('cosineSimilarity', options, COSINE_SIMILARITY_KEYS);
  checkPair('cosineSimilarity', x1, x2);
  const { dim = 1, eps = 1e-8 } = options;
  const ndim = Math.max(x1.ndim, x2.ndim);
  if (dim < -ndim || dim >= ndim) {
    throw new ShapeError(
      'cosineSimilarity',
      `dim ${dim} is out of range for inputs [${x1.shape.join(',')}] and [${x2.shape.join(',')}] (${ndim} dims)`,
    );
  }
  const d = dim < 0 ? dim + ndim : dim;
  // Broadcast first (as torch's expand_outplace), so each norm is over the same vectors as the product.
  const shape = broadcastShapes('cosineSimilarity', x1.shape, x2.shape);
  const e1 = x1.expand(shape);
  const e2 = x2.expand(shape);
  return e1
    .div(clampedNorm(e1, d, eps))
    .mul(e2.div(clampedNorm(e2, d, eps)))
    .sum(d);
}

/**
 * The p-norm distance between rows: `||x1 - x2 + eps||_p` over the last dim (`F.pairwise_distance`).
 * Inputs broadcast (`[N, D]` with `[D]`, say).
 */
export function pairwiseDistance(x1: Tensor, x2: Tensor, options: PairwiseDistanceOptions = {}): Tensor {
  checkOptions('pairwiseDistance', options, PAIRWISE_DISTANCE_KEYS);
  checkPair('pairwiseDistance', x1, x2);
  const { p = 2, eps = 1e-6, keepdim = false } = options;
  return x1
    .sub(x2)
    .add(eps)
    .norm(p, Math.max(x1.ndim, x2.ndim) - 1, { keepdim });
}
