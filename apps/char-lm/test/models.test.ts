import { manualSeed, randint, tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { buildModel } from '../src/models/build-model';
import type { ModelConfig } from '../src/models/char-model';

const configs: ModelConfig[] = [
  { model: 'lstm', vocabSize: 11, embeddingDim: 8, hiddenSize: 12, numLayers: 2, dropout: 0.1 },
  {
    model: 'transformer',
    vocabSize: 11,
    dModel: 16,
    nhead: 2,
    numLayers: 2,
    dimFeedforward: 32,
    dropout: 0.1,
    contextLength: 10,
  },
];

/** Largest absolute difference between two tensors' values. */
function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe.each(configs)('$model language model', (config) => {
  it('gives logits [batch, seq, vocab] that never depend on later characters', () => {
    manualSeed(0);
    const model = buildModel(config).eval();
    const ids = randint(0, 11, [3, 8], { dtype: 'int32' });
    const logits = model.call(ids);
    expect(logits.shape).toEqual([3, 8, 11]);
    // change the last 3 characters: the logits of the first 5 positions stay the same
    const changed = ids.clone();
    changed.narrow(1, 5, 3).fill_(0);
    const before = logits.narrow(1, 0, 5).contiguous().dataSync();
    const after = model.call(changed).narrow(1, 0, 5).contiguous().dataSync();
    expect(maxDiff(before, after)).toBeLessThan(1e-6);
    expect(maxDiff(logits.dataSync(), model.call(changed).dataSync())).toBeGreaterThan(1e-3);
  });

  it('generates piece by piece with the logits of one pass over the whole text', () => {
    manualSeed(1);
    const model = buildModel(config).eval();
    const text = [3, 1, 4, 1, 5, 9, 2, 6];
    const whole = model.call(tensor(Int32Array.from(text)).reshape(1, -1));
    const next = model.startGeneration();
    const first = next(Int32Array.from(text.slice(0, 5)));
    expect(maxDiff(first.dataSync(), whole.select(0, 0).select(0, 4).dataSync())).toBeLessThan(1e-5);
    let last = first;
    for (const id of text.slice(5)) last = next(Int32Array.of(id));
    expect(maxDiff(last.dataSync(), whole.select(0, 0).select(0, 7).dataSync())).toBeLessThan(1e-5);
  });
});

describe('transformer language model', () => {
  it('refuses a sequence longer than its context', () => {
    const model = buildModel(configs[1]!);
    expect(() => model.call(randint(0, 11, [1, 11], { dtype: 'int32' }))).toThrow(
      /expected ids \[batch, seq\] with seq <= contextLength = 10, got \[1,11\]/,
    );
  });
});
