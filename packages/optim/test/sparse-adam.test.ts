// PyTorch 1.13 trajectories with sparse gradients (dense.to_sparse()): tooling/fixtures/cases/optim_lbfgs.py.
import { tensor } from '@nn/tensor';
import { assertClose, type FixtureTensor, fixtureArray, loadFixtures } from '@nn/tooling/test-utils';
import { describe, expect, it } from 'vitest';
import { SparseAdam, type SparseAdamOptions } from '../src/index';

interface SparseAdamCase {
  options: Partial<SparseAdamOptions>;
  dtype: 'float32' | 'float64';
  init: FixtureTensor;
  target: FixtureTensor;
  masks: FixtureTensor[];
  trajectory: FixtureTensor[];
}

const cases = loadFixtures<SparseAdamCase>(new URL('./fixtures/sparse-adam.jsonl', import.meta.url)).cases;
const load = (f: FixtureTensor, dtype: 'float32' | 'float64') =>
  tensor(fixtureArray({ ...f, dtype }), { dtype }).reshape(f.shape);

describe.each(Object.entries(cases))('SparseAdam %s', (_name, c) => {
  it("follows PyTorch's trajectory, updating only the entries the gradient has", () => {
    const p = load(c.init, c.dtype);
    const target = load(c.target, c.dtype);
    const opt = new SparseAdam([p], c.options);
    const tol = c.dtype === 'float64' ? { rtol: 1e-9, atol: 1e-12 } : { rtol: 1e-5, atol: 1e-6 };
    c.masks.forEach((m, step) => {
      const before = p.clone();
      const mask = load(m, c.dtype);
      p.grad = p.sub(target).mul(2).mul(mask);
      opt.step();
      assertClose(p, c.trajectory[step]!, tol, `step ${step + 1}`);
      // entries outside the mask did not move
      expect(p.sub(before).mul(mask.neg().add(1)).abs().max().item()).toBe(0);
    });
  });
});

describe('SparseAdam options', () => {
  it('are checked as torch checks them', () => {
    const p = tensor([1.5], { requiresGrad: true });
    expect(() => new SparseAdam([p], { lr: 0 })).toThrow('SparseAdam: Invalid learning rate: 0');
    expect(() => new SparseAdam([p], { eps: 0 })).toThrow('SparseAdam: Invalid epsilon value: 0');
    expect(() => new SparseAdam([p], { weightDecay: 0.1 } as never)).toThrow(
      "SparseAdam: unknown option 'weightDecay'",
    );
  });
});
