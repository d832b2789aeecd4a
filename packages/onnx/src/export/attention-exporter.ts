import { tensor } from '@nn/tensor';
import type { AttentionAttrs } from '@nn/tensor/kernel';
import { broadcastAxis } from './batch-axis';
import type { OpExporter } from './exporter-types';
import { GraphBuilder, type GraphValue } from './graph-builder';

/** A bool `[L, S]` constant, true where key `j <= i` (the keys a causal query row sees). */
const causalKeep = (L: number, S: number) =>
  tensor(Array.from({ length: L }, (_, i) => Array.from({ length: S }, (_, j) => j <= i)));

/**
 * The mask before the op's front-end expanded it to the scores' shape: an `[L, S]` mask expanded to
 * `[N, H, L, S]` has the example's batch written in, and Where/Add broadcast it the same way.
 */
function unexpanded(g: GraphBuilder, name: string): string {
  const node = g.nodes.find((n) => n.output[0] === name);
  return node?.opType === 'Expand' ? node.input[0]! : name;
}

/**
 * The fused `scaledDotProductAttention` as its explicit ops, `Softmax(q * scale @ k^T + mask) @ v` (the
 * queries scaled first, as the unfused path does), with a bool mask or isCausal as a Where filling -inf.
 * ONNX Runtime fuses the pattern back. Its logsumexp output (for the backward) has no ONNX value.
 */
export const scaledDotProductAttention: OpExporter = (c) => {
  const { scale, isCausal } = c.attrs as unknown as AttentionAttrs;
  const { g } = c;
  const [q, k, v, mask] = c.inputs as [GraphValue, GraphValue, GraphValue, GraphValue?];
  const rank = q.shape.length;
  const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2];
  const kT = g.node1('Transpose', [k.name], { perm });
  let scores = g.node1('MatMul', [g.node1('Mul', [q.name, g.scalar(scale, q.dtype)]), kT]);
  const hide = (keep: string) => {
    scores = g.node1('Where', [keep, scores, g.scalar(Number.NEGATIVE_INFINITY, q.dtype)]);
  };
  if (mask) {
    const m = unexpanded(g, mask.name);
    if (mask.dtype === 'bool') hide(m);
    else scores = g.node1('Add', [scores, m]);
  }
  if (isCausal) hide(g.value(causalKeep(q.shape[rank - 2]!, k.shape[rank - 2]!)).name);
  const out = g.node1('MatMul', [g.node1('Softmax', [scores], { axis: -1 }), v.name]);
  return [
    { name: out, batchAxis: broadcastAxis([q, k, v], rank) },
    GraphBuilder.unusable('scaledDotProductAttention', 'logsumexp'),
  ];
};
