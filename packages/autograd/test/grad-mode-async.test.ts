import { enableGrad, inferenceMode, isGradEnabled, isInferenceMode, noGrad } from '@nn/autograd';
import { NNError, tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { createModeScopes } from '../src/mode-scopes';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const x = () => tensor([1.5, 2], { requiresGrad: true });

describe('async grad mode (Node: one mode per async scope)', () => {
  it('two overlapping noGrad scopes that finish in start order leave grad enabled', async () => {
    const first = noGrad(async () => {
      await sleep(1);
      return isGradEnabled();
    });
    const second = noGrad(async () => {
      await sleep(20);
      return isGradEnabled();
    });
    expect(await first).toBe(false);
    expect(await second).toBe(false);
    expect(isGradEnabled()).toBe(true);
    expect(x().mul(2).requiresGrad).toBe(true);
  });

  it('overlapping inferenceMode scopes do not leave inference on', async () => {
    const a = inferenceMode(() => sleep(1));
    const b = inferenceMode(() => sleep(15));
    await Promise.all([a, b]);
    expect(isInferenceMode()).toBe(false);
    expect(enableGrad(() => x().mul(2).requiresGrad)).toBe(true);
  });

  it('each async callback keeps its own mode across await', async () => {
    const seen: Record<string, boolean> = {};
    const off = noGrad(async () => {
      await sleep(10);
      seen.off = isGradEnabled();
      seen.offRecords = x().mul(2).requiresGrad;
    });
    const on = enableGrad(async () => {
      await sleep(1);
      seen.on = isGradEnabled();
    });
    // The caller's own mode is untouched while both scopes are pending.
    expect(isGradEnabled()).toBe(true);
    await Promise.all([off, on]);
    expect(seen).toEqual({ off: false, offRecords: false, on: true });
  });
});

describe('grad mode without async context (browsers)', () => {
  it('nested async scopes work and restore', async () => {
    const scopes = createModeScopes(undefined);
    const off = { enabled: false, inference: false };
    await scopes.run('noGrad', off, async () => {
      await scopes.run('enableGrad', { enabled: true, inference: false }, () => sleep(1));
      expect(scopes.current().enabled).toBe(false);
    });
    expect(scopes.current()).toEqual({ enabled: true, inference: false });
  });

  it('rejects overlapping scopes with a clear error and leaves the mode as it was before', async () => {
    const scopes = createModeScopes(undefined);
    const off = { enabled: false, inference: false };
    const first = scopes.run('noGrad', off, () => sleep(1));
    const second = scopes.run('noGrad', off, () => sleep(15));
    await expect(first).rejects.toThrow(NNError);
    await expect(first).rejects.toThrow(/noGrad: an async noGrad scope settled while a later async noGrad/);
    await second;
    expect(scopes.current()).toEqual({ enabled: true, inference: false });
  });
});
