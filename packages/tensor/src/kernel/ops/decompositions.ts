import type { CholeskyAttrs, EighAttrs, QrAttrs, SvdAttrs } from '../attrs/decompositions';
import type { TensorMeta } from '../op-def';
import { defineOp, sameAs } from '../op-def';

/** The batch dims and the matrix sizes of a `[..., m, n]` input. */
function matrices(x: TensorMeta): { batch: number[]; m: number; n: number } {
  return { batch: x.shape.slice(0, -2), m: x.shape[x.shape.length - 2]!, n: x.shape[x.shape.length - 1]! };
}

/** Matrix factorizations and inverses of `[..., m, n]` float inputs, batched over the leading dims. */
export const decompositionOps = {
  inv: defineOp({
    summary: 'the inverse of each square matrix (LU with partial pivoting; singular matrices raise)',
    inputs: ['input'],
    outputs: ['out'],
    dtypeRule: 'the input dtype',
    meta: sameAs(0),
    differentiable: true,
  }),
  slogdet: defineOp({
    summary: 'the sign and the log of the absolute value of each square matrix’s determinant',
    inputs: ['input'],
    outputs: ['sign', 'logabsdet'],
    dtypeRule: 'the input dtype',
    meta: ([x]) => {
      const { batch } = matrices(x!);
      return [
        { shape: batch, dtype: x!.dtype },
        { shape: batch, dtype: x!.dtype },
      ];
    },
    differentiable: true,
  }),
  cholesky: defineOp<CholeskyAttrs>({
    summary: 'the Cholesky factor of each symmetric positive-definite matrix (lower, or upper)',
    inputs: ['input'],
    outputs: ['out'],
    dtypeRule: 'the input dtype',
    meta: sameAs(0),
    differentiable: true,
  }),
  qr: defineOp<QrAttrs>({
    summary: 'the QR decomposition of each matrix (Householder reflections)',
    inputs: ['input'],
    outputs: ['Q', 'R'],
    dtypeRule: 'the input dtype',
    meta: ([x], { mode }) => {
      const { batch, m, n } = matrices(x!);
      const k = Math.min(m, n);
      const q = mode === 'r' ? [0] : [...batch, m, mode === 'complete' ? m : k];
      const r = [...batch, mode === 'complete' ? m : k, n];
      return [
        { shape: q, dtype: x!.dtype },
        { shape: r, dtype: x!.dtype },
      ];
    },
    differentiable: true,
  }),
  eigh: defineOp<EighAttrs>({
    summary: 'eigenvalues (ascending) and orthonormal eigenvectors (columns) of each symmetric matrix',
    inputs: ['input'],
    outputs: ['eigenvalues', 'eigenvectors'],
    dtypeRule: 'the input dtype',
    meta: ([x]) => {
      const { batch, n } = matrices(x!);
      return [
        { shape: [...batch, n], dtype: x!.dtype },
        { shape: x!.shape, dtype: x!.dtype },
      ];
    },
    differentiable: true,
  }),
  svd: defineOp<SvdAttrs>({
    summary: 'the singular value decomposition `U diag(S) Vh` of each matrix, singular values descending',
    inputs: ['input'],
    outputs: ['U', 'S', 'Vh'],
    dtypeRule: 'the input dtype',
    meta: ([x], { fullMatrices }) => {
      const { batch, m, n } = matrices(x!);
      const k = Math.min(m, n);
      return [
        { shape: [...batch, m, fullMatrices ? m : k], dtype: x!.dtype },
        { shape: [...batch, k], dtype: x!.dtype },
        { shape: [...batch, fullMatrices ? n : k, n], dtype: x!.dtype },
      ];
    },
    differentiable: true,
  }),
};
