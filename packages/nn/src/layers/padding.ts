import { type PadMode, pad, ShapeError, type Tensor, ValueError } from '@nn/tensor';
import { Module } from '../module/module';
import { pyFloat, pyTuple } from '../module/repr';

/** Padding of `n` dims: one amount for every side, or `[left, right, top, bottom, front, back]` (first `2n`). */
export type PaddingSize = number | readonly number[];

/**
 * The padding layers' shared forward: `F.pad(x, padding, mode, value)` with `padding` normalised to `2n`
 * amounts, last dim first, as PyTorch stores it (`ZeroPad2d(1).padding` is `[1, 1, 1, 1]`).
 */
abstract class PadNd extends Module {
  /** `[left, right, top, bottom, front, back]`: the amounts for the last dims, last dim first. */
  readonly padding: number[];

  /** `dims` is how many trailing dims the layer pads (1, 2 or 3). */
  constructor(padding: PaddingSize, dims: number) {
    super();
    const name = new.target.name;
    const given = typeof padding === 'number' ? new Array<number>(2 * dims).fill(padding) : [...padding];
    if (given.length !== 2 * dims || given.some((p) => !Number.isInteger(p))) {
      throw new ValueError(
        name,
        `padding must be an int or ${2 * dims} ints (${['left, right', 'top, bottom', 'front, back'].slice(0, dims).join(', ')}), ` +
          `got ${JSON.stringify(padding)}`,
      );
    }
    this.padding = given;
  }

  /** The mode handed to `F.pad`. */
  protected abstract readonly mode: PadMode;

  /** The fill value of constant padding. */
  protected get fill(): number {
    return 0;
  }

  override forward(x: Tensor): Tensor {
    const dims = this.padding.length / 2;
    // PyTorch's reflect/replicate kernels take the padded dims plus channels, with or without the batch dim.
    if (this.mode !== 'constant' && x.ndim !== dims + 1 && x.ndim !== dims + 2) {
      throw new ShapeError(
        this.constructor.name,
        `expected ${dims + 1}D (unbatched) or ${dims + 2}D input, got ${x.ndim}D input of shape [${x.shape.join(',')}]`,
      );
    }
    return pad(x, this.padding, this.mode, this.fill);
  }

  override extraRepr(): string {
    return pyTuple(this.padding);
  }
}

/** Pads with a constant `value` (PyTorch's `_ConstantPadNd`). */
abstract class ConstantPadNd extends PadNd {
  protected readonly mode = 'constant';
  /** The fill value. */
  readonly value: number;

  constructor(padding: PaddingSize, value: number, dims: number) {
    super(padding, dims);
    this.value = value;
  }

  protected override get fill(): number {
    return this.value;
  }

  override extraRepr(): string {
    return `padding=${pyTuple(this.padding)}, value=${pyFloat(this.value)}`;
  }
}

/** Pads the last dim of `[N, C, W]` (or any) input with `value` (`torch.nn.ConstantPad1d`). */
export class ConstantPad1d extends ConstantPadNd {
  constructor(padding: PaddingSize, value: number) {
    super(padding, value, 1);
  }
}

/**
 * Pads the last two dims with `value` (`torch.nn.ConstantPad2d`); negative amounts crop.
 *
 * @example
 * ```ts
 * import { ConstantPad2d } from '@nn/nn';
 * import { ones } from '@nn/tensor';
 *
 * const padLayer = new ConstantPad2d([1, 0, 0, 1], 9); // left, right, top, bottom
 * console.log(padLayer.call(ones([1, 2, 2])).tolist()); // [ [ [ 9, 1, 1 ], [ 9, 1, 1 ], [ 9, 9, 9 ] ] ]
 * ```
 */
export class ConstantPad2d extends ConstantPadNd {
  constructor(padding: PaddingSize, value: number) {
    super(padding, value, 2);
  }
}

/** Pads the last three dims with `value` (`torch.nn.ConstantPad3d`). */
export class ConstantPad3d extends ConstantPadNd {
  constructor(padding: PaddingSize, value: number) {
    super(padding, value, 3);
  }
}

/** Pads the last two dims with zeros (`torch.nn.ZeroPad2d`). */
export class ZeroPad2d extends ConstantPad2d {
  constructor(padding: PaddingSize) {
    super(padding, 0);
  }

  override extraRepr(): string {
    return pyTuple(this.padding);
  }
}

/** Pads the last dim with its reflection (edge not repeated) (`torch.nn.ReflectionPad1d`). */
export class ReflectionPad1d extends PadNd {
  protected readonly mode = 'reflect';
  constructor(padding: PaddingSize) {
    super(padding, 1);
  }
}

/** Pads the last two dims with their reflection (`torch.nn.ReflectionPad2d`); each pad < that dim's size. */
export class ReflectionPad2d extends PadNd {
  protected readonly mode = 'reflect';
  constructor(padding: PaddingSize) {
    super(padding, 2);
  }
}

/** Pads the last three dims with their reflection (`torch.nn.ReflectionPad3d`). */
export class ReflectionPad3d extends PadNd {
  protected readonly mode = 'reflect';
  constructor(padding: PaddingSize) {
    super(padding, 3);
  }
}

/** Pads the last dim by repeating its edge values (`torch.nn.ReplicationPad1d`). */
export class ReplicationPad1d extends PadNd {
  protected readonly mode = 'replicate';
  constructor(padding: PaddingSize) {
    super(padding, 1);
  }
}

/** Pads the last two dims by repeating the edge values (`torch.nn.ReplicationPad2d`). */
export class ReplicationPad2d extends PadNd {
  protected readonly mode = 'replicate';
  constructor(padding: PaddingSize) {
    super(padding, 2);
  }
}

/** Pads the last three dims by repeating the edge values (`torch.nn.ReplicationPad3d`). */
export class ReplicationPad3d extends PadNd {
  protected readonly mode = 'replicate';
  constructor(padding: PaddingSize) {
    super(padding, 3);
  }
}
