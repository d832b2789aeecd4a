import { describe, expect, it } from 'vitest';
import { Storage, Tensor, tensor } from '../src/index';

const storage = () => new Storage('cpu', 'float32', 6, new Float32Array(6));

describe('Tensor layout arrays', () => {
  it('copies a caller-owned shape or strides array, so changing it later cannot reach the tensor', () => {
    const shape = [2, 3];
    const strides = [3, 1];
    const t = new Tensor(storage(), shape, strides);
    shape[0] = 99;
    strides[0] = 99;
    expect(t.shape).toEqual([2, 3]);
    expect(t.strides).toEqual([3, 1]);
    expect(Object.isFrozen(t.shape) && Object.isFrozen(t.strides)).toBe(true);
  });

  it("shares an already frozen shape and strides (another tensor's) instead of copying them", () => {
    const a = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const b = new Tensor(storage(), a.shape, a.strides);
    expect(b.shape).toBe(a.shape);
    expect(b.strides).toBe(a.strides);
  });

  it('gives consecutive tensors of one frozen shape one contiguous strides array, and right strides after', () => {
    const shape = Object.freeze([2, 3]);
    const a = new Tensor(storage(), shape);
    const b = new Tensor(storage(), shape);
    expect(b.strides).toBe(a.strides);
    expect(a.strides).toEqual([3, 1]);
    const c = new Tensor(new Storage('cpu', 'float32', 6, new Float32Array(6)), Object.freeze([3, 2]));
    expect(c.strides).toEqual([2, 1]);
    expect(new Tensor(storage(), shape).strides).toEqual([3, 1]);
  });
});
