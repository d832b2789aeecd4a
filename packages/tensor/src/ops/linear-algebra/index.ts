/**
 * torch.linalg: decompositions, inverses, solvers and norms of `[..., m, n]` float32/float64 matrices,
 * batched over the leading dims, with gradients as PyTorch.
 *
 * @example
 * ```ts
 * import { linalg, tensor } from '@nn/tensor';
 * const a = tensor([[4, 1], [1, 3]], { dtype: 'float64' });
 * linalg.solve(a, tensor([1, 2], { dtype: 'float64' })).tolist(); // [0.0909..., 0.6363...]
 * linalg.det(a).item(); // 11
 * ```
 */
export { linalgCross as cross } from '../distances';
export { cholesky, det, eigh, eigvalsh, inv, qr, slogdet, svd, svdvals, type Uplo } from './decompositions';
export { type LinalgNormOptions, type MatrixNormOrder, matrixNorm, norm, vectorNorm } from './norms';
export {
  type LstsqDriver,
  type LstsqResult,
  lstsq,
  matrixPower,
  type PinvOptions,
  pinv,
  solve,
} from './solvers';
