import type { Tensor } from '@nn/tensor';

/** The epoch's mean loss, weighted by batch size and summed on the device (read only at logging points). */
export class LossTracker {
  private sum: Tensor | undefined;
  private count = 0;

  /** Adds a batch's mean loss for `rows` rows. */
  update(loss: Tensor, rows: number): void {
    const weighted = loss.detach().mul(rows);
    this.sum = this.sum ? this.sum.add(weighted) : weighted;
    this.count += rows;
  }

  /** The running mean as a device tensor, or undefined before the first batch. */
  mean(): Tensor | undefined {
    return this.sum?.div(this.count);
  }

  reset(): void {
    this.sum = undefined;
    this.count = 0;
  }
}
