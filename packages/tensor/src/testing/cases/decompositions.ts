import { eye, linalg, type Tensor } from '../..';
import { type ConformanceCase, defineCase } from '../conformance-case';

/** A well-conditioned batch of matrices: x + 4 I. */
const conditioned = (x: Tensor) =>
  x.add(eye(x.shape[x.ndim - 1]!, undefined, { dtype: x.dtype, device: x.device }).mul(4));

/** A symmetric positive-definite batch: x xᵀ + n I. */
const spd = (x: Tensor) =>
  x.matmul(x.mT).add(eye(x.shape[x.ndim - 1]!, undefined, { dtype: x.dtype, device: x.device }).mul(3));

/** inv, slogdet, cholesky, qr, eigh and svd on batched matrices (eigen- and singular vectors squared: sign-free). */
export function decompositionCases(): ConformanceCase[] {
  return [
    defineCase({
      name: 'linalg.inv',
      kernels: ['inv', 'add'],
      inputs: (s) => [s.float([2, 4, 4])],
      run: ([x]) => linalg.inv(conditioned(x!)),
    }),
    defineCase({
      name: 'linalg.slogdet/float64',
      kernels: ['slogdet'],
      inputs: (s) => [s.of('float64', [3, 3, 3])],
      run: ([x]) => {
        const { sign, logabsdet } = linalg.slogdet(x!);
        return [sign, logabsdet];
      },
    }),
    defineCase({
      name: 'linalg.cholesky/upper',
      kernels: ['cholesky', 'matmul'],
      inputs: (s) => [s.float([2, 3, 3])],
      run: ([x]) => linalg.cholesky(spd(x!), { upper: true }),
    }),
    defineCase({
      name: 'linalg.qr/tall',
      kernels: ['qr'],
      inputs: (s) => [s.float([2, 5, 3])],
      run: ([x]) => {
        const { Q, R } = linalg.qr(x!);
        return [Q, R];
      },
    }),
    defineCase({
      name: 'linalg.eigh',
      kernels: ['eigh', 'matmul'],
      inputs: (s) => [s.float([2, 4, 4])],
      run: ([x]) => {
        const { eigenvalues, eigenvectors } = linalg.eigh(spd(x!));
        return [eigenvalues, eigenvectors.square()];
      },
    }),
    defineCase({
      name: 'linalg.svd/wide-full',
      kernels: ['svd'],
      inputs: (s) => [s.of('float64', [2, 3, 5])],
      run: ([x]) => {
        const { U, S, Vh } = linalg.svd(x!, { fullMatrices: false });
        return [U.square(), S, Vh.square()];
      },
    }),
  ];
}
