import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import '@nn/autograd';
import * as esm from '@nn/tensor';
import { describe, expect, it } from 'vitest';

// Two copies of @nn/tensor in one process: the ESM sources these tests import, and the package's built CJS
// file (what a CommonJS dependency gets). Two versions in one npm tree behave the same way.
const requireHere = createRequire(import.meta.url);
const cjs = requireHere('@nn/tensor') as typeof esm;

describe('two copies of @nn/tensor in one process', () => {
  it('are really two copies (kernels of both make tensors of the class loaded last)', () => {
    expect(cjs.Tensor).not.toBe(esm.Tensor);
    expect(cjs.tensor).not.toBe(esm.tensor);
  });

  it("share one registry: the other copy's tensors get correct gradients from the one autograd", () => {
    const x = cjs.tensor([-1, 2]).float().requiresGrad_();
    x.relu().sum().backward();
    expect(x.grad!.tolist()).toEqual([0, 1]);
    const y = cjs.tensor([0.5, 1]).double().requiresGrad_();
    y.exp().sum().backward();
    expect(y.grad!.tolist()).toEqual([Math.exp(0.5), Math.exp(1)]);
  });

  it('mix: ops of one copy take tensors of the other, and recording goes through both', () => {
    const a = esm.tensor([1, 2, 3]).float().requiresGrad_();
    const b = cjs.tensor([4, 5, 6]).float().requiresGrad_();
    const loss = esm
      .mul(a, b)
      .sum()
      .add(cjs.where(cjs.tensor([true, false, true]), b, 0).sum());
    loss.backward();
    expect(a.grad!.tolist()).toEqual([4, 5, 6]);
    expect(b.grad!.tolist()).toEqual([2, 2, 4]);
  });

  it("recognise each other's tensors (instanceof, isTensor)", () => {
    expect(cjs.tensor([1]) instanceof esm.Tensor).toBe(true);
    expect(esm.tensor([1]) instanceof cjs.Tensor).toBe(true);
    expect(esm.isTensor(cjs.zeros([2]))).toBe(true);
    expect(esm.isTensor({ shape: [1] })).toBe(false);
    // a subclass (as @nn/nn's Parameter) keeps the prototype-chain test
    class Sub extends esm.Tensor {}
    expect(esm.tensor([1]) instanceof Sub).toBe(false);
    expect(new Sub(esm.tensor([1]).storage, [1]) instanceof Sub).toBe(true);
  });

  it('fail loudly at import when the registry already there has another format, naming both versions', () => {
    const script = [
      "globalThis[Symbol.for('@nn/tensor.registry')] = { format: 999, version: '9.9.9' };",
      "require('@nn/tensor');",
    ].join(' ');
    const cwd = fileURLToPath(new URL('..', import.meta.url));
    const run = spawnSync(process.execPath, ['-e', script], { cwd, encoding: 'utf8' });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('two incompatible copies of @nn/tensor are loaded: 9.9.9');
    expect(run.stderr).toMatch(/and \d+\.\d+\.\d+ \(format \d+\)/);
    expect(run.stderr).toContain('npm dedupe');
  });
});
