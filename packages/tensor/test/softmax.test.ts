import { loadFixtures } from '@nn/tooling/test-utils';
import { describe, expect, it } from 'vitest';
import { arange, DTypeError, logSoftmax, softmax, tensor } from '../src';
import { checkCase, type ReductionCase } from './reduction-fixtures';

const { cases } = loadFixtures<ReductionCase>(new URL('./fixtures/softmax.jsonl', import.meta.url));

describe('softmax and logSoftmax match PyTorch', () => {
  for (const [name, c] of Object.entries(cases)) it(name, () => checkCase(name, c));
});

describe('softmax stability and errors', () => {
  it('stays finite for logits of 1e4', () => {
    const x = tensor([
      [1e4, -1e4, 0],
      [1e4, 1e4, 1e4],
    ]).float();
    for (const out of [softmax(x, 1), logSoftmax(x, 1)]) {
      expect([...out.dataSync()].every(Number.isFinite)).toBe(true);
    }
    expect(softmax(x, 1).sum(1).tolist()).toEqual([1, 1]);
  });

  it('refuses integer input and bad dims', () => {
    expect(() => arange(3).softmax(0)).toThrow(DTypeError);
    expect(() => arange(3).softmax(0)).toThrow('softmax: expected a floating point input, got int32');
    expect(() => tensor([1.5]).logSoftmax(1)).toThrow(
      'logSoftmax: dimension out of range (expected to be in range of [-1, 0], but got 1)',
    );
  });

  it('handles empty tensors', () => {
    expect(softmax(tensor([[], []]), 1).shape).toEqual([2, 0]);
  });
});
