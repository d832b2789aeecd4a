import { noGrad } from '@nn/autograd';
import { type Tensor, ValueError, zeros } from '@nn/tensor';

/**
 * A streaming metric in the shape of torchmetrics: `update(output, target)` per batch, `compute()` for the
 * value over everything seen since the last `reset()`. State stays on the outputs' device as tensors, so
 * updates never wait for the device; only reading `compute()`'s result (`await t.data()`) does.
 *
 * @example
 * ```ts
 * const acc = new Accuracy();
 * for (const [x, y] of loader) acc.update(model.call(x), y);
 * const value = (await acc.compute().data())[0];
 * acc.reset();
 * ```
 */
export abstract class Metric {
  /** The key the metric's value has in logs and History (`accuracy`, `val_accuracy`, ...). */
  abstract readonly name: string;

  /** Adds one batch: model outputs and targets, on the same device. Runs without recording gradients. */
  update(output: Tensor, target: Tensor): void {
    noGrad(() => this.accumulate(output.detach(), target.detach()));
  }

  /** The metric over all batches since the last reset, as a tensor on the batches' device (0-d for scalar metrics). */
  compute(): Tensor {
    if (!this.hasData()) {
      throw new ValueError(
        this.constructor.name,
        'compute() was called before any update(); update it with a batch first',
      );
    }
    return noGrad(() => this.result());
  }

  /** Forgets every batch seen, ready for the next epoch. */
  abstract reset(): void;

  /** Adds a detached batch to the running state. */
  protected abstract accumulate(output: Tensor, target: Tensor): void;
  /** The value from the running state (called only after at least one update). */
  protected abstract result(): Tensor;
  /** Whether any batch was seen since the last reset. */
  protected abstract hasData(): boolean;
}

/** Checks that outputs and targets have the same number of rows. */
export function checkRows(metric: string, output: Tensor, target: Tensor): void {
  if (output.shape[0] !== target.shape[0]) {
    throw new ValueError(
      metric,
      `output has ${output.shape[0]} rows [${output.shape.join(', ')}] but target has ${target.shape[0]} [${target.shape.join(', ')}]; pass one target per output row`,
    );
  }
}

/** Zeros on the device of `like`: a metric's running state starts where its batches live. */
export function deviceZeros(like: Tensor, shape: number[], dtype: 'int32' | 'float32'): Tensor {
  return zeros(shape, { dtype, device: like.device });
}
