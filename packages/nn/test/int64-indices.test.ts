import { tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { CrossEntropyLoss, Embedding, F } from '../src';

describe('int64 class targets and indices, as PyTorch passes them', () => {
  it('crossEntropy, nllLoss and multiMarginLoss give the same loss for int64 and int32 targets', () => {
    const logits = tensor([
      [2, 0.5, -1],
      [0.1, 0.2, 3],
    ]);
    const wide = tensor([0n, 2n]);
    const narrow = tensor([0, 2]);
    expect(F.crossEntropy(logits, wide).item()).toBe(F.crossEntropy(logits, narrow).item());
    expect(new CrossEntropyLoss().call(logits, wide).item()).toBe(F.crossEntropy(logits, narrow).item());
    const logp = logits.logSoftmax(1);
    expect(F.nllLoss(logp, wide).item()).toBe(F.nllLoss(logp, narrow).item());
    expect(F.multiMarginLoss(logits, wide).item()).toBe(F.multiMarginLoss(logits, narrow).item());
    expect(() => F.nllLoss(logp, tensor([0n, 5n]))).toThrow(
      'nllLoss: target 5 is out of bounds for 3 classes',
    );
  });

  it('Embedding looks up int64 indices', () => {
    const embedding = new Embedding(4, 2);
    const rows = embedding.call(tensor([[3n, 0n]]));
    expect(rows.shape).toEqual([1, 2, 2]);
    expect(rows.tolist()).toEqual(embedding.call(tensor([[3, 0]])).tolist());
  });
});
