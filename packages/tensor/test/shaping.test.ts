import { type FixtureTensor, loadFixtures } from '@nn/tooling/test-utils';
import { describe, expect, it } from 'vitest';
import {
  arange,
  type PadMode,
  pad,
  repeat,
  roll,
  ShapeError,
  type Tensor,
  tile,
  tril,
  ValueError,
} from '../src';
import { expectMatches, fromFixture, type Layout, withLayout } from './layouts';

interface Case {
  layout?: Layout;
  x: FixtureTensor;
  pads?: number[];
  mode?: PadMode;
  value?: number | boolean;
  dims?: number[];
  shifts?: number | number[];
  sizes?: number[];
  diagonal?: number;
  output: FixtureTensor;
}

const { cases } = loadFixtures<Case>(new URL('./fixtures/shaping.jsonl', import.meta.url));

function run(name: string, x: Tensor, c: Case): Tensor {
  switch (name.split('/')[0]) {
    case 'pad':
      return pad(x, c.pads!, c.mode, Number(c.value ?? 0));
    case 'flip':
      return x.flip(c.dims!);
    case 'roll':
      return x.roll(c.shifts!, c.dims);
    case 'repeat':
      return x.repeat(c.sizes!);
    case 'tile':
      return x.tile(c.sizes!);
    case 'tril':
      return x.tril(c.diagonal);
    case 'triu':
      return x.triu(c.diagonal);
  }
  throw new Error(`no runner for fixture case ${name}`);
}

describe('pad, flip, roll, repeat, tile, tril and triu match PyTorch over every layout and dtype', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(name, () => expectMatches(run(name, withLayout(fromFixture(c.x), c.layout), c), c.output, name));
  }
});

describe('shaping edge cases and errors', () => {
  const x = arange(12).float().reshape(3, 4);

  it('results are fresh copies, never views', () => {
    for (const out of [x.repeat(1, 1), x.tile([1]), x.roll([], []), x.flip([]), pad(x, [])]) {
      expect(out.storage).not.toBe(x.storage);
      expect(out.tolist()).toEqual(x.tolist());
    }
  });

  it('handles empty tensors', () => {
    expect(pad(arange(0).float().reshape(0, 2), [1, 1], 'constant', 7).tolist()).toEqual([]);
    expect(pad(arange(0).float().reshape(0, 2), [0, 0, 1, 0], 'constant', 7).tolist()).toEqual([[7, 7]]);
    expect(pad(arange(0).float().reshape(2, 0), [0, 0, 1, 1], 'circular').shape).toEqual([4, 0]);
    expect(roll(arange(0), 3).shape).toEqual([0]);
    expect(repeat(x, [0, 2]).shape).toEqual([0, 8]);
    expect(tile(arange(3), [2, 0]).shape).toEqual([2, 0]);
    expect(arange(0).reshape(0, 3).flip(0).shape).toEqual([0, 3]);
  });

  it('errors name the op, the sizes and the fix', () => {
    expect(() => pad(x, [1])).toThrow(/pad: padding length must be divisible by 2/);
    expect(() => pad(x, [1, 1, 1, 1, 1, 1])).toThrow(/padding length too large/);
    expect(() => pad(x, [0, 0, 3, 0], 'reflect')).toThrow(ShapeError);
    expect(() => pad(x, [4, 0], 'reflect')).toThrow(
      "pad: reflect padding must be smaller than the dimension's size; padding (4, 0) at dimension 1 of input [3,4]",
    );
    expect(() => pad(x, [-3, -2])).toThrow(/gives a negative size -1/);
    expect(() => pad(arange(0).float().reshape(1, 0), [1, 1], 'replicate')).toThrow(/non-empty dims/);
    expect(() => pad(x, [1, 1], 'wrap' as PadMode)).toThrow(
      "pad: mode must be one of 'constant', 'reflect', 'replicate', 'circular', got 'wrap'",
    );
    expect(pad(x, [0, 0, 0, 3], 'circular').tolist()).toEqual(x.repeat(2, 1).tolist());
    expect(() => pad(x, [0, 5], 'circular')).toThrow(
      "pad: circular padding would wrap around more than once: each pad must be at most the dimension's size 4; padding (0, 5) at dimension 1 of input [3,4]",
    );
    expect(() => pad(x, [0, 0, 4, 0], 'circular')).toThrow(ShapeError);
    // The wrap reaches only the part cropping keeps (torch 1.13 fails on such overlapping copies).
    expect(() => pad(x, [-2, 3], 'circular')).toThrow(
      /each pad must be at most the 2 elements cropping keeps/,
    );
    expect(() => pad(arange(0).float().reshape(1, 0), [1, 0], 'circular')).toThrow(
      /at most the dimension's size 0/,
    );
    expect(() => x.flip(0, 0)).toThrow(/flip: dim 0,0 appears multiple times/);
    expect(() => x.flip(2)).toThrow(/flip: dimension out of range/);
    expect(() => x.roll([1, 2], 0)).toThrow(/roll: shifts and dimensions must align: 2 shifts for 1 dims/);
    expect(() => x.roll([1, 2])).toThrow(ValueError);
    expect(() => x.repeat(2)).toThrow(
      /repeat: number of dimensions of repeat dims \(1\) can not be smaller than number of dimensions of tensor \(2/,
    );
    expect(() => x.repeat(2, -1)).toThrow(ValueError);
    expect(() => tril(arange(3))).toThrow(/tril: input must have at least 2 dimensions, got shape \[3\]/);
    expect(() => x.triu(0.5)).toThrow(ValueError);
  });
});
