import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerGpuBackend, unregisterGpuBackend } from '@nn/backend-gpu';
import { mlp } from '@nn/example-mnist/src/models';
import { F } from '@nn/nn';
import { Adam, lrScheduler } from '@nn/optim';
import { manualSeed } from '@nn/tensor';
import { EarlyStopping, evaluate, fit, predict } from '@nn/train';
import { loadCheckpoint, ModelCheckpoint } from '@nn/train/node';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSplit } from '../src/data';

describe("fit on the 'gpu' device (@nn/backend-gpu, webasm)", () => {
  afterAll(async () => {
    await unregisterGpuBackend();
  });

  it('moves the model and batches, trains, validates, stops early, checkpoints, evaluates and predicts', async () => {
    // webasm: the mode plain Node always has. (Its worker-thread variant, the async call contract, releases
    // buffers still in use even in a hand-written SGD loop today, so it cannot be tested here yet.)
    await registerGpuBackend({ mode: 'webasm' });
    const [x, y] = await loadSplit('mnist', true, { limit: 640 });
    manualSeed(0);
    const model = mlp();
    const checkpoint = new ModelCheckpoint({ dir: mkdtempSync(join(tmpdir(), 'nn-fit-gpu-')) });
    const history = await fit(model, {
      data: [x, y],
      epochs: 2,
      batchSize: 64,
      validationSplit: 0.25,
      device: 'gpu',
      seed: 0,
      optimizer: (parameters) => new Adam(parameters, { lr: 3e-3 }),
      scheduler: (optimizer, plan) =>
        new lrScheduler.OneCycleLR(optimizer, {
          maxLr: 3e-3,
          epochs: plan.epochs,
          stepsPerEpoch: plan.stepsPerEpoch!,
        }),
      loss: F.crossEntropy,
      metrics: ['accuracy'],
      callbacks: [new EarlyStopping({ restoreBestWeights: true }), checkpoint],
      verbose: 0,
    });
    expect(model.parameters()[0]!.device).toBe('gpu');
    // chance is 10%
    expect(Math.max(...history.get('val_accuracy'))).toBeGreaterThan(0.5);
    const held = [x.narrow(0, 480, 160), y.narrow(0, 480, 160)];
    const result = await evaluate(model, { data: held, loss: F.crossEntropy, metrics: ['accuracy'] });
    // EarlyStopping put back the weights of the epoch with the lowest val_loss
    const valLoss = history.get('val_loss');
    const best = valLoss.indexOf(Math.min(...valLoss));
    expect(result.loss).toBeCloseTo(valLoss[best]!, 4);
    expect(result.accuracy).toBeCloseTo(history.get('val_accuracy')[best]!, 5);
    const out = await predict(model, held[0]!);
    expect([out.device, ...out.shape]).toEqual(['gpu', 160, 10]);
    expect((await loadCheckpoint(checkpoint.lastPath)).epoch).toBe(2);
  });
});
