import { checkOptions, type Tensor } from '@nn/tensor';
import {
  type CosineSimilarityOptions,
  cosineSimilarity,
  type PairwiseDistanceOptions,
  pairwiseDistance,
} from '../functional/distance';
import { Module } from '../module/module';
import { COSINE_SIMILARITY_KEYS, PAIRWISE_DISTANCE_KEYS } from '../utils/option-keys';

/**
 * Cosine similarity of two inputs along `dim` (default 1), each norm clamped below at `eps` (default 1e-8)
 * (`torch.nn.CosineSimilarity`).
 *
 * @example
 * ```ts
 * import { CosineSimilarity } from '@nn/nn';
 * import { randn } from '@nn/tensor';
 *
 * const cos = new CosineSimilarity({ dim: 1 });
 * console.log(cos.call(randn([4, 16]), randn([4, 16])).shape); // [ 4 ]
 * ```
 */
export class CosineSimilarity extends Module {
  /** The dim holding the vectors. */
  readonly dim: number;
  /** Lower bound of each norm. */
  readonly eps: number;

  constructor(options: CosineSimilarityOptions = {}) {
    checkOptions('CosineSimilarity', options, COSINE_SIMILARITY_KEYS);
    super();
    this.dim = options.dim ?? 1;
    this.eps = options.eps ?? 1e-8;
  }

  override forward(x1: Tensor, x2: Tensor): Tensor {
    return cosineSimilarity(x1, x2, { dim: this.dim, eps: this.eps });
  }
}

/**
 * The p-norm distance `||x1 - x2 + eps||_p` over the last dim (`torch.nn.PairwiseDistance`; p 2, eps 1e-6).
 */
export class PairwiseDistance extends Module {
  /** The norm order. */
  readonly norm: number;
  /** Added to the differences. */
  readonly eps: number;
  /** Whether the reduced dim is kept. */
  readonly keepdim: boolean;

  constructor(options: PairwiseDistanceOptions = {}) {
    checkOptions('PairwiseDistance', options, PAIRWISE_DISTANCE_KEYS);
    super();
    this.norm = options.p ?? 2;
    this.eps = options.eps ?? 1e-6;
    this.keepdim = options.keepdim ?? false;
  }

  override forward(x1: Tensor, x2: Tensor): Tensor {
    return pairwiseDistance(x1, x2, { p: this.norm, eps: this.eps, keepdim: this.keepdim });
  }
}
