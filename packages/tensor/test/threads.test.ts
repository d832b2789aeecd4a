import { availableParallelism } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { getNumThreads, manualSeed, randn, setNumThreads, ValueError } from '../src';
import { gemmSettings } from '../src/backends/cpu/gemm/settings';

describe('setNumThreads / getNumThreads (torch.set_num_threads)', () => {
  const initial = gemmSettings().maxThreads;
  afterEach(() => {
    gemmSettings({ maxThreads: initial });
  });

  it('defaults to every core and follows the setting', () => {
    expect(getNumThreads()).toBe(availableParallelism());
    setNumThreads(1);
    expect(getNumThreads()).toBe(1);
    setNumThreads(10_000);
    expect(getNumThreads()).toBe(availableParallelism());
  });

  it('gives the same products on one thread as on all of them', () => {
    manualSeed(0);
    const a = randn([300, 260]);
    const b = randn([260, 280]);
    const all = a.matmul(b).dataSync();
    setNumThreads(1);
    expect(a.matmul(b).dataSync()).toEqual(all);
  });

  it('refuses anything but a whole number >= 1', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => setNumThreads(bad)).toThrow(ValueError);
    }
    expect(() => setNumThreads(0)).toThrow('setNumThreads: expected a whole number of threads >= 1, got 0');
  });
});
