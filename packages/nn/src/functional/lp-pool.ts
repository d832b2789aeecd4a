import { checkOptions, type Size2, type Tensor } from '@nn/tensor';
import { LP_POOL_KEYS } from '../utils/spatial-option-keys';
import { asOp } from './as-op';
import { avgPool2d } from './pooling';
import { avgPool1d } from './pooling-1d';
import { pairOf } from './spatial-args';

/** Options of {@link lpPool1d} and {@link lpPool2d}, as PyTorch's. */
export interface LpPoolOptions<S> {
  /** Window step (default: the kernel size). */
  stride?: S;
  /** Round the output size up instead of down (default false). */
  ceilMode?: boolean;
}
/** PyTorch's `(sign(s) * relu(|s|)) * taps) ^ (1 / p)` of the windows' mean of `x ^ p`. */
const root = (mean: Tensor, taps: number, normType: number) =>
  mean
    .sign()
    .mul(mean.abs().relu())
    .mul(taps)
    .pow(1 / normType);

/** The `normType`-norm of each 1-D window of `[N, C, L]` input (`torch.nn.functional.lp_pool1d`). */
export function lpPool1d(
  x: Tensor,
  normType: number,
  kernelSize: number,
  options: LpPoolOptions<number> = {},
): Tensor {
  checkOptions('lpPool1d', options, LP_POOL_KEYS);
  const mean = asOp('lpPool1d', () =>
    avgPool1d(x.pow(normType), kernelSize, {
      stride: options.stride ?? kernelSize,
      ceilMode: options.ceilMode ?? false,
    }),
  );
  return root(mean, kernelSize, normType);
}

/** The `normType`-norm of each 2-D window of `[N, C, H, W]` input (`torch.nn.functional.lp_pool2d`). */
export function lpPool2d(
  x: Tensor,
  normType: number,
  kernelSize: Size2,
  options: LpPoolOptions<Size2> = {},
): Tensor {
  checkOptions('lpPool2d', options, LP_POOL_KEYS);
  const [kh, kw] = pairOf(kernelSize);
  const mean = asOp('lpPool2d', () =>
    avgPool2d(x.pow(normType), kernelSize, {
      stride: options.stride ?? kernelSize,
      ceilMode: options.ceilMode ?? false,
    }),
  );
  return root(mean, kh * kw, normType);
}
