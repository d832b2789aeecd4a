import { describe, expect, it } from 'vitest';
import { cat, pad, tensor, zeros } from '../src';

// A zero-element tensor may have a huge dimension (a 72-byte safetensors file can declare [2**31, 0]); every op
// whose result is small must cost O(1) in that dimension, as in PyTorch. Each line here took seconds to minutes
// (or exhausted memory) when the CPU kernels walked the empty dimension.
const HUGE = 2 ** 31;

describe('empty tensors with a huge dimension', () => {
  const x = zeros([HUGE, 0]);

  it("reduce to PyTorch's identities at once", () => {
    expect(x.sum().item()).toBe(0);
    expect(x.prod().item()).toBe(1);
    expect(x.all().tolist()).toBe(true);
    expect(x.any().tolist()).toBe(false);
    expect(Number.isNaN(x.mean().item())).toBe(true);
    expect(x.sum(0).shape).toEqual([0]);
    expect(x.amax(0).shape).toEqual([0]);
    expect(x.norm().item()).toBe(0);
  });

  it('print without walking the shape', () => {
    expect(x.toString()).toBe('tensor([], size=[2147483648, 0])');
  });

  it('run along-dim ops, joins, copies and pads at once', () => {
    expect(x.softmax(1).shape).toEqual([HUGE, 0]);
    expect(x.cumsum(0).shape).toEqual([HUGE, 0]);
    expect(x.sort(1).values.shape).toEqual([HUGE, 0]);
    expect(cat([x, x], 1).shape).toEqual([HUGE, 0]);
    expect(x.t().contiguous().shape).toEqual([0, HUGE]);
    expect(pad(x, [0, 0, 1, 1]).shape).toEqual([HUGE + 2, 0]);
    expect(x.exp().add(x).shape).toEqual([HUGE, 0]);
  });

  it('multiply over an empty inner dimension as zeros', () => {
    const y = zeros([3, 0]).matmul(zeros([0, 2]));
    expect(y.tolist()).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
    expect(
      tensor([[1, 2]])
        .float()
        .narrow(1, 0, 0)
        .matmul(zeros([0, 4])).shape,
    ).toEqual([1, 4]);
  });
});
