// Gradients of the counting, order-statistic, indexing, grid, distance and torch.linalg ops against
// torch.autograd (fixtures/ops-extended-grads.jsonl, written by tooling/fixtures/cases/tensor_ops_extended.py):
// the case's outputs are weighted by its upstream gradients and summed, and backward must give torch's
// gradient for every float input. Float64 cases are also checked by finite differences (gradcheck).
import { gradcheck } from '@nn/autograd';
import { type Tensor, tensor } from '@nn/tensor';
import {
  assertClose,
  type CallCase,
  callFixture,
  type FixtureTensor,
  fixtureArray,
  loadFixtures,
} from '@nn/tooling/test-utils';
import { describe, expect, it } from 'vitest';
import { opsNamespace } from '../../tensor/test/ops-extended-helpers';

const { cases } = loadFixtures<CallCase>(new URL('./fixtures/ops-extended-grads.jsonl', import.meta.url));

const fromFixture = (f: FixtureTensor): Tensor =>
  tensor(fixtureArray(f), { dtype: f.dtype }).reshape(f.shape);

const tolerance = (dtype: string) =>
  dtype === 'float64' ? { rtol: 1e-8, atol: 1e-10 } : { rtol: 1e-3, atol: 1e-4 };

/** The outputs in the fixture's flattened order (records by the fixture's keys). */
function outputsOf(result: unknown, c: CallCase): Tensor[] {
  if (Array.isArray(result)) return result as Tensor[];
  if (typeof c.output === 'object' && !('shape' in c.output) && !Array.isArray(c.output)) {
    return Object.keys(c.output).map((k) => (result as Record<string, Tensor>)[k]!);
  }
  return [result as Tensor];
}

/** sum_i <out_i, g_i> over the differentiable outputs: its gradient is the vector-Jacobian product. */
function weighted(c: CallCase, inputs: Tensor[]): Tensor {
  const outs = outputsOf(callFixture(opsNamespace, c, inputs), c);
  let total: Tensor | undefined;
  outs.forEach((out, i) => {
    const g = c.gradOutputs![i];
    if (!g) return;
    const term = out.mul(fromFixture(g)).sum();
    total = total ? total.add(term) : term;
  });
  return total!;
}

describe('gradients match torch.autograd', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(name, () => {
      const inputs = c.inputs.map((f, i) => {
        const t = fromFixture(f);
        return c.grads![i] ? t.requiresGrad_() : t;
      });
      weighted(c, inputs).backward();
      c.grads!.forEach((want, i) => {
        if (!want) return;
        expect(inputs[i]!.grad, `${name} grad ${i}`).toBeTruthy();
        assertClose(inputs[i]!.grad!, want, tolerance(want.dtype), `${name} grad ${i}`);
      });
    });
  }
});

// Finite differences at the fixture points, away from ties and kinks (order statistics, norms with
// max/abs, where the one-sided differences disagree). cholesky and eigh read one triangle and return the
// symmetric gradient, as PyTorch: they are checked as functions of (A + Aᵀ) / 2.
const SYMMETRIC = /^linalg\.(cholesky|eigh|eigvalsh)/;
const SMOOTH =
  /^(linalg\.(inv|det|slogdet|solve|cholesky|qr|eigh|eigvalsh|svd|svdvals|pinv|matrixPower)|logcumsumexp|cdist\/p=2|cdist\/p=3|kron|cross|index|indexPut|maskedScatter|take|blockDiag)/;

describe('gradcheck at the float64 fixture inputs', () => {
  for (const [name, c] of Object.entries(cases)) {
    if (!name.endsWith('/float64') || !SMOOTH.test(name)) continue;
    it(name, () => {
      const float = c.inputs.map((_, i) => c.grads![i] !== null);
      const fixed = c.inputs.map(fromFixture);
      const leaves = fixed.filter((_, i) => float[i]).map((t) => t.requiresGrad_());
      const f = (...xs: Tensor[]) => {
        const it = xs[Symbol.iterator]();
        return weighted(
          c,
          fixed.map((t, i) => {
            if (!float[i]) return t;
            const leaf = it.next().value!;
            return SYMMETRIC.test(name) ? leaf.add(leaf.mT).mul(0.5) : leaf;
          }),
        );
      };
      expect(gradcheck(f, leaves)).toBe(true);
    });
  }
});

describe('advanced assignment in place', () => {
  it('sends the gradient of overwritten positions to the written values, not to the old ones', () => {
    const x = tensor([1, 2, 3, 4], { dtype: 'float64' }).requiresGrad_();
    const v = tensor([10, 20], { dtype: 'float64' }).requiresGrad_();
    const y = x.mul(1);
    y.set([tensor([3, 0])], v);
    y.mul(tensor([1, 2, 3, 4], { dtype: 'float64' }))
      .sum()
      .backward();
    expect(x.grad!.tolist()).toEqual([0, 2, 3, 0]);
    expect(v.grad!.tolist()).toEqual([4, 1]);
  });
});
