// Expected values were produced with PyTorch 1.13 (Debian's python3-torch).
import { tensor, ValueError } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { F } from '../src';

const gradOf = (values: number[], f: (x: ReturnType<typeof tensor>) => ReturnType<typeof tensor>) => {
  const x = tensor(values, { dtype: 'float32', requiresGrad: true });
  f(x).sum().backward();
  return x.grad!.tolist();
};

describe('nn numerics as PyTorch', () => {
  it('hardtanh and relu6 have gradient 0 at their bounds', () => {
    expect(gradOf([-1, 1, 0.5, -2], (x) => F.hardtanh(x))).toEqual([0, 0, 1, 0]); // torch: [0, 0, 1, 0]
    expect(gradOf([0, 6, 3, -1], (x) => F.relu6(x))).toEqual([0, 0, 1, 0]); // torch: [0, 0, 1, 0]
    expect(F.relu6(tensor([-1, 0, 3, 6, 7], { dtype: 'float32' })).tolist()).toEqual([0, 0, 3, 6, 6]);
  });

  it('binaryCrossEntropy with an input outside [0, 1] raises', () => {
    const target = tensor([1], { dtype: 'float32' });
    expect(() => F.binaryCrossEntropy(tensor([1.5], { dtype: 'float32' }), target)).toThrow(ValueError);
    expect(() => F.binaryCrossEntropy(tensor([-0.5], { dtype: 'float32' }), target)).toThrow(
      'binaryCrossEntropy: all elements of input should be between 0 and 1',
    );
    expect(F.binaryCrossEntropy(tensor([1], { dtype: 'float32' }), target).item()).toBe(0);
  });
});
