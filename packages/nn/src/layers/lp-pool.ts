import { checkOptions, type Size2, type Tensor } from '@nn/tensor';
import { type LpPoolOptions, lpPool1d, lpPool2d } from '../functional/lp-pool';
import { Module } from '../module/module';
import { pyBool, pyFloat, pyIntOrTuple } from '../module/repr';
import { LP_POOL_KEYS } from '../utils/spatial-option-keys';

/** What LPPool1d and LPPool2d share: the norm, window sizes and PyTorch's repr. */
abstract class LpPoolNd<S extends Size2> extends Module {
  /** Window step (undefined: the kernel size). */
  readonly stride: S | undefined;
  /** Whether the output size rounds up. */
  readonly ceilMode: boolean;

  constructor(
    op: string,
    /** The p of the p-norm taken over each window. */
    readonly normType: number,
    /** Window size. */
    readonly kernelSize: S,
    options: LpPoolOptions<S>,
  ) {
    checkOptions(op, options, LP_POOL_KEYS);
    super();
    this.stride = options.stride;
    this.ceilMode = options.ceilMode ?? false;
  }

  override extraRepr(): string {
    const p = Number.isInteger(this.normType) ? String(this.normType) : pyFloat(this.normType);
    return `norm_type=${p}, kernel_size=${pyIntOrTuple(this.kernelSize)}, stride=${this.stride === undefined ? 'None' : pyIntOrTuple(this.stride)}, ceil_mode=${pyBool(this.ceilMode)}`;
  }
}

/** The `normType`-norm of each window of `[N, C, L]` input (`torch.nn.LPPool1d`). */
export class LPPool1d extends LpPoolNd<number> {
  constructor(normType: number, kernelSize: number, options: LpPoolOptions<number> = {}) {
    super('LPPool1d', normType, kernelSize, options);
  }

  override forward(x: Tensor): Tensor {
    return lpPool1d(x, this.normType, this.kernelSize, {
      stride: this.stride ?? this.kernelSize,
      ceilMode: this.ceilMode,
    });
  }
}

/**
 * The `normType`-norm of each window of `[N, C, H, W]` input (`torch.nn.LPPool2d`): p = 1 is sum pooling, p = 2
 * the root of the sum of squares.
 *
 * @example
 * ```ts
 * import { LPPool2d } from '@nn/nn';
 * import { ones } from '@nn/tensor';
 *
 * console.log(new LPPool2d(2, 2).call(ones([1, 1, 4, 4])).tolist()); // [ [ [ [ 2, 2 ], [ 2, 2 ] ] ] ]
 * ```
 */
export class LPPool2d extends LpPoolNd<Size2> {
  constructor(normType: number, kernelSize: Size2, options: LpPoolOptions<Size2> = {}) {
    super('LPPool2d', normType, kernelSize, options);
  }

  override forward(x: Tensor): Tensor {
    return lpPool2d(x, this.normType, this.kernelSize, {
      stride: this.stride ?? this.kernelSize,
      ceilMode: this.ceilMode,
    });
  }
}
