import { Writable } from 'node:stream';
import { unregisterGpuBackend } from '@nn/backend-gpu';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareDevice } from '../src/device';
import { type TrainOptions, trainMnist } from '../src/train';

/** Discards what the app prints. */
const quiet = new Writable({ write: (_chunk, _enc, done) => done() }) as unknown as NodeJS.WriteStream;

const OPTIONS: TrainOptions = {
  model: 'mlp',
  epochs: 1,
  batchSize: 64,
  lr: 3e-3,
  schedule: 'onecycle',
  seed: 0,
  device: 'cpu',
  out: '',
  limit: 1000,
  log: quiet,
};

describe("MNIST example on 'gpu'", () => {
  afterAll(async () => {
    await unregisterGpuBackend();
  });

  it('trains the MLP on 1 000 images with --device gpu (webasm) to the accuracy of the CPU run', async () => {
    // webasm: the mode plain Node always has
    expect(await prepareDevice('gpu', { mode: 'webasm' })).toMatch(
      /^gpu \(gpu\.js mode webasm, sync contract\)$/,
    );
    const gpu = await trainMnist({ ...OPTIONS, device: 'gpu' });
    const cpu = await trainMnist(OPTIONS);
    // chance is 10%; same seed, data and initial weights, so the runs differ by float32 rounding only
    expect(gpu.testAccuracy).toBeGreaterThan(0.6);
    expect(Math.abs(gpu.testAccuracy - cpu.testAccuracy)).toBeLessThan(0.01);
    expect(Math.abs(gpu.trainLoss[0]! - cpu.trainLoss[0]!)).toBeLessThan(0.01);
  });
});
