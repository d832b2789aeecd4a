import {
  type AttentionOptions,
  attentionScores,
  checkOptions,
  scaledDotProductAttention as fusedAttention,
  type Generator,
  ShapeError,
  type Tensor,
  ValueError,
} from '@nn/tensor';
import { SDPA_KEYS } from '../utils/option-keys';
import { dropout } from './dropout';

/** Options of {@link scaledDotProductAttention}: torch 2.x's keyword arguments plus a dropout generator. */
export interface ScaledDotProductAttentionOptions extends AttentionOptions {
  /** Probability of dropping an attention weight (default 0; applied whenever positive, as torch). */
  dropoutP?: number;
  /** Draw the dropout mask from this generator instead of the default one. */
  generator?: Generator;
}

/**
 * `softmax(query @ key^T * scale + mask) @ value`, as torch 2.x's `F.scaled_dot_product_attention`:
 * query `[..., L, E]`, key `[..., S, E]`, value `[..., S, Ev]` give `[..., L, Ev]`. A bool `attnMask`
 * keeps the positions where it is true, a float one is added to the scores; `isCausal` lets query `i` see
 * keys `j <= i`; `scale` defaults to `1 / sqrt(E)`.
 *
 * Without dropout this is one fused, memory-bounded kernel (online softmax over key tiles; the backward
 * recomputes the scores from each row's logsumexp), so no `[L, S]` matrix is kept. With `dropoutP > 0`
 * the weights must exist to be dropped, so it falls back to the explicit softmax, which does hold
 * `[..., L, S]`.
 *
 * @example
 * const q = randn([2, 4, 16, 8]); // [batch, heads, L, E]
 * const out = F.scaledDotProductAttention(q, q, q, { isCausal: true }); // [2, 4, 16, 8]
 */
export function scaledDotProductAttention(
  query: Tensor,
  key: Tensor,
  value: Tensor,
  options: ScaledDotProductAttentionOptions = {},
): Tensor {
  checkOptions('scaledDotProductAttention', options, SDPA_KEYS);
  const { dropoutP = 0, generator, ...attention } = options;
  if (!(dropoutP >= 0 && dropoutP <= 1)) {
    throw new ValueError(
      'scaledDotProductAttention',
      `dropoutP has to be between 0 and 1, but got ${dropoutP}`,
    );
  }
  if (dropoutP === 0) return fusedAttention(query, key, value, attention);
  if (value.ndim < 2 || key.ndim < 2 || value.shape[value.ndim - 2] !== key.shape[key.ndim - 2]) {
    throw new ShapeError(
      'scaledDotProductAttention',
      `expected key [..., S, E] and value [..., S, Ev] with the same S, got key [${key.shape}], value [${value.shape}]`,
    );
  }
  const weights = attentionScores(query, key, attention).softmax(-1);
  return dropout(weights, dropoutP, true, generator ? { generator } : {}).matmul(value);
}
