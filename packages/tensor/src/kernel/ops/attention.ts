import type { AttentionAttrs } from '../attrs/attention';
import { defineOp } from '../op-def';

/** The fused attention kernel and its gradient (flash-attention style: no `[L, S]` matrix is kept). */
export const attentionOps = {
  scaledDotProductAttention: defineOp<AttentionAttrs>({
    summary:
      '`softmax(query @ key^T * scale + mask) @ value` over `[..., L, E]`, `[..., S, E]`, `[..., S, Ev]` ' +
      '(equal batch dims; a bool mask keeps where true), with the logsumexp of each score row',
    inputs: ['query', 'key', 'value', 'attnMask?'],
    outputs: ['out', 'logsumexp'],
    dtypeRule: "the query's dtype",
    meta: ([q, , v]) => [
      { shape: [...q!.shape.slice(0, -1), v!.shape[v!.shape.length - 1]!], dtype: q!.dtype },
      { shape: q!.shape.slice(0, -1), dtype: q!.dtype },
    ],
    differentiable: true,
  }),
  scaledDotProductAttentionBackward: defineOp<AttentionAttrs>({
    summary:
      "scaledDotProductAttention's gradients, recomputing the scores block by block from the logsumexp",
    inputs: ['grad', 'query', 'key', 'value', 'out', 'logsumexp', 'attnMask?'],
    outputs: ['gradQuery', 'gradKey', 'gradValue'],
    dtypeRule: "the query's dtype",
    meta: ([, q, k, v]) => [
      { shape: q!.shape, dtype: q!.dtype },
      { shape: k!.shape, dtype: k!.dtype },
      { shape: v!.shape, dtype: v!.dtype },
    ],
    differentiable: false,
  }),
};
