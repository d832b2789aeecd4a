import {
  enableGrad,
  inferenceMode,
  isGradEnabled,
  isInferenceMode,
  noGrad,
  setGradEnabled,
} from '@nn/autograd';
import { tensor } from '@nn/tensor';
import { afterEach, describe, expect, it } from 'vitest';

const x = () => tensor([1.5, 2], { requiresGrad: true });

describe('grad mode switches', () => {
  afterEach(() => setGradEnabled(true));

  it('noGrad stops recording and returns the result', () => {
    const y = noGrad(() => x().mul(2));
    expect(y.requiresGrad).toBe(false);
    expect(y.gradFn).toBe(null);
    expect(isGradEnabled()).toBe(true);
  });

  it('nests with enableGrad and restores every level', () => {
    noGrad(() => {
      expect(isGradEnabled()).toBe(false);
      enableGrad(() => {
        expect(isGradEnabled()).toBe(true);
        expect(x().mul(2).requiresGrad).toBe(true);
        noGrad(() => expect(isGradEnabled()).toBe(false));
        expect(isGradEnabled()).toBe(true);
      });
      expect(isGradEnabled()).toBe(false);
    });
    expect(isGradEnabled()).toBe(true);
  });

  it('restores the mode when fn throws', () => {
    expect(() =>
      noGrad(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(isGradEnabled()).toBe(true);
  });

  it('restores after an async fn settles (resolved or rejected)', async () => {
    const pending = noGrad(async () => {
      await Promise.resolve();
      expect(isGradEnabled()).toBe(false);
      return x().mul(2);
    });
    // The caller keeps its own mode while the scope is pending (one mode per async scope in Node).
    expect(isGradEnabled()).toBe(true);
    const y = await pending;
    expect(y.requiresGrad).toBe(false);
    expect(isGradEnabled()).toBe(true);
    await expect(
      noGrad(async () => {
        await Promise.resolve();
        throw new Error('async boom');
      }),
    ).rejects.toThrow('async boom');
    expect(isGradEnabled()).toBe(true);
  });

  it('setGradEnabled switches until changed', () => {
    setGradEnabled(false);
    expect(x().mul(2).requiresGrad).toBe(false);
    setGradEnabled(true);
    expect(x().mul(2).requiresGrad).toBe(true);
  });

  it('inferenceMode records nothing, even inside enableGrad, and restores', () => {
    inferenceMode(() => {
      expect(isInferenceMode()).toBe(true);
      expect(x().mul(2).requiresGrad).toBe(false);
      enableGrad(() => expect(x().exp().requiresGrad).toBe(false));
    });
    expect(isInferenceMode()).toBe(false);
    expect(x().mul(2).requiresGrad).toBe(true);
  });

  it('in-place updates of leaves are allowed under noGrad (optimizer steps)', () => {
    const w = x();
    w.mul(w).sum().backward();
    noGrad(() => w.sub_(w.grad!.mul(0.5)));
    expect(Array.from(w.dataSync())).toEqual([0, 0]);
    expect(w.isLeaf).toBe(true);
  });
});
