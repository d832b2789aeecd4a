import { checkOptions, type FoldOptions, fold, type Size2, type Tensor, unfold } from '@nn/tensor';
import { Module } from '../module/module';
import { pyIntOrTuple } from '../module/repr';
import { FOLD_KEYS } from '../utils/spatial-option-keys';

/** What Fold and Unfold share: the block geometry and its repr. */
abstract class SlidingBlocks extends Module {
  /** Spacing between the taps of a block. */
  readonly dilation: Size2;
  /** Implicit zero padding per side. */
  readonly padding: Size2;
  /** Step between blocks. */
  readonly stride: Size2;

  constructor(
    op: string,
    /** Block size. */
    readonly kernelSize: Size2,
    options: FoldOptions,
  ) {
    checkOptions(op, options, FOLD_KEYS);
    super();
    this.dilation = options.dilation ?? 1;
    this.padding = options.padding ?? 0;
    this.stride = options.stride ?? 1;
  }

  protected get blockOptions(): FoldOptions {
    return { dilation: this.dilation, padding: this.padding, stride: this.stride };
  }

  override extraRepr(): string {
    return (
      `kernel_size=${pyIntOrTuple(this.kernelSize)}, dilation=${pyIntOrTuple(this.dilation)}, ` +
      `padding=${pyIntOrTuple(this.padding)}, stride=${pyIntOrTuple(this.stride)}`
    );
  }
}

/**
 * Extracts sliding blocks of `[N, C, H, W]` input as columns `[N, C * kh * kw, L]` (`torch.nn.Unfold`,
 * im2col).
 *
 * @example
 * ```ts
 * import { Unfold } from '@nn/nn';
 * import { randn } from '@nn/tensor';
 *
 * console.log(new Unfold([2, 3]).call(randn([2, 5, 3, 4])).shape); // [ 2, 30, 4 ]
 * ```
 */
export class Unfold extends SlidingBlocks {
  constructor(kernelSize: Size2, options: FoldOptions = {}) {
    super('Unfold', kernelSize, options);
  }

  override forward(x: Tensor): Tensor {
    return unfold(x, this.kernelSize, this.blockOptions);
  }
}

/** Sums columns `[N, C * kh * kw, L]` of sliding blocks into `[N, C, ...outputSize]` (`torch.nn.Fold`, col2im). */
export class Fold extends SlidingBlocks {
  constructor(
    /** The images' `[H, W]` (one number for both). */
    readonly outputSize: Size2,
    kernelSize: Size2,
    options: FoldOptions = {},
  ) {
    super('Fold', kernelSize, options);
  }

  override forward(x: Tensor): Tensor {
    return fold(x, this.outputSize, this.kernelSize, this.blockOptions);
  }

  override extraRepr(): string {
    return `output_size=${pyIntOrTuple(this.outputSize)}, ${super.extraRepr()}`;
  }
}
