import { grad, noGrad } from '@nn/autograd';
import { ones, type Tensor, tensor, zeros } from '@nn/tensor';
import { describe, expect, it } from 'vitest';

const f64 = (values: number[], requiresGrad = true) => tensor(values, { dtype: 'float64', requiresGrad });

describe('graph recording', () => {
  it('names nodes after kernels and prints them', () => {
    const x = f64([1, 2]);
    const y = x.mul(2).add(1);
    expect((y.gradFn as { name: string }).name).toBe('AddBackward');
    expect(String(x.mul(x))).toContain('gradFn=<MulBackward>');
    expect(String(x)).toContain('requiresGrad=true');
    expect(y.isLeaf).toBe(false);
    expect(x.isLeaf).toBe(true);
    expect(y.requiresGrad).toBe(true);
  });

  it('records nothing for comparisons and integer results', () => {
    const x = f64([1, 2]);
    const mask = x.gt(1);
    expect(mask.requiresGrad).toBe(false);
    expect(mask.gradFn).toBe(null);
    expect(x.argmax().requiresGrad).toBe(false);
  });

  it('accumulates into leaves across backward calls', () => {
    const x = f64([1, 2, 3]);
    x.mul(x).sum().backward();
    expect(Array.from(x.grad!.dataSync())).toEqual([2, 4, 6]);
    x.mul(3).sum().backward();
    expect(Array.from(x.grad!.dataSync())).toEqual([5, 7, 9]);
  });

  it('sums gradients of a tensor used twice and of shared subgraphs, each node once', () => {
    const x = f64([1, 2]);
    const shared = x.exp();
    const y = shared.mul(shared).add(shared).sum();
    y.backward();
    const e = [Math.exp(1), Math.exp(2)];
    const want = e.map((v) => 2 * v * v + v);
    const got = Array.from(x.grad!.dataSync());
    for (const [i, g] of got.entries()) expect(g).toBeCloseTo(want[i]!, 10);
  });

  it('runs a diamond of depth 100 in topological order (no exponential blow-up)', () => {
    const x = f64([0.5]);
    let h: Tensor = x;
    for (let i = 0; i < 100; i++) h = h.mul(0.5).add(h.mul(0.5));
    h.sum().backward();
    expect(x.grad!.item()).toBeCloseTo(1, 12);
  });

  it('broadcasts gradients back to each input shape', () => {
    const a = f64([1, 2, 3]).reshape([3, 1]).detach().requiresGrad_();
    const b = f64([10, 20]);
    a.mul(b).sum().backward();
    expect(a.grad!.shape).toEqual([3, 1]);
    expect(Array.from(a.grad!.dataSync())).toEqual([30, 30, 30]);
    expect(Array.from(b.grad!.dataSync())).toEqual([6, 6]);
  });

  it('casts gradients to the input dtype', () => {
    const x = tensor([1.5, 2], { requiresGrad: true });
    x.to('float64').mul(2).sum().backward();
    expect(x.grad!.dtype).toBe('float32');
    expect(Array.from(x.grad!.dataSync())).toEqual([2, 2]);
  });

  it('takes an explicit gradient for non-scalar outputs', () => {
    const x = f64([1, 2]);
    x.mul(3).backward(f64([1, 10], false));
    expect(Array.from(x.grad!.dataSync())).toEqual([3, 30]);
  });
});

describe('backward errors (PyTorch messages)', () => {
  it('refuses implicit gradients for non-scalar outputs', () => {
    const x = f64([1, 2]);
    expect(() => x.mul(2).backward()).toThrow(/grad can be implicitly created only for scalar outputs/);
  });

  it('refuses tensors that do not require grad', () => {
    expect(() => tensor([1.5]).sum().backward()).toThrow(
      /element 0 of tensors does not require grad and does not have a gradFn/,
    );
  });

  it('refuses a gradient of the wrong shape', () => {
    const x = f64([1, 2]);
    expect(() => x.mul(2).backward(f64([1, 2, 3], false))).toThrow(/Mismatch in shape/);
  });

  it('refuses a second backward through a freed graph, allows it with retainGraph', () => {
    const x = f64([1, 2]);
    const y = x.exp().sum();
    y.backward(undefined, { retainGraph: true });
    y.backward();
    expect(Array.from(x.grad!.dataSync())).toEqual([2 * Math.exp(1), 2 * Math.exp(2)]);
    expect(() => y.backward()).toThrow(/Trying to backward through the graph a second time/);
  });

  it('raises the version-counter error when a saved tensor is modified in place', () => {
    const x = f64([1, 2]);
    const y = x.exp();
    const z = y.mul(2).sum();
    noGrad(() => y.add_(1));
    expect(() => z.backward()).toThrow(
      /one of the variables needed for gradient computation has been modified by an inplace operation: \[float64 \[2\]\], which is saved by ExpBackward, is at version 1; expected version 0/,
    );
  });

  it('refuses in-place ops on leaves that require grad, and on their views, outside noGrad', () => {
    const w = f64([1, 2]);
    expect(() => w.mul_(2)).toThrow(
      /a leaf Variable that requires grad is being used in an in-place operation/,
    );
    expect(() => w.zero_()).toThrow(/a leaf Variable that requires grad/);
    expect(Array.from(w.dataSync())).toEqual([1, 2]);
    noGrad(() => w.mul_(2));
    expect(Array.from(w.dataSync())).toEqual([2, 4]);
  });

  it('only lets leaves change requiresGrad, and only floating tensors require grad', () => {
    const x = f64([1]);
    const y = x.mul(2);
    expect(() => {
      y.requiresGrad = false;
    }).toThrow(/you can only change requiresGrad flags of leaf variables/);
    expect(() => tensor([1, 2]).requiresGrad_()).toThrow(
      /only Tensors of floating point dtype can require gradients/,
    );
  });

  it('names the op when a kernel has no gradient formula', async () => {
    const { defineOp, registerKernel, registerOp } = await import('@nn/tensor');
    registerOp(
      'testNoFormula',
      defineOp({
        summary: 'a test op without a formula',
        inputs: ['input'],
        outputs: ['out'],
        dtypeRule: 'the input dtype',
        meta: ([x]) => [x!],
        differentiable: true,
      }),
    );
    registerKernel('testNoFormula', 'cpu', ([x]) => x!.clone());
    const { runKernel } = await import('@nn/tensor');
    expect(() => runKernel('testNoFormula', [f64([1])])).toThrow(
      /testNoFormula: no gradient formula is registered for kernel 'testNoFormula'/,
    );
    expect(noGrad(() => runKernel('testNoFormula', [f64([1])])).requiresGrad).toBe(false);
  });
});

describe('in-place ops rebase history', () => {
  it('an in-place op on a non-leaf becomes its gradFn', () => {
    const x = f64([1, 2]);
    const y = x.mul(1);
    y.mul_(x);
    expect((y.gradFn as { name: string }).name).toBe('MulBackward');
    y.sum().backward();
    expect(Array.from(x.grad!.dataSync())).toEqual([2, 4]);
  });

  it('writing into a view updates the base (CopySlices)', () => {
    const x = f64([1, 2, 3]);
    const base = x.mul(1);
    base.slice(0, 1).mul_(10);
    expect((base.gradFn as { name: string }).name).toBe('CopySlices');
    base
      .mul(f64([1, 2, 3], false))
      .sum()
      .backward();
    expect(Array.from(x.grad!.dataSync())).toEqual([1, 20, 30]);
  });

  it('fill_ and zero_ cut the gradient of the overwritten values', () => {
    const x = f64([1, 2, 3]);
    const y = x.mul(2);
    y.select(0, 0).fill_(7);
    y.sum().backward();
    expect(Array.from(x.grad!.dataSync())).toEqual([0, 2, 2]);
  });

  it('copy_ from a tensor that requires grad makes the target require grad', () => {
    const src = f64([4, 5]);
    const target = zeros([3], { dtype: 'float64' });
    target.slice(0, 1).copy_(src);
    expect(target.requiresGrad).toBe(true);
    target
      .mul(f64([1, 2, 3], false))
      .sum()
      .backward();
    expect(Array.from(src.grad!.dataSync())).toEqual([2, 3]);
  });
});

describe('retainGrad, hooks, detach', () => {
  it('retainGrad keeps a non-leaf gradient', () => {
    const x = f64([1, 2]);
    const h = x.mul(3);
    h.retainGrad();
    h.square().sum().backward();
    expect(Array.from(h.grad!.dataSync())).toEqual([6, 12]);
    const unretained = x.mul(2);
    unretained.sum().backward();
    expect(unretained.grad).toBe(null);
  });

  it('registerHook sees and may replace a gradient; the remover removes it', () => {
    const x = f64([1, 2]);
    const h = x.mul(2);
    const seen: number[][] = [];
    h.registerHook((g) => {
      seen.push(Array.from(g.dataSync()));
      return g.mul(10);
    });
    const remove = x.registerHook((g) => g.add(1));
    h.sum().backward();
    expect(seen).toEqual([[1, 1]]);
    expect(Array.from(x.grad!.dataSync())).toEqual([21, 21]);
    remove();
    x.grad = null;
    x.mul(1).sum().backward();
    expect(Array.from(x.grad!.dataSync())).toEqual([1, 1]);
  });

  it('refuses hooks and retainGrad on tensors that do not require grad', () => {
    expect(() => tensor([1.5]).registerHook((g) => g)).toThrow(/doesn't require gradient/);
    expect(() => tensor([1.5]).retainGrad()).toThrow(/can't retainGrad/);
  });

  it('detach shares data but cuts the graph; detach_ does it in place', () => {
    const x = f64([1, 2]);
    const y = x.mul(2);
    const d = y.detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.storage).toBe(y.storage);
    y.detach_();
    expect(y.isLeaf).toBe(true);
    expect(y.requiresGrad).toBe(false);
  });
});

describe('grad()', () => {
  it('returns gradients without touching .grad', () => {
    const x = f64([1, 2]);
    const [g] = grad(x.square().sum(), [x]);
    expect(Array.from(g!.dataSync())).toEqual([2, 4]);
    expect(x.grad).toBe(null);
  });

  it('differentiates with respect to non-leaves', () => {
    const x = f64([1, 2]);
    const h = x.mul(3);
    const [gh, gx] = grad(h.square().sum(), [h, x]);
    expect(Array.from(gh!.dataSync())).toEqual([6, 12]);
    expect(Array.from(gx!.dataSync())).toEqual([18, 36]);
  });

  it('grad of grad: Hessian-vector products and gradient penalties', () => {
    const x = f64([1, 2, 3]);
    const [dx] = grad(x.pow(3).sum(), [x], { createGraph: true });
    expect(dx!.requiresGrad).toBe(true);
    const [ddx] = grad(dx!.sum(), [x]);
    expect(Array.from(ddx!.dataSync())).toEqual([6, 12, 18]);
    const w = f64([0.5, -1]);
    const out = w
      .mul(x.slice(0, 0, 2))
      .tanh()
      .sum();
    const [gw] = grad(out, [w], { createGraph: true });
    gw!.square().sum().backward();
    expect(w.grad).not.toBe(null);
  });

  it('x.backward({ createGraph }) leaves a differentiable .grad', () => {
    const x = f64([2]);
    x.pow(3).sum().backward(undefined, { createGraph: true });
    const g = x.grad!;
    x.grad = null;
    g.sum().backward();
    expect(x.grad!.item()).toBe(12);
  });

  it('reports unused inputs unless allowUnused', () => {
    const x = f64([1]);
    const y = f64([2]);
    expect(() => grad(x.mul(2).sum(), [y])).toThrow(/appears to not have been used in the graph/);
    const [gy] = grad(x.mul(2).sum(), [y], { allowUnused: true });
    expect(gy).toBeUndefined();
    expect(() => grad(x.mul(2).sum(), [tensor([1.5])])).toThrow(/does not require grad/);
  });

  it('takes gradOutputs for non-scalar outputs', () => {
    const x = f64([1, 2]);
    const [g] = grad(x.mul(x), [x], { gradOutputs: [ones([2], { dtype: 'float64' }).mul(3)] });
    expect(Array.from(g!.dataSync())).toEqual([6, 12]);
  });
});
