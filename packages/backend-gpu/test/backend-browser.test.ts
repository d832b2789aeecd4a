import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserHarness, openBrowserHarness } from './browser/harness';
import { expectSameLosses } from './support/compare';

// The 'gpu' backend in Debian's headless Chromium (SwiftShader), on each mode NN_BROWSER_TEST_MODES lists
// (CI: webgl2,webgpu); a listed mode that does not come up fails, it is never skipped.
const MODES = (process.env.NN_BROWSER_TEST_MODES ?? '')
  .split(',')
  .map((mode) => mode.trim())
  .filter(Boolean);

describe.skipIf(MODES.length === 0)("the 'gpu' backend in headless Chromium (NN_BROWSER_TEST_MODES)", () => {
  let harness: BrowserHarness;

  beforeAll(async () => {
    harness = await openBrowserHarness();
  }, 300_000);

  afterAll(async () => {
    await harness?.close();
  });

  it.each(MODES)(
    'computes a focused op subset like the CPU and trains an MLP on %s',
    async (mode) => {
      const result = await harness.runBackendSuite(mode, 40);
      expect(result.mode).toBe(mode);
      expect(result.contract).toBe(mode === 'webgpu' ? 'async' : 'sync');
      if (mode === 'webgpu') expect(result.adapter).toBeTruthy();
      for (const [op, error] of Object.entries(result.errors)) {
        expect(error, op).toBeLessThanOrEqual(1e-5);
      }
      expect(Object.keys(result.errors)).toHaveLength(19);
      expect(result.lastLoss).toBeLessThan(result.firstLoss * 0.8);
    },
    300_000,
  );

  // webasm too: the done-when's pair is webgl2 with webasm or webgpu, and CI lists webgl2,webgpu
  const together = [...new Set([...MODES, 'webasm'])];
  it(`trains the same MLP to the same losses on ${together.join(', ')} registered at once in one page`, async () => {
    const steps = 15;
    const result = await harness.runMultiDeviceSuite(together, steps);
    expect(result.devices.map(({ device, mode }) => [device, mode])).toEqual(
      together.map((mode) => [`gpu:${mode}`, mode]),
    );
    expect(result.cpu[steps - 1]!).toBeLessThan(result.cpu[0]! * 0.9);
    result.losses.forEach((losses, i) => {
      expectSameLosses(result.devices[i]!.device, losses, result.cpu);
    });
  }, 300_000);
});
