import { ValueError } from '../../kernel/errors';
import { checkOptions } from '../../options';
import { runKernel, runKernelMulti } from '../../run-kernel';
import type { Tensor } from '../../tensor';
import { where } from '../elementwise';
import { checkMatrices, checkSquare } from './checks';

/** torch.linalg.inv: the inverse of each square matrix of `[..., n, n]`; singular matrices raise. */
export function inv(a: Tensor): Tensor {
  checkSquare('linalg.inv', a);
  return runKernel('inv', [a]);
}

/** The sign (±1, or 0 for a singular matrix) and `log|det|` of each square matrix (torch.linalg.slogdet). */
export function slogdet(a: Tensor): { sign: Tensor; logabsdet: Tensor } {
  checkSquare('linalg.slogdet', a);
  const [sign, logabsdet] = runKernelMulti('slogdet', [a]) as [Tensor, Tensor];
  return { sign, logabsdet };
}

/** torch.linalg.det: the determinant of each square matrix (`sign * exp(logabsdet)`). */
export function det(a: Tensor): Tensor {
  checkSquare('linalg.det', a);
  const { sign, logabsdet } = slogdet(a);
  return sign.mul(logabsdet.exp());
}

/**
 * torch.linalg.cholesky: `L` with `A = L Lᴴ` for symmetric positive-definite `A` (`upper`: `U` with
 * `A = Uᴴ U`). Only one triangle of A is read. Raises when A is not positive-definite.
 */
export function cholesky(a: Tensor, options: { upper?: boolean } = {}): Tensor {
  checkOptions('linalg.cholesky', options, { upper: true });
  checkSquare('linalg.cholesky', a);
  return runKernel('cholesky', [a], { upper: options.upper ?? false });
}

/**
 * torch.linalg.qr: `{ Q, R }` with `A = Q R`, Q with orthonormal columns and R upper triangular, by
 * Householder reflections with LAPACK's signs. `mode`: `'reduced'` (default), `'complete'` or `'r'`
 * (Q empty).
 */
export function qr(
  a: Tensor,
  options: { mode?: 'reduced' | 'complete' | 'r' } = {},
): { Q: Tensor; R: Tensor } {
  checkOptions('linalg.qr', options, { mode: true });
  checkMatrices('linalg.qr', a);
  const mode = options.mode ?? 'reduced';
  if (mode !== 'reduced' && mode !== 'complete' && mode !== 'r') {
    throw new ValueError(
      'linalg.qr',
      `qr received unrecognized mode '${mode}' but expected one of 'reduced' (default), 'r', or 'complete'`,
    );
  }
  const [Q, R] = runKernelMulti('qr', [a], { mode }) as [Tensor, Tensor];
  return { Q, R };
}

/** The triangle option of eigh/eigvalsh: `'L'` (default) or `'U'`. */
export type Uplo = 'L' | 'U';

function checkUplo(op: string, uplo: Uplo): boolean {
  if (uplo !== 'L' && uplo !== 'U')
    throw new ValueError(op, `Expected UPLO argument to be 'L' or 'U', but got ${uplo}`);
  return uplo === 'U';
}

/**
 * torch.linalg.eigh: eigenvalues (ascending) and orthonormal eigenvectors (columns) of symmetric matrices,
 * reading only the `UPLO` triangle. Eigenvectors are unique only up to sign.
 */
export function eigh(a: Tensor, uplo: Uplo = 'L'): { eigenvalues: Tensor; eigenvectors: Tensor } {
  checkSquare('linalg.eigh', a);
  const upper = checkUplo('linalg.eigh', uplo);
  const [eigenvalues, eigenvectors] = runKernelMulti('eigh', [a], { upper }) as [Tensor, Tensor];
  return { eigenvalues, eigenvectors };
}

/** torch.linalg.eigvalsh: the eigenvalues (ascending) of symmetric matrices. */
export function eigvalsh(a: Tensor, uplo: Uplo = 'L'): Tensor {
  checkSquare('linalg.eigvalsh', a);
  const upper = checkUplo('linalg.eigvalsh', uplo);
  return (runKernelMulti('eigh', [a], { upper }) as [Tensor, Tensor])[0];
}

/**
 * torch.linalg.svd: `{ U, S, Vh }` with `A = U diag(S) Vh`, singular values descending; `fullMatrices`
 * (default true, as PyTorch) gives square U and Vh. Singular vectors are unique only up to sign.
 */
export function svd(
  a: Tensor,
  options: { fullMatrices?: boolean } = {},
): { U: Tensor; S: Tensor; Vh: Tensor } {
  checkOptions('linalg.svd', options, { fullMatrices: true });
  checkMatrices('linalg.svd', a);
  const [U, S, Vh] = runKernelMulti('svd', [a], { fullMatrices: options.fullMatrices ?? true }) as [
    Tensor,
    Tensor,
    Tensor,
  ];
  return { U, S, Vh };
}

/** torch.linalg.svdvals: the singular values (descending) of each matrix. */
export function svdvals(a: Tensor): Tensor {
  checkMatrices('linalg.svdvals', a);
  return (runKernelMulti('svd', [a], { fullMatrices: false }) as Tensor[])[1]!;
}

/** 1 / s where s is above `cutoff` (a tensor broadcast against s), else 0. */
export function invertAbove(s: Tensor, cutoff: Tensor): Tensor {
  const keep = s.gt(cutoff);
  return where(keep, where(keep, s, 1).reciprocal(), 0);
}
