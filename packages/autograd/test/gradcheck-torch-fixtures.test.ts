// Gradients of the elementwise ops against torch.autograd (fixtures/elementwise-grads.jsonl, written by
// tooling/fixtures/cases/tensor_elementwise.py). Every case is run the same way, so an op added to the
// generator is tested here without editing this file.
import { gradcheck, gradgradcheck } from '@nn/autograd';
import { type Operand, sigmoidBackward, type Tensor, tanhBackward, tensor } from '@nn/tensor';
import { assertClose, type FixtureTensor, fixtureArray, loadFixtures } from '@nn/tooling/test-utils';
import { describe, expect, it } from 'vitest';

interface Case {
  op: string;
  inputs: FixtureTensor[];
  /** Non-tensor arguments after the tensor operands (logit's eps). */
  args?: number[];
  gradOutput: FixtureTensor;
  output: FixtureTensor;
  grads: FixtureTensor[];
  /** Inputs away from kinks and domain edges: finite differences apply. */
  smooth: boolean;
}

const { cases } = loadFixtures<Case>(new URL('./fixtures/elementwise-grads.jsonl', import.meta.url));

const fromFixture = (f: FixtureTensor): Tensor =>
  tensor(fixtureArray(f), { dtype: f.dtype }).reshape(f.shape);

/** Ops public as functions only (no Tensor method). */
const functions: Record<string, (a: Tensor, b: Tensor) => Tensor> = { sigmoidBackward, tanhBackward };

/** The op as users call it: the method of its name, with the other operands and then the case's args. */
const call =
  (c: Case) =>
  (x: Tensor, ...others: Tensor[]): Tensor =>
    functions[c.op]?.(x, others[0]!) ??
    (x[c.op as keyof Tensor] as (...args: Operand[]) => Tensor).call(x, ...others, ...(c.args ?? []));

const tolerance = (dtype: string) =>
  dtype === 'float64' ? { rtol: 1e-10, atol: 1e-12, signedZeros: true } : { signedZeros: true };

describe('elementwise gradients match torch.autograd', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(name, () => {
      const leaves = c.inputs.map((f) => fromFixture(f).requiresGrad_());
      const out = call(c)(...(leaves as [Tensor, ...Tensor[]]));
      assertClose(out, c.output, tolerance(c.output.dtype), `${name} output`);
      out.backward(fromFixture(c.gradOutput));
      leaves.forEach((leaf, i) => {
        expect(leaf.grad, `${name} grad ${i}`).toBeDefined();
        assertClose(leaf.grad!, c.grads[i]!, tolerance(c.grads[i]!.dtype), `${name} grad ${i}`);
      });
    });
  }
});

describe('gradcheck and gradgradcheck at the float64 fixture inputs', () => {
  const smooth = Object.entries(cases).filter(([, c]) => c.smooth && c.inputs[0]!.dtype === 'float64');
  for (const [name, c] of smooth) {
    it(name, () => {
      const leaves = () => c.inputs.map((f) => fromFixture(f).requiresGrad_());
      expect(gradcheck(call(c), leaves())).toBe(true);
      expect(gradgradcheck(call(c), leaves())).toBe(true);
    });
  }
});
