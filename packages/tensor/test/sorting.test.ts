import { loadFixtures } from '@nn/tooling/test-utils';
import { describe, expect, it } from 'vitest';
import {
  argsort,
  type DType,
  IndexError,
  manualSeed,
  randint,
  sort,
  type Tensor,
  tensor,
  topk,
} from '../src';
import { checkCase, type ReductionCase } from './reduction-fixtures';

const { cases } = loadFixtures<ReductionCase>(new URL('./fixtures/sorting.jsonl', import.meta.url));

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

  // PyTorch's order, written plainly: NaN above everything, -0 equal to 0, a stable sort for ties.
  const compareValues = (a: number, b: number) => {
    const nanA = Number.isNaN(a);
    const nanB = Number.isNaN(b);
    if (nanA || nanB) return Number(nanA) - Number(nanB);
    return a === b ? 0 : a < b ? -1 : 1;
  };
  const referenceOrder = (lane: number[], descending: boolean) =>
    lane.map((_, i) => i).sort((i, j) => (descending ? -1 : 1) * compareValues(lane[i]!, lane[j]!));

  /** Rows of long lanes with many ties, NaN, ±0 and ±Infinity, and float64 values equal in their top 32 bits. */
  function awkward(dtype: DType): Tensor {
    manualSeed(9);
    const steps = randint(-6, 6, [3, 2000]).dataSync();
    const specials = [Number.NaN, -0, 0, Infinity, -Infinity];
    const values = Array.from(steps, (step, i) => {
      if (dtype === 'bool') return step > 0 ? 1 : 0;
      if (dtype === 'int32') return step * 1_000_003 * (i % 2 ? 1 : -1);
      if (i % 97 === 0) return specials[i % specials.length]!;
      return step / 4 + (dtype === 'float64' ? (i % 3) * 2 ** -40 : 0); // float64: ties in the top 32 bits
    });
    return tensor(values, { dtype }).reshape([3, 2000]);
  }

  for (const dtype of ['float32', 'float64', 'int32', 'bool'] as const) {
    it(`sorts and selects long ${dtype} lanes in PyTorch's order (NaN last, stable ties), along any dim`, () => {
      const rows = awkward(dtype);
      for (const [x, dim] of [
        [rows, 1],
        [rows.t(), 0], // strided lanes
      ] as const) {
        const lanes = (dim === 1 ? x : x.t()).tolist() as number[][];
        for (const descending of [false, true]) {
          const expected = lanes.map((lane) => referenceOrder(lane, descending));
          const sorted = sort(x, dim, { descending });
          const byLane = (t: Tensor) => (dim === 1 ? t : t.t()).tolist() as number[][];
          expect(byLane(sorted.indices)).toEqual(expected);
          expect(byLane(sorted.values)).toEqual(lanes.map((lane, r) => expected[r]!.map((i) => lane[i])));
          for (const k of [0, 1, 7, 300, 2000]) {
            // k = 1 and 7 select with a heap, 300 and 2000 sort: both give the sort's first k.
            const top = topk(x, k, dim, { largest: descending });
            expect(byLane(top.indices)).toEqual(expected.map((order) => order.slice(0, k)));
          }
        }
      }
    });
  }

  it('sorts empty lanes', () => {
    const { values, indices } = sort(tensor([[], []]), 1);
    expect(values.shape).toEqual([2, 0]);
    expect(indices.shape).toEqual([2, 0]);
  });
});
