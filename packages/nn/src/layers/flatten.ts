import type { Tensor } from '@nn/tensor';
import { Module } from '../module/module';
import { pyTuple } from '../module/repr';

/**
 * Flattens dims `startDim..endDim` into one (`torch.nn.Flatten`; defaults 1 and -1 keep the batch dim).
 *
 * @example
 * ```ts
 * import { Flatten } from '@nn/nn';
 * import { zeros } from '@nn/tensor';
 *
 * console.log(new Flatten().call(zeros([32, 1, 28, 28])).shape); // [ 32, 784 ]
 * ```
 */
export class Flatten extends Module {
  /** First dim flattened. */
  readonly startDim: number;
  /** Last dim flattened (inclusive). */
  readonly endDim: number;

  constructor(startDim = 1, endDim = -1) {
    super();
    this.startDim = startDim;
    this.endDim = endDim;
  }

  override forward(x: Tensor): Tensor {
    return x.flatten(this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/** Splits dim `dim` into `unflattenedSize` (`torch.nn.Unflatten`). */
export class Unflatten extends Module {
  /** The dim that is split. */
  readonly dim: number;
  /** The sizes it is split into. */
  readonly unflattenedSize: readonly number[];

  constructor(dim: number, unflattenedSize: readonly number[]) {
    super();
    this.dim = dim;
    this.unflattenedSize = [...unflattenedSize];
  }

  override forward(x: Tensor): Tensor {
    return x.unflatten(this.dim, this.unflattenedSize);
  }

  override extraRepr(): string {
    return `dim=${this.dim}, unflattened_size=${pyTuple(this.unflattenedSize)}`;
  }
}
