import { type FixtureTensor, loadFixtures } from '@nn/tooling/test-utils';
import { describe, expect, it } from 'vitest';
import { arange, cat, ShapeError, stack, tensor, ValueError, zeros } from '../src';
import { expectMatches, fromFixture, type Layout, withLayout } from './layouts';

interface Case {
  layout: Layout;
  x: FixtureTensor;
  dim: number;
  others?: FixtureTensor[];
  output: FixtureTensor;
}

const { cases } = loadFixtures<Case>(new URL('./fixtures/join.jsonl', import.meta.url));

describe('cat and stack match PyTorch over every layout and dtype', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(name, () => {
      const x = withLayout(fromFixture(c.x), c.layout);
      const others = (c.others ?? []).map(fromFixture);
      const out = name.startsWith('stack/')
        ? stack([x, x.flip(0)], c.dim)
        : name.startsWith('cat/dim0/')
          ? cat([x, others[0]!, x], c.dim)
          : cat([x, ...others], c.dim);
      expectMatches(out, c.output, name);
    });
  }
});

describe('cat and stack edge cases and errors', () => {
  it('cat copies even a single input and skips only 1-D empty tensors', () => {
    const x = arange(6).reshape(2, 3);
    const out = cat([x]);
    expect(out.storage).not.toBe(x.storage);
    expect(out.tolist()).toEqual(x.tolist());
    expect(cat([zeros([0]), zeros([0], { dtype: 'float64' })]).shape).toEqual([0]);
    expect(cat([zeros([0]), zeros([0], { dtype: 'float64' })]).dtype).toBe('float64');
    expect(cat([zeros([2, 0]), x.float()], 1).shape).toEqual([2, 3]);
  });

  it('errors name the op, the shapes and the position', () => {
    expect(() => cat([])).toThrow(ValueError);
    expect(() => cat([zeros([2, 3]), zeros([2, 4])])).toThrow(
      'cat: sizes of tensors must match except in dimension 0. Expected size 3 but got size 4 for tensor number 1 in the list',
    );
    expect(() => cat([zeros([2, 3]), zeros([2, 3, 1])])).toThrow(
      /cat: tensors must have the same number of dimensions: got 2 and 3/,
    );
    expect(() => cat([tensor(1), zeros([2])])).toThrow(
      /zero-dimensional tensor \(at position 0\) cannot be concatenated/,
    );
    expect(() => cat([zeros([2, 3])], 2)).toThrow(/cat: dimension out of range/);
    expect(() => stack([zeros([2]), zeros([3])])).toThrow(ShapeError);
    expect(() => stack([zeros([2]), zeros([3])])).toThrow(
      'stack: expects each tensor to be equal size, but got [2] at entry 0 and [3] at entry 1',
    );
    expect(() => stack([])).toThrow(ValueError);
  });
});
