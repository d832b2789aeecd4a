import '@nn/autograd';
import { F, Linear, ReLU, Sequential } from '@nn/nn';
import { Adam } from '@nn/optim';
import { manualSeed, randn } from '@nn/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerGpuBackend, unregisterGpuBackend } from '../src';
import { values } from './support/compare';
import { DAWN_BACKEND, TEST_MODES } from './support/modes';

function mlp(): Sequential {
  manualSeed(3);
  return new Sequential(new Linear(6, 8), new ReLU(), new Linear(8, 2));
}

describe.each(TEST_MODES)("Module.to('gpu') keeps the parameters an optimizer holds (%s)", (mode) => {
  beforeAll(async () => {
    await registerGpuBackend({ mode, dawnBackend: DAWN_BACKEND });
  });

  afterAll(async () => {
    await unregisterGpuBackend();
  });

  it('an Adam built before model.to(gpu) trains the device model as the CPU one', async () => {
    manualSeed(4);
    const x = randn([16, 6]);
    const y = x.narrow(1, 0, 2);
    const results: number[][] = [];
    for (const device of ['cpu', 'gpu']) {
      const model = mlp();
      const optimizer = new Adam(model.parameters(), { lr: 0.05 });
      const params = model.parameters();
      model.to(device);
      expect(model.parameters().every((p, i) => p === params[i] && p.device === device)).toBe(true);
      for (let step = 0; step < 3; step++) {
        optimizer.zeroGrad();
        F.mseLoss(model.call(x.to(device)), y.to(device)).backward();
        optimizer.step();
      }
      expect(model.parameters().every((p) => p.device === device)).toBe(true);
      results.push((await Promise.all(model.parameters().map((p) => values(p)))).flat());
    }
    const untrained = (
      await Promise.all(
        mlp()
          .parameters()
          .map((p) => values(p)),
      )
    ).flat();
    expect(results[1]!.some((v, i) => Math.abs(v - untrained[i]!) > 1e-3)).toBe(true);
    results[0]!.forEach((want, i) => {
      expect(Math.abs(results[1]![i]! - want), `element ${i}`).toBeLessThanOrEqual(
        1e-4 + 1e-4 * Math.abs(want),
      );
    });
  });
});
