// Expected values were produced with PyTorch 1.13 (Debian's python3-torch).
import { gradcheck } from '@nn/autograd';
import { tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';

const gradOf = (values: number[][], dim: number) => {
  const x = tensor(values, { dtype: 'float32', requiresGrad: true });
  x.cumprod(dim).sum().backward();
  return x.grad!.tolist();
};

describe('cumprod gradient with zeros, as PyTorch', () => {
  it('is finite and exact with one or more zeros along the dim', () => {
    // torch: x=[2,0,3,4] -> [1, 32, 0, 0]; x=[2,0,3,0] -> [1, 8, 0, 0]; no zero -> y_i / x_k sums.
    expect(gradOf([[2, 0, 3, 4]], 1)).toEqual([[1, 32, 0, 0]]);
    expect(gradOf([[2, 0, 3, 0]], 1)).toEqual([[1, 8, 0, 0]]);
    expect(gradOf([[0, 2, 3]], 1)).toEqual([[9, 0, 0]]);
    expect(gradOf([[1, 2, 3]], 1)).toEqual([[9, 4, 2]]);
    expect(
      gradOf(
        [
          [2, 1],
          [0, 3],
        ],
        0,
      ),
    ).toEqual([
      [1, 4],
      [2, 1],
    ]);
  });

  it('passes gradcheck with zeros in float64', () => {
    const x = tensor(
      [
        [2, 0, 3, 4],
        [0.5, 1.5, 0, 2],
      ],
      { dtype: 'float64', requiresGrad: true },
    );
    expect(gradcheck((t) => t.cumprod(1), [x])).toBe(true);
  });
});
