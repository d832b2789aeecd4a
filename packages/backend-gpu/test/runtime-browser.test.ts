import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserHarness, openBrowserHarness } from './browser/harness';

// Browser modes run in Debian's headless Chromium. They run when NN_BROWSER_TEST_MODES lists them (CI sets
// NN_BROWSER_TEST_MODES=webgl2,webgpu after tooling/scripts/setup-gpu-ci.sh installed chromium); a listed
// mode that does not come up fails, it is never skipped.
const MODES = (process.env.NN_BROWSER_TEST_MODES ?? '')
  .split(',')
  .map((mode) => mode.trim())
  .filter(Boolean);

const MATMUL = `function (a, b, m, n, k) {
  const row = Math.floor(this.thread.x / n);
  const col = this.thread.x - row * n;
  let sum = 0;
  for (let p = 0; p < k; p++) {
    sum += a[row * k + p] * b[p * n + col];
  }
  return sum + 0 * m;
}`;

function random(length: number, seed: number): number[] {
  let state = seed;
  return Array.from({ length }, () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return Math.fround((state / 2_147_483_648) * 2 - 1);
  });
}

describe.skipIf(MODES.length === 0)('gpu.js in headless Chromium (NN_BROWSER_TEST_MODES)', () => {
  let harness: BrowserHarness;

  beforeAll(async () => {
    harness = await openBrowserHarness();
  }, 300_000);

  afterAll(async () => {
    await harness?.close();
  });

  it.each(MODES)('runs a matmul on %s within 1e-5 of float64', async (mode) => {
    const [m, n, k] = [33, 20, 17];
    const a = random(m * k, 1);
    const b = random(k * n, 2);
    const result = await harness.runKernel({ mode, source: MATMUL, output: [m * n], args: [a, b, m, n, k] });
    expect(result.fallbackReason).toBeNull();
    expect(result.kernelClass).toBe(
      { webgl2: 'WebGL2Kernel', webgl: 'WebGLKernel', webgpu: 'WebGPUKernel', webasm: 'WebAssemblyKernel' }[
        mode
      ],
    );
    let worst = 0;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0; p < k; p++) sum += a[i * k + p]! * b[p * n + j]!;
        worst = Math.max(worst, Math.abs(result.values[i * n + j]! - sum) / Math.max(1, Math.abs(sum)));
      }
    }
    expect(result.values).toHaveLength(m * n);
    expect(worst).toBeLessThanOrEqual(1e-5);
    if (mode === 'webgpu') expect(result.adapter).toBeTruthy();
  });

  it('auto mode picks webasm over SwiftShader WebGL2/WebGPU, in the page', async () => {
    const result = await harness.runRuntime();
    expect(result).toMatchObject({ mode: 'webasm', contract: 'sync', adapter: null, values: [11, 22, 33] });
  });

  it.each(MODES)('the runtime layer reports %s and computes on it, in the page', async (mode) => {
    const result = await harness.runRuntime(mode);
    expect(result.mode).toBe(mode);
    expect(result.values).toEqual([11, 22, 33]);
    if (mode === 'webgpu') expect(result.adapter).toMatchObject({ isSoftware: true });
  });
});
