import { eye } from '../../creation';
import { fmtShape, ShapeError, ValueError } from '../../kernel/errors';
import { checkOptions } from '../../options';
import type { Tensor } from '../../tensor';
import { where } from '../elementwise';
import { matmul } from '../linalg';
import { checkMatrices, checkSquare } from './checks';
import { eigh, inv, invertAbove, svd } from './decompositions';

/**
 * torch.linalg.solve: X with `A X = B` for square `A` `[..., n, n]`; B is `[..., n, k]` or a vector `[..., n]`
 * (when B has one dim fewer than A and matches A's leading dims, or is 1-d). Batch dims broadcast.
 */
export function solve(a: Tensor, b: Tensor, options: { left?: boolean } = {}): Tensor {
  checkOptions('linalg.solve', options, { left: true });
  checkSquare('linalg.solve', a);
  if (options.left === false) return solve(a.mT, b.mT).mT;
  const n = a.shape[a.ndim - 1]!;
  const vector = b.ndim === 1 || (b.ndim === a.ndim - 1 && b.shape.every((s, i) => s === a.shape[i]));
  const rhs = vector ? b.unsqueeze(-1) : b;
  if (rhs.shape[rhs.ndim - 2] !== n) {
    throw new ShapeError(
      'linalg.solve',
      `Incompatible shapes of A and B for the equation AX = B (${fmtShape(a.shape)} and ${fmtShape(b.shape)})`,
    );
  }
  const x = matmul(inv(a), rhs.to(a.dtype));
  return vector ? x.squeeze(-1) : x;
}

/**
 * torch.linalg.matrix_power: `A^n` for square matrices by repeated squaring; n = 0 gives the identity,
 * negative n the power of the inverse.
 */
export function matrixPower(a: Tensor, n: number): Tensor {
  if (!Number.isInteger(n)) throw new ValueError('linalg.matrix_power', `n must be an integer, got ${n}`);
  if (a.ndim < 2 || a.shape[a.ndim - 1] !== a.shape[a.ndim - 2]) {
    throw new ShapeError(
      'linalg.matrix_power',
      `expected a tensor of square matrices, got shape ${fmtShape(a.shape)}`,
    );
  }
  const size = a.shape[a.ndim - 1]!;
  if (n === 0) return eye(size, size, { dtype: a.dtype, device: a.device }).expand(a.shape).clone();
  let base = n < 0 ? inv(a) : a;
  let result: Tensor | undefined;
  for (let k = Math.abs(n); k > 0; k >>= 1) {
    if (k & 1) result = result ? matmul(result, base) : base;
    if (k > 1) base = matmul(base, base);
  }
  return result!;
}

/** Options of {@link pinv}. */
export interface PinvOptions {
  /** Absolute cutoff for singular values (default 0). */
  atol?: number;
  /** Cutoff relative to the largest singular value (default `max(m, n) * eps` when atol is not given, else 0). */
  rtol?: number;
  /** A is symmetric: only its lower triangle is read, through eigh (as PyTorch). */
  hermitian?: boolean;
}

const EPS = { float32: 1.1920928955078125e-7, float64: 2.220446049250313e-16 } as const;

/**
 * torch.linalg.pinv: the Moore-Penrose pseudo-inverse through the SVD (the eigendecomposition for
 * `hermitian`), singular values at or below `max(atol, rtol * σ_max)` treated as zero.
 */
export function pinv(a: Tensor, options: PinvOptions = {}): Tensor {
  checkOptions('linalg.pinv', options, { atol: true, rtol: true, hermitian: true });
  checkMatrices('linalg.pinv', a);
  const m = a.shape[a.ndim - 2]!;
  const n = a.shape[a.ndim - 1]!;
  const atol = options.atol ?? 0;
  const rtol =
    options.rtol ?? (options.atol === undefined ? Math.max(m, n) * EPS[a.dtype as 'float32' | 'float64'] : 0);
  if (options.hermitian) {
    checkSquare('linalg.pinv', a);
    // |eigenvalues| play the singular values' part: V diag(1 / λ) Vᵀ over the eigenvalues kept.
    const { eigenvalues, eigenvectors } = eigh(a);
    const magnitude = eigenvalues.abs();
    const cutoff = magnitude.amax(-1, { keepdim: true }).mul(rtol).clamp(atol);
    const keep = magnitude.gt(cutoff);
    const inverse = where(keep, where(keep, eigenvalues, 1).reciprocal(), 0);
    return matmul(eigenvectors.mul(inverse.unsqueeze(-2)), eigenvectors.mT);
  }
  const { U, S, Vh } = svd(a, { fullMatrices: false });
  const cutoff = S.amax(-1, { keepdim: true }).mul(rtol).clamp(atol);
  const sInv = invertAbove(S, cutoff);
  return matmul(Vh.mT.mul(sInv.unsqueeze(-2)), U.mT);
}

/** The LAPACK driver torch.linalg.lstsq would call; it decides which extra results are filled in. */
export type LstsqDriver = 'gelsy' | 'gelsd' | 'gelss' | 'gels';

/** What {@link lstsq} returns, as torch.linalg.lstsq. */
export interface LstsqResult {
  /** The least-squares solution `[..., n, k]` (`[..., n]` for a vector B). */
  solution: Tensor;
  /**
   * The squared residual norms `[..., k]` when m > n (and, for 'gelsd'/'gelss', every A has full rank);
   * otherwise empty. Always empty for 'gelsy', as PyTorch's.
   */
  residuals: Tensor;
  /** The effective rank of each A (int32); empty for 'gels'. */
  rank: Tensor;
  /** The singular values of each A for 'gelsd' and 'gelss'; otherwise empty. */
  singularValues: Tensor;
}

const DRIVERS: readonly string[] = ['gelsy', 'gelsd', 'gelss', 'gels'];

/**
 * torch.linalg.lstsq: the minimum-norm least-squares solution of `A X = B`, computed through the SVD
 * (singular values at or below `rcond * σ_max` count as zero; default `eps * max(m, n)`). `driver`
 * (default 'gelsy') picks which of residuals, rank and singular values come back, as in PyTorch.
 */
export function lstsq(
  a: Tensor,
  b: Tensor,
  options: { rcond?: number; driver?: LstsqDriver } = {},
): LstsqResult {
  checkOptions('linalg.lstsq', options, { rcond: true, driver: true });
  checkMatrices('linalg.lstsq', a);
  const driver = options.driver ?? 'gelsy';
  if (!DRIVERS.includes(driver)) {
    throw new ValueError(
      'linalg.lstsq',
      `parameter \`driver\` should be one of (gels, gelsy, gelsd, gelss), got '${driver}'`,
    );
  }
  const m = a.shape[a.ndim - 2]!;
  const n = a.shape[a.ndim - 1]!;
  const vector = b.ndim === a.ndim - 1;
  const rhs = (vector ? b.unsqueeze(-1) : b).to(a.dtype);
  if (rhs.shape[rhs.ndim - 2] !== m) {
    throw new ShapeError(
      'linalg.lstsq',
      `input.size(-2) should match other.size(-2), got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`,
    );
  }
  const rcond = options.rcond ?? Math.max(m, n) * EPS[a.dtype as 'float32' | 'float64'];
  const { U, S, Vh } = svd(a, { fullMatrices: false });
  const cutoff = S.amax(-1, { keepdim: true }).mul(rcond);
  const sInv = invertAbove(S, cutoff);
  const solution = matmul(Vh.mT.mul(sInv.unsqueeze(-2)), matmul(U.mT, rhs));
  const rank = S.gt(cutoff).sum(-1, { dtype: 'int32' });
  const empty = a.reshape([-1]).narrow(0, 0, 0);
  // Residuals exist only for overdetermined full-rank systems (PyTorch checks the ranks on the host too).
  const fullRank = driver === 'gels' || (driver !== 'gelsy' && rank.eq(n).all().item() === true);
  const residuals =
    m > n && driver !== 'gelsy' && fullRank ? matmul(a, solution).sub(rhs).square().sum(-2) : empty;
  return {
    solution: vector ? solution.squeeze(-1) : solution,
    residuals: vector && residuals.numel() > 0 ? residuals.squeeze(-1) : residuals,
    rank: driver === 'gels' ? rank.reshape([-1]).narrow(0, 0, 0) : rank,
    singularValues: driver === 'gelsd' || driver === 'gelss' ? S : empty,
  };
}
