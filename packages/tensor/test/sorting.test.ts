import { loadFixtures } from '@nn/tooling/test-utils';
import { describe, expect, it } from 'vitest';
import { argsort, IndexError, sort, tensor, topk } from '../src';
import { checkCase, type ReductionCase } from './reduction-fixtures';

const { cases } = loadFixtures<ReductionCase>(new URL('./fixtures/sorting.json', import.meta.url));

describe('sort, argsort and topk match PyTorch', () => {
  for (const [name, c] of Object.entries(cases)) it(name, () => checkCase(name, c));
});

describe('sorting details', () => {
  it('is stable in both directions and returns int32 indices', () => {
    const x = tensor([2, 1, 2, 1, 2]);
    expect(sort(x).indices.tolist()).toEqual([1, 3, 0, 2, 4]);
    expect(sort(x, 0, { descending: true }).indices.tolist()).toEqual([0, 2, 4, 1, 3]);
    expect(argsort(x).dtype).toBe('int32');
  });

  it('gives topk in sorted order for sorted: false too, and k = 0', () => {
    const x = tensor([0.5, 3, -1, 2]);
    expect(topk(x, 2, 0, { sorted: false }).values.tolist()).toEqual([3, 2]);
    expect(topk(x, 0).values.shape).toEqual([0]);
  });

  it('refuses k out of range', () => {
    expect(() => topk(tensor([1, 2, 3]), 4)).toThrow(IndexError);
    expect(() => topk(tensor([1, 2, 3]), 4)).toThrow(
      'topk: selected index k out of range: k = 4 but dim 0 of input shape [3] has size 3; k must be an integer in [0, 3]',
    );
    expect(() => sort(tensor([1, 2]), 2)).toThrow('sort: dimension out of range');
  });

  it('sorts empty lanes', () => {
    const { values, indices } = sort(tensor([[], []]), 1);
    expect(values.shape).toEqual([2, 0]);
    expect(indices.shape).toEqual([2, 0]);
  });
});
