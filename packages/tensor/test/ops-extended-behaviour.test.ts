// Behaviour the fixtures do not pin down: advanced assignment in place, empty and 0-d inputs, and the
// errors PyTorch raises (each naming the function and the fix).
import { describe, expect, it } from 'vitest';
import {
  DTypeError,
  eye,
  IndexError,
  linalg,
  median,
  NNError,
  nonzero,
  quantile,
  ShapeError,
  searchsorted,
  tensor,
  unique,
  ValueError,
  zeros,
} from '../src';

describe('advanced assignment (x.set)', () => {
  it('writes a number at int32 indices, in place', () => {
    const x = zeros([3, 3]);
    const same = x.set([tensor([0, 2]), tensor([1, -1])], 5);
    expect(same).toBe(x);
    expect(x.tolist()).toEqual([
      [0, 5, 0],
      [0, 0, 0],
      [0, 0, 5],
    ]);
  });

  it('writes rows where a bool mask is true, a tensor broadcast to the indexed shape', () => {
    const x = zeros([3, 2]);
    x.set(tensor([true, false, true]), tensor([1, 2]).float());
    expect(x.tolist()).toEqual([
      [1, 2],
      [0, 0],
      [1, 2],
    ]);
  });

  it('takes integers and null (`:`) like x[:, 1] = v, and views see the write', () => {
    const base = zeros([2, 3]);
    const view = base.narrow(0, 1, 1);
    base.set([null, 1], tensor([7, 8]).float());
    expect(base.tolist()).toEqual([
      [0, 7, 0],
      [0, 8, 0],
    ]);
    expect(view.tolist()).toEqual([[0, 8, 0]]);
  });

  it('sums repeated positions with accumulate', () => {
    const x = zeros([3]);
    x.indexPut_([tensor([0, 0, 2])], tensor([1, 2, 3]).float(), { accumulate: true });
    expect(x.tolist()).toEqual([3, 0, 3]);
  });

  it('rejects out-of-range indices, mismatched dtypes and masks', () => {
    const x = zeros([2, 2]);
    expect(() => x.set([tensor([2])], 1)).toThrow(NNError);
    expect(() => x.set([tensor([0.5]).float()], 1)).toThrow(DTypeError);
    expect(() => x.set([tensor([0])], tensor([1, 2]))).toThrow(/dtypes match/);
    expect(() => x.set(tensor([true, false, true]), 1)).toThrow(IndexError);
    expect(() => x.set([0, 0, 0], 1)).toThrow(/too many indices/);
  });
});

describe('data-dependent shapes', () => {
  it('unique and nonzero of empty and 0-d inputs', () => {
    expect(unique(zeros([0])).shape).toEqual([0]);
    expect(nonzero(tensor(3)).shape).toEqual([1, 0]);
    expect(nonzero(zeros([2, 0, 3])).shape).toEqual([0, 3]);
    expect(nonzero(tensor([0, 4]), { asTuple: true }).map((t) => t.tolist())).toEqual([[1]]);
  });

  it('unique counts each NaN as its own value, sorted last (PyTorch 2; 1.13 mis-assigns the inverse)', () => {
    const [values, inverse, counts] = unique(tensor([2, Number.NaN, 1, Number.NaN, 2]).float(), {
      returnInverse: true,
      returnCounts: true,
    });
    expect(values!.tolist()).toEqual([1, 2, Number.NaN, Number.NaN]);
    expect(inverse!.tolist()).toEqual([1, 2, 0, 3, 1]);
    expect(counts!.tolist()).toEqual([1, 2, 1, 1]);
  });

  it('median of a 0-d tensor and of int32', () => {
    expect(median(tensor(2.5)).item()).toBe(2.5);
    expect(median(zeros([0])).item()).toBeNaN();
    expect(median(tensor([4, 1, 3, 2])).item()).toBe(2);
  });
});

describe('decompositions on degenerate inputs', () => {
  it('eigh of matrices with repeated eigenvalues, of 1x1 and of empty batches', () => {
    const { eigenvalues, eigenvectors } = linalg.eigh(eye(3, 3, { dtype: 'float64' }).mul(2));
    expect(eigenvalues.tolist()).toEqual([2, 2, 2]);
    expect(
      eigenvectors.mT
        .matmul(eigenvectors)
        .sub(eye(3, 3, { dtype: 'float64' }))
        .abs()
        .amax()
        .item(),
    ).toBeLessThan(1e-15);
    expect(linalg.eigvalsh(tensor([[[-3]]]).double()).tolist()).toEqual([[-3]]);
    expect(linalg.eigh(zeros([0, 2, 2])).eigenvalues.shape).toEqual([0, 2]);
  });

  it('svd and qr of rank-deficient matrices still give orthonormal factors', () => {
    const a = tensor([
      [1, 2],
      [2, 4],
      [3, 6],
    ]).double();
    const { U, S, Vh } = linalg.svd(a);
    expect(U.shape).toEqual([3, 3]);
    expect(
      U.mT
        .matmul(U)
        .sub(eye(3, 3, { dtype: 'float64' }))
        .abs()
        .amax()
        .item(),
    ).toBeLessThan(1e-12);
    expect(U.narrow(1, 0, 2).mul(S.unsqueeze(0)).matmul(Vh).sub(a).abs().amax().item()).toBeLessThan(1e-12);
    const { Q, R } = linalg.qr(a, { mode: 'complete' });
    expect(Q.matmul(R).sub(a).abs().amax().item()).toBeLessThan(1e-12);
  });
});

describe('errors name the function, the shapes and the fix', () => {
  it('linalg', () => {
    expect(() =>
      linalg.inv(
        tensor([
          [1, 2],
          [2, 4],
        ]).float(),
      ),
    ).toThrow(/singular/);
    expect(() => linalg.inv(tensor([[1, 2]]).float())).toThrow(ShapeError);
    expect(() =>
      linalg.inv(
        tensor([
          [1, 2],
          [3, 4],
        ]),
      ),
    ).toThrow(DTypeError);
    expect(() =>
      linalg.cholesky(
        tensor([
          [1, 2],
          [2, 1],
        ]).float(),
      ),
    ).toThrow(/positive-definite/);
    expect(() =>
      linalg.solve(
        tensor([
          [1, 0],
          [0, 1],
        ]).float(),
        zeros([3]),
      ),
    ).toThrow(/Incompatible shapes/);
    expect(() => linalg.matrixNorm(zeros([2, 2]), 3)).toThrow(ValueError);
    expect(() => linalg.eigh(zeros([2, 2]), 'X' as 'L')).toThrow(/UPLO/);
  });

  it('order statistics and searching', () => {
    expect(() => quantile(tensor([1, 2]).float(), 1.5)).toThrow(/range \[0, 1\]/);
    expect(() => quantile(tensor([1, 2]), 0.5)).toThrow(DTypeError);
    expect(() => quantile(tensor([1, 2]).float(), 0.5, 0, { interpolation: 'cubic' as 'linear' })).toThrow(
      /interpolation/,
    );
    expect(() => searchsorted(zeros([2, 3]), zeros([3, 1]))).toThrow(/leading dims/);
    expect(() => tensor([1, -1]).bincount()).toThrow(/non-negative/);
    expect(() => tensor([1, 2]).float().kthvalue(3)).toThrow(IndexError);
  });
});
