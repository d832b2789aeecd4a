import { availableParallelism } from 'node:os';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setNumThreads, type Tensor, tensor } from '../src';
import { gemmSettings } from '../src/backends/cpu/gemm/settings';
import { threadedKernels } from '../src/backends/cpu/gemm/wasm-engine';
import { WorkerPool } from '../src/backends/cpu/parallel/worker-pool';
import { splitsAcrossThreads, THREADED_MIN_ELEMENTS } from '../src/backends/cpu/simd/threaded-unary';
import { THREADED_UNARY } from '../src/backends/cpu/simd/threaded-units';

/** Resolves once a helper thread has booted (true), or false after `ms` without one. */
async function helperReady(ms = 10_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if ((threadedKernels()?.threads() ?? 1) > 1) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

/** Each threaded kernel through the op that reaches it. */
const CALLS: Record<string, (x: Tensor) => Tensor> = {
  sigmoid: (x) => x.sigmoid(),
  silu: (x) => x.silu(),
  tanh: (x) => x.tanh(),
  erf: (x) => x.erf(),
  gelu: (x) => x.gelu(),
  geluTanh: (x) => x.gelu('tanh'),
};

/** The float32 bits of `values`. */
const bits = (values: ArrayLike<number>) => new Uint32Array(Float32Array.from(values).buffer);

/** Normals over a range wide enough for every branch, with the values that need the full-range redo. */
function inputs(size: number): Float32Array {
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = Math.sin(i * 0.7361) * (i % 3 === 0 ? 12 : 3);
  const special = [Number.NaN, Infinity, -Infinity, 100, -100, 88.9, -88.9, 1e-30, -0, 1e-40, 20, -20];
  // Spread over the caller's share and the helpers' units, in several chunks.
  for (let k = 0; k < 40; k++) values[Math.floor(((k + 0.5) / 40) * size)] = special[k % special.length]!;
  return values;
}

describe('exp-based activations split across helper threads', () => {
  const initial = gemmSettings().maxThreads;
  afterEach(() => {
    gemmSettings({ maxThreads: initial });
    vi.restoreAllMocks();
  });

  it('gives the one-thread bits for every element, full-range lanes included', async () => {
    const ready = await helperReady();
    expect(ready).toBe(availableParallelism() > 1);
    const size = THREADED_MIN_ELEMENTS + 70_001; // not a whole number of chunks
    const x = tensor(inputs(size));
    const run = vi.spyOn(WorkerPool.prototype, 'run');
    expect(Object.keys(CALLS).sort()).toEqual([...THREADED_UNARY].sort());
    for (const kernel of THREADED_UNARY) {
      const apply = () => CALLS[kernel]!(x).dataSync();
      setNumThreads(1);
      expect(splitsAcrossThreads(kernel, size)).toBe(false);
      const oneThread = bits(apply());
      setNumThreads(2);
      expect(splitsAcrossThreads(kernel, size)).toBe(ready);
      const calls = run.mock.calls.length;
      const split = bits(apply());
      expect(run.mock.calls.length).toBe(calls + (ready ? 1 : 0));
      // (toEqual over 600k elements takes seconds; the first difference says as much)
      const differs = split.findIndex((b, i) => b !== oneThread[i]);
      expect({ kernel, differs }).toEqual({ kernel, differs: -1 });
    }
  });

  it('stays on the calling thread below the threshold and for other kernels', async () => {
    await helperReady();
    expect(splitsAcrossThreads('sigmoid', THREADED_MIN_ELEMENTS - 1)).toBe(false);
    expect(splitsAcrossThreads('add', 4 * THREADED_MIN_ELEMENTS)).toBe(false);
    expect(splitsAcrossThreads('exp', 4 * THREADED_MIN_ELEMENTS)).toBe(false);
  });
});
