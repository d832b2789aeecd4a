// The LSTM and GRU gate math written with ordinary differentiable ops, in torch's CPU order. The fused
// kernels compute the same values faster, but their backward is itself fused; these are what a backward
// with `createGraph` differentiates (torch keeps the same pair: the fused cells and the differentiable ones).
import { grad } from '@nn/autograd';
import { type Tensor, zerosLike } from '@nn/tensor';

/** One LSTM step's `[hy, cy]` from the gate pre-activations (i, f, g, o), as {@link lstmCellFused}. */
export function lstmGates(
  inputGates: Tensor,
  hiddenGates: Tensor,
  cx: Tensor,
  bias: Tensor | null,
): [Tensor, Tensor] {
  const gates = (bias ? hiddenGates.add(bias) : hiddenGates).add(inputGates);
  const [i, f, g, o] = gates.chunk(4, 1) as [Tensor, Tensor, Tensor, Tensor];
  const cy = f.sigmoid().mul(cx).add(i.sigmoid().mul(g.tanh()));
  return [o.sigmoid().mul(cy.tanh()), cy];
}

/** One GRU step's `hy` from the gate pre-activations (r, z, n), as {@link gruCellFused}. */
export function gruGates(
  inputGates: Tensor,
  hiddenGates: Tensor,
  hx: Tensor,
  hiddenBias: Tensor | null,
): Tensor {
  const [ir, iz, inew] = inputGates.chunk(3, 1) as [Tensor, Tensor, Tensor];
  const [hr, hz, hnew] = (hiddenBias ? hiddenGates.add(hiddenBias) : hiddenGates).chunk(3, 1) as [
    Tensor,
    Tensor,
    Tensor,
  ];
  const r = hr.add(ir).sigmoid();
  const z = hz.add(iz).sigmoid();
  const n = inew.add(hnew.mul(r)).tanh();
  return hx.sub(n).mul(z).add(n);
}

/**
 * The gradients of `outputs` (weighted by `gradOutputs`) for each input flagged in `needed`, recorded for a
 * further backward (`createGraph`): zeros for inputs the outputs do not use, undefined for the others.
 */
export function gradsWithGraph(
  outputs: readonly Tensor[],
  gradOutputs: readonly (Tensor | undefined)[],
  inputs: readonly (Tensor | null | undefined)[],
  needed: readonly boolean[],
): (Tensor | undefined)[] {
  const wanted = inputs.map((t, i) => (t && needed[i] ? t : null));
  const grads = grad(
    outputs,
    wanted.filter((t): t is Tensor => t !== null),
    { gradOutputs: gradOutputs.slice(0, outputs.length), createGraph: true, allowUnused: true },
  );
  return wanted.map((t) => (t ? (grads.shift() ?? zerosLike(t)) : undefined));
}
