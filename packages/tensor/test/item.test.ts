import { describe, expect, it } from 'vitest';
import { tensor, ValueError } from '../src';

describe('item', () => {
  it('returns a boolean for a bool tensor, as torch returns True/False', () => {
    expect(tensor(true).item()).toBe(true);
    expect(tensor([false]).item()).toBe(false);
    expect(tensor([1, 2, 3]).gt(2).any().item()).toBe(true);
    expect(
      tensor([[1, 2]])
        .eq(0)
        .all()
        .item(),
    ).toBe(false);
  });

  it('returns a number for float and int tensors', () => {
    expect(tensor(2.5).item()).toBe(2.5);
    expect(tensor([7], { dtype: 'int32' }).item()).toBe(7);
    expect(tensor([[0]], { dtype: 'int32' }).item()).toBe(0);
    expect(typeof tensor([1, 0]).sum().item()).toBe('number');
  });

  it('rejects a tensor of more or fewer than one element', () => {
    expect(() => tensor([1, 2]).item()).toThrow(ValueError);
    expect(() => tensor([1, 2]).item()).toThrow('a Tensor with 2 elements cannot be converted to Scalar');
  });
});
