import { cpuPoolInfo, randn, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import '@nn/autograd';

describe('CPU memory pool fed by backward', () => {
  it("reuses the gradients one backward made for the next step's, with the same results", () => {
    // [128, 512] @ [512, 256]: every intermediate is 128 KiB or more, in the pool's range.
    const x = randn([128, 512]);
    const w = randn([512, 256], { requiresGrad: true });
    const step = (): Float32Array => {
      w.grad = null;
      x.matmul(w).relu().mul(x.matmul(w).sigmoid()).sum().backward();
      return (w.grad as Tensor | null)!.dataSync() as Float32Array;
    };
    const first = step();
    const reuses = cpuPoolInfo().reuses;
    const second = step();
    expect(cpuPoolInfo().reuses).toBeGreaterThan(reuses);
    expect(second).toEqual(first);
    expect(second.buffer).not.toBe(first.buffer);
  });
});
