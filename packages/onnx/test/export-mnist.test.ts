import { manualSeed } from '@nn/tensor';
import { expect, it } from 'vitest';
import { exportOnnx } from '../src/index';
import { callModel, maxAbsDiff, mnistBatch, mnistCnn, runOrt } from './ort';

it('the MNIST CNN exported at batch 1 runs in onnxruntime-node at batches 1, 4 and 33 within 1e-5', async () => {
  manualSeed(1);
  const model = mnistCnn();
  const bytes = exportOnnx(model, [mnistBatch(1)], { dynamicBatch: true });
  for (const batch of [1, 4, 33]) {
    const x = mnistBatch(batch);
    const [logits] = await runOrt(bytes, { input: x });
    expect(logits!.dims).toEqual([batch, 10]);
    expect(maxAbsDiff(logits!, callModel(model, x))).toBeLessThanOrEqual(1e-5);
  }
});

it('without dynamicBatch the graph keeps the example batch size', async () => {
  const model = mnistCnn();
  const bytes = exportOnnx(model, [mnistBatch(2)]);
  await expect(runOrt(bytes, { input: mnistBatch(3) })).rejects.toThrow(/dimension|Got invalid dimensions/i);
  const x = mnistBatch(2);
  const [logits] = await runOrt(bytes, { input: x });
  expect(maxAbsDiff(logits!, callModel(model, x))).toBeLessThanOrEqual(1e-5);
});
