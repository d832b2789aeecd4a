import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BufferPool } from '../src/runtime/buffer-pool';
import type { KernelSpec } from '../src/runtime/cached-kernel';
import { createGpuRuntime } from '../src/runtime/create-gpu-runtime';
import type { DawnBackend } from '../src/runtime/dawn-node';
import type { KernelThis } from '../src/runtime/gpu-js-types';
import { type GpuMode, isGpuMode } from '../src/runtime/gpu-mode';
import type { GpuRuntime } from '../src/runtime/gpu-runtime';

// Which modes to test. Every listed mode MUST come up (a missing adapter fails the suite, it is never
// skipped): CI sets NN_GPU_TEST_MODES=webasm,cpu,webgpu and NN_DAWN_BACKEND after tooling/scripts/setup-gpu-ci.sh
// installed what WebGPU needs. Without the variable, only the modes plain Node always has run.
const MODES: GpuMode[] = (process.env.NN_GPU_TEST_MODES ?? 'webasm,cpu')
  .split(',')
  .map((mode) => mode.trim())
  .filter((mode): mode is GpuMode => {
    if (!isGpuMode(mode)) throw new Error(`NN_GPU_TEST_MODES: unknown mode '${mode}'`);
    return true;
  });
const DAWN_BACKEND = (process.env.NN_DAWN_BACKEND ?? 'default') as DawnBackend;

const add: KernelSpec = {
  op: 'add',
  rank: 1,
  source: function (this: KernelThis, a: Float32Array, b: Float32Array) {
    return a[this.thread.x]! + b[this.thread.x]!;
  },
};

// Flat row-major [m,k] @ [k,n] -> flat [m*n]: sizes are arguments, so one build serves every size.
const matmul: KernelSpec = {
  op: 'matmul',
  rank: 1,
  source: function (this: KernelThis, a: Float32Array, b: Float32Array, m: number, n: number, k: number) {
    const row = Math.floor(this.thread.x / n);
    const col = this.thread.x - row * n;
    let sum = 0;
    for (let p = 0; p < k; p++) {
      sum += a[row * k + p]! * b[p * n + col]!;
    }
    return sum + 0 * m;
  },
};

function random(length: number, seed: number): Float32Array {
  let state = seed;
  return Float32Array.from({ length }, () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return (state / 2_147_483_648) * 2 - 1;
  });
}

function matmulRef(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  m: number,
  n: number,
  k: number,
): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += a[i * k + p]! * b[p * n + j]!;
      out[i * n + j] = sum;
    }
  }
  return out;
}

/** Largest |got - ref| / max(1, |ref|); the suite requires it <= 1e-5 against float64 references. */
function maxError(got: Float32Array, ref: ArrayLike<number>): number {
  expect(got.length).toBe(ref.length);
  let worst = 0;
  for (let i = 0; i < ref.length; i++) {
    worst = Math.max(worst, Math.abs(got[i]! - ref[i]!) / Math.max(1, Math.abs(ref[i]!)));
  }
  return worst;
}

describe.each(MODES)('gpu runtime on %s', (mode) => {
  let rt: GpuRuntime;

  beforeAll(async () => {
    rt = await createGpuRuntime({ mode, dawnBackend: DAWN_BACKEND });
  });

  afterAll(async () => {
    await rt?.destroy();
  });

  it('reports the mode gpu.js really built the probe kernel on', () => {
    expect(rt.mode).toBe(mode);
    expect(rt.fallbackReason).toBeNull();
    expect(rt.contract).toBe(mode === 'webgpu' ? 'async' : 'sync');
    if (mode === 'webgpu') expect(rt.adapter?.name).toBeTruthy();
    else expect(rt.adapter).toBeNull();
  });

  it('adds flat Float32Arrays of two sizes with one built kernel', async () => {
    const kernel = rt.kernel(add);
    for (const n of [1000, 4099]) {
      const a = random(n, n);
      const b = random(n, n + 1);
      const out = await rt.run(kernel, [n], a, b);
      expect(out.mode).toBe(mode);
      expect(
        maxError(
          await out.read(),
          a.map((x, i) => x + b[i]!),
        ),
      ).toBeLessThanOrEqual(1e-5);
      out.release();
    }
    expect(rt.kernel(add)).toBe(kernel);
    expect(kernel.calls).toBe(2);
    expect(kernel.builds).toBe(1);
    expect(kernel.switches).toBe(0);
    expect(kernel.builtMode).toBe(mode);
  });

  it('runs a matmul of a growing output with one built kernel, sizes passed as arguments', async () => {
    const kernel = rt.kernel(matmul);
    for (const [m, n, k] of [
      [8, 12, 5],
      [70, 45, 33],
    ] as const) {
      const a = random(m * k, m);
      const b = random(k * n, n);
      const out = await rt.run(kernel, [m * n], a, b, m, n, k);
      expect(maxError(await out.read(), matmulRef(a, b, m, n, k))).toBeLessThanOrEqual(1e-5);
      out.release();
    }
    expect(kernel.builds).toBe(1);
    expect(kernel.switches).toBe(0);
  });

  it('chains kernels on device results, then releases every buffer', async () => {
    const [m, n, k] = [20, 24, 16];
    const a = random(m * k, 1);
    const b = random(k * n, 2);
    const c = random(m * n, 3);
    const w = random(n * 7, 4);
    const live = rt.buffers.live;
    const product = await rt.run(rt.kernel(matmul), [m * n], a, b, m, n, k);
    const sum = await rt.run(rt.kernel(add), [m * n], product, c);
    const projected = await rt.run(rt.kernel(matmul), [m * 7], sum, w, m, 7, n);
    expect(rt.buffers.live).toBe(live + 3);
    const sumRef = matmulRef(a, b, m, n, k).map((x, i) => x + c[i]!);
    expect(maxError(await sum.read(), sumRef)).toBeLessThanOrEqual(1e-5);
    expect(maxError(await projected.read(), matmulRef(sumRef, w, m, 7, n))).toBeLessThanOrEqual(1e-5);
    for (const buffer of [product, sum, projected]) buffer.release();
    expect(rt.buffers.live).toBe(live);
    expect(rt.kernelCount).toBe(2);
    expect(rt.kernels().every((kernel) => kernel.switches === 0)).toBe(true);
    await expect(product.read()).rejects.toThrow(/released/);
  });

  it('keeps the live buffer count flat over a loop', async () => {
    const kernel = rt.kernel(add);
    const start = rt.buffers.live;
    let x = await rt.run(kernel, [256], random(256, 5), random(256, 6));
    for (let step = 0; step < 20; step++) {
      const next = await rt.run(kernel, [256], x, x);
      x.release();
      x = next;
    }
    expect(rt.buffers.live).toBe(start + 1);
    x.release();
    expect(rt.buffers.live).toBe(start);
  });

  it('reuses released result memory as far as gpu.js lets the mode', async () => {
    const kernel = rt.kernel(add);
    const n = 333; // a size no other test asks for
    const a = random(n, 8);
    // the pool keeps only sizes asked for: a kernel output (webgpu) or an upload (host-array modes)
    const asked = rt.hasHostResults ? rt.hostResult(a, 'upload') : undefined;
    const first = await rt.run(kernel, [n], a, a);
    const firstRaw = first.raw;
    const before = rt.poolStats();
    first.release();
    expect(rt.poolStats().pooled).toBe(before.pooled + 1);
    expect(rt.poolStats().pooledBytes).toBe(before.pooledBytes + 4 * n);
    if (mode === 'webgpu') {
      // the next output of that size is written into the released GPUBuffer
      const second = await rt.run(kernel, [n], a, random(n, 9));
      expect((second.raw as { buffer: unknown }).buffer).toBe((firstRaw as { buffer: unknown }).buffer);
      expect(rt.poolStats()).toMatchObject({ hits: before.hits + 1, pooled: before.pooled });
      expect(
        maxError(
          await second.read(),
          a.map((x, i) => x + random(n, 9)[i]!),
        ),
      ).toBeLessThanOrEqual(1e-5);
      second.release();
    } else {
      // gpu.js allocates these modes' kernel outputs itself; an upload copies into the released array
      const upload = rt.hostResult(a, 'upload');
      expect(upload.raw).toBe(firstRaw);
      expect(rt.poolStats()).toMatchObject({ hits: before.hits + 1, pooled: before.pooled });
      expect(await upload.read()).toEqual(a);
      upload.release();
      asked?.release();
    }
  });

  it('honours the call contract of its mode', async () => {
    const kernel = rt.kernel(add);
    const one = new Float32Array([1, 2]);
    if (rt.contract === 'sync') {
      const out = rt.runSync(kernel, [2], one, one);
      expect([...out.readSync()]).toEqual([2, 4]);
      out.release();
    } else {
      expect(() => rt.runSync(kernel, [2], one, one)).toThrow(/asynchronously/);
      const out = await rt.run(kernel, [2], one, one);
      expect(() => out.readSync()).toThrow(/asynchronously/);
      out.release();
    }
  });
});

describe('the buffer pool', () => {
  it('serves buffers of the exact size, keeps only sizes asked for, frees the longest-kept past its bounds', () => {
    const freed: string[] = [];
    const pool = new BufferPool<string>(100, (buffer) => freed.push(buffer), 2);
    pool.give('unwanted', 40);
    expect(freed).toEqual(['unwanted']);
    freed.length = 0;
    expect(pool.take(40)).toBeUndefined();
    expect(pool.take(30)).toBeUndefined();
    expect(pool.take(101)).toBeUndefined();
    pool.give('a40', 40);
    pool.give('b40', 40);
    expect(pool.take(40)).toBe('b40');
    pool.give('c40', 40);
    pool.give('d30', 30);
    expect(freed).toEqual(['a40']);
    pool.give('huge', 101);
    expect(freed).toEqual(['a40', 'huge']);
    expect(pool.stats()).toEqual({
      hits: 1,
      misses: 3,
      pooled: 2,
      pooledBytes: 70,
      maxBytes: 100,
      maxPerSize: 2,
      evicted: 2,
    });
    pool.give('e30', 30);
    pool.give('f30', 30);
    expect(freed).toEqual(['a40', 'huge', 'f30']);
    pool.clear();
    expect(freed).toEqual(['a40', 'huge', 'f30', 'c40', 'd30', 'e30']);
    expect(pool.stats()).toMatchObject({ pooled: 0, pooledBytes: 0 });
  });
});

describe('mode selection', () => {
  it('rejects a pool bound that is not a byte count', async () => {
    await expect(createGpuRuntime({ mode: 'cpu', poolBytes: -1 })).rejects.toThrow(
      /poolBytes must be a finite number >= 0/,
    );
  });

  it('picks webasm in plain Node, never a software WebGPU adapter, and leaves no navigator behind', async () => {
    const rt = await createGpuRuntime({ dawnBackend: DAWN_BACKEND });
    expect(rt.requestedMode).toBe('auto');
    expect(rt.mode).toBe('webasm');
    await rt.destroy();
    expect((globalThis as { navigator?: unknown }).navigator).toBeUndefined();
  });

  it('runs webasm on worker threads under the async contract', async () => {
    const rt = await createGpuRuntime({ mode: 'webasm', threads: true });
    expect(rt.contract).toBe('async');
    const n = 3000;
    const a = random(n, 7);
    const out = await rt.run(rt.kernel(add), [n], a, a);
    expect(
      maxError(
        await out.read(),
        a.map((x) => 2 * x),
      ),
    ).toBeLessThanOrEqual(1e-5);
    out.release();
    await rt.destroy();
  });

  it('rejects a mode this environment does not have, naming it', async () => {
    await expect(createGpuRuntime({ mode: 'webgl2' })).rejects.toThrow(/mode 'webgl2' is not available/);
  });

  it.skipIf(!MODES.includes('webgpu'))(
    'webgpu: reports a software adapter as such and restores navigator',
    async () => {
      const rt = await createGpuRuntime({ mode: 'webgpu', dawnBackend: DAWN_BACKEND });
      expect(rt.adapter?.isSoftware).toBe(true);
      await rt.destroy();
      expect((globalThis as { navigator?: unknown }).navigator).toBeUndefined();
    },
  );
});
