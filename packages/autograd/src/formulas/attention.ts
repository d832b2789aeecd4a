import { attentionScores, runKernelMulti, type Tensor } from '@nn/tensor';
import type { FormulaTable } from '../formula';
import { isGradEnabled } from '../grad-state';

/**
 * The attention gradients from the explicit softmax: differentiable ops only, so they serve double
 * backward (`createGraph`) and the gradient of a float mask (`dS` itself, an `[..., L, S]` tensor anyway).
 */
function explicitGradients(
  g: Tensor,
  q: Tensor,
  k: Tensor,
  v: Tensor,
  mask: Tensor | null,
  scale: number,
  isCausal: boolean,
): Tensor[] {
  const p = attentionScores(q, k, { attnMask: mask, isCausal, scale }).softmax(-1);
  const dp = g.matmul(v.mT);
  const ds = p.mul(dp.sub(dp.mul(p).sum(-1, { keepdim: true })));
  return [ds.matmul(k).mul(scale), ds.mT.matmul(q).mul(scale), p.mT.matmul(g), ds];
}

/** Gradient formula of the fused attention kernel. */
export const attentionFormulas: FormulaTable = {
  // Plain backward runs the fused backward kernel (scores recomputed per tile from the saved logsumexp);
  // with createGraph (grad recording on inside backward) the explicit form is recorded instead.
  scaledDotProductAttention: (ctx) => {
    const [q, k, v, mask] = ctx.inputs.map((t) => ctx.save(t));
    const out = ctx.save(ctx.outputs[0]!);
    const lse = ctx.save(ctx.outputs[1]!);
    const { scale, isCausal } = ctx.attrs;
    return ([g]) => {
      let fused: Tensor[] | undefined;
      let explicit: Tensor[] | undefined;
      const gradient = (i: number) => () => {
        if (i === 3 || isGradEnabled()) {
          explicit ??= explicitGradients(g!, q!(), k!(), v!(), mask ? mask() : null, scale, isCausal);
          return explicit[i]!;
        }
        const inputs = [g!, q!(), k!(), v!(), out(), lse(), ...(mask ? [mask()] : [])];
        fused ??= runKernelMulti('scaledDotProductAttentionBackward', inputs, ctx.attrs);
        return fused[i]!;
      };
      return ctx.inputs.map((_, i) => (ctx.needsInputGrad[i] ? gradient(i) : undefined));
    };
  },
};
