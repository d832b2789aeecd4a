// Expected values: tooling/fixtures/cases/autograd_functional.py (PyTorch 1.13, float64).
import { backward, functional, hessian, hvp, jacobian, jvp, vhp, vjp } from '@nn/autograd';
import { type Tensor, tensor } from '@nn/tensor';
import { assertClose, type FixtureTensor, fixtureArray, loadFixtures } from '@nn/tooling/test-utils';
import { describe, expect, it } from 'vitest';

type T = FixtureTensor;
interface Cases {
  functional: Record<'x' | 'a' | 'b' | 'u' | 'vOut' | 'vIn' | 'vg0' | 'vg1' | 'va' | 'vb' | 'vu', T> &
    Record<'jacF' | 'hessS' | 'vjpF' | 'jvpF' | 'vhpS' | 'hvpS', T> & {
      jacG: T[][];
      hessS2: T[][];
      vjpG: T[];
      jvpG: T[];
      vhpS2: T[];
      hvpS2: T[];
    };
  backwardInputs: { w: T; b: T; x: T; gradW: T; gradH: T; bGradIsNone: boolean };
}
const cases = loadFixtures(new URL('./fixtures/functional.jsonl', import.meta.url)).cases as unknown as Cases;
const load = (f: T): Tensor => tensor(fixtureArray(f), { dtype: f.dtype }).reshape(f.shape);
const tol = { rtol: 1e-10, atol: 1e-12 };

function closeAll(got: Tensor | Tensor[] | Tensor[][], want: T | T[] | T[][], label = 'value'): void {
  if (!Array.isArray(got)) {
    assertClose(got, want as T, tol, label);
    return;
  }
  expect(got.length).toBe((want as T[]).length);
  got.forEach((item, i) => {
    closeAll(item, (want as T[][])[i]!, `${label}[${i}]`);
  });
}

// The functions of the fixture generator, written with @nn ops.
const f = (x: Tensor) => x.pow(2).sum(1).sin().mul(x.select(1, 0));
const g = (x: Tensor, y: Tensor) => [x.mul(y.exp()), x.tanh().mul(y).sum()];
const s = (x: Tensor) => x.sin().mul(x.pow(2)).sum();
const s2 = (x: Tensor, y: Tensor) => x.pow(3).mul(y).sum().add(x.mul(y).exp().sum());

describe('functional autograd matches torch.autograd.functional', () => {
  const c = cases.functional;
  const [x, a, b, u] = [load(c.x), load(c.a), load(c.b), load(c.u)];

  it('jacobian: one input/output is a Tensor [...out, ...in]; lists give lists of lists', () => {
    assertClose(jacobian(f, x) as Tensor, c.jacF, tol);
    const J = jacobian(g, [a, b]) as Tensor[][];
    closeAll(J, c.jacG);
    expect(jacobian(f, x, { vectorize: true }).toString()).toBe(jacobian(f, x).toString());
    expect((jacobian((t: Tensor) => t.narrow(0, 0, 0), a) as Tensor).shape).toEqual([0, 3]);
  });

  it('hessian of one input and of two inputs', () => {
    assertClose(hessian(s, u) as Tensor, c.hessS, tol);
    const H = hessian(s2, [a, b]) as Tensor[][];
    closeAll(H, c.hessS2);
  });

  it('vjp and jvp return [outputs, product]', () => {
    const [out, vf] = vjp(f, x, load(c.vOut));
    assertClose(out as Tensor, f(x), tol);
    assertClose(vf as Tensor, c.vjpF, tol);
    closeAll(vjp(g, [a, b], [load(c.vg0), load(c.vg1)])[1] as Tensor[], c.vjpG);
    assertClose(jvp(f, x, load(c.vIn))[1] as Tensor, c.jvpF, tol);
    closeAll(jvp(g, [a, b], [load(c.va), load(c.vb)])[1] as Tensor[], c.jvpG);
  });

  it('vhp and hvp', () => {
    assertClose(vhp(s, u, load(c.vu))[1] as Tensor, c.vhpS, tol);
    assertClose(hvp(s, u, load(c.vu))[1] as Tensor, c.hvpS, tol);
    const v2 = [load(c.va), load(c.vb)];
    closeAll(vhp(s2, [a, b], v2)[1] as Tensor[], c.vhpS2);
    closeAll(functional.hvp(s2, [a, b], v2)[1] as Tensor[], c.hvpS2);
  });

  it('results are detached unless createGraph, which lets them be differentiated again', () => {
    const xs = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const cube = (t: Tensor) => t.pow(3).sum();
    expect((jacobian(cube, xs) as Tensor).requiresGrad).toBe(false);
    const J = jacobian(cube, xs, { createGraph: true }) as Tensor;
    J.sum().backward();
    expect(xs.grad!.tolist()).toEqual([6, 12]); // d/dx sum(3x²) = 6x
  });

  it('unused inputs give zeros, or an error in strict mode', () => {
    const h = (p: Tensor, _q: Tensor) => p.mul(2);
    const J = jacobian(h, [tensor([1.5, 2]), tensor([3.5])]) as Tensor[];
    expect(J[1]!.tolist()).toEqual([[0], [0]]);
    expect(() => jacobian(h, [tensor([1.5, 2]), tensor([3.5])], { strict: true })).toThrow(
      'jacobian: Output 0 of the user-provided function is independent of input 1. This is not allowed in strict mode.',
    );
    expect(() => vjp(h, [tensor([1.5, 2]), tensor([3.5])], tensor([1.5, 1]), { strict: true })).toThrow(
      'independent of input 1',
    );
  });

  it('rejects bad options and arguments with clear errors', () => {
    expect(() => jacobian(f, x, { create_graph: true } as never)).toThrow(
      "jacobian: unknown option 'create_graph'; did you mean 'createGraph'?",
    );
    expect(() => vjp(f, x)).toThrow('vjp: The vector v can only be undefined');
    expect(() => vjp(f, x, tensor([1, 2, 3]))).toThrow(
      'vjp: Entry 0 in v has invalid size: should be [2] but got [3]',
    );
    expect(() => hessian(f, x)).toThrow(
      'hessian: The Tensor returned by the function given to hessian should contain a single element',
    );
    expect(() => jacobian(() => 3 as never, x)).toThrow(
      'jacobian: The outputs of the user-provided function',
    );
  });
});

describe('backward({ inputs }) accumulates only into the given tensors', () => {
  it('matches torch for a leaf and a non-leaf input; other leaves keep no grad', () => {
    const c = cases.backwardInputs;
    const w = load(c.w).requiresGrad_();
    const b = load(c.b).requiresGrad_();
    const h = load(c.x).matmul(w).add(b);
    h.tanh()
      .pow(2)
      .sum()
      .backward({ inputs: [w, h] });
    assertClose(w.grad!, c.gradW, { rtol: 1e-5, atol: 1e-6 });
    assertClose(h.grad!, c.gradH, { rtol: 1e-5, atol: 1e-6 });
    expect(b.grad).toBe(c.bGradIsNone ? null : b.grad);
    expect(b.grad).toBeNull();
  });

  it('the function form takes the options second or third, and accumulates across calls', () => {
    const w = tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    const v = tensor([3, 4], { dtype: 'float32', requiresGrad: true });
    const loss = () => w.mul(v).sum();
    backward(loss(), { inputs: [v] });
    backward(loss(), undefined, { inputs: v });
    expect(v.grad!.tolist()).toEqual([2, 4]);
    expect(w.grad).toBeNull();
  });

  it('rejects empty inputs, inputs that need no grad, and options given twice', () => {
    const w = tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    expect(() => w.sum().backward({ inputs: [] })).toThrow(
      "backward: 'inputs' argument to backward() cannot be empty.",
    );
    expect(() => w.sum().backward({ inputs: [tensor([1])] })).toThrow(
      'backward: inputs[0] does not require grad',
    );
    expect(() => w.sum().backward({ inputs: [w] }, { retainGraph: true })).toThrow(
      'backward: options were given twice',
    );
    expect(() => w.sum().backward({ input: [w] } as never)).toThrow(
      "backward: unknown option 'input'; did you mean 'inputs'?",
    );
  });
});
