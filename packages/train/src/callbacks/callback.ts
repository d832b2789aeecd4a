import type { History, Logs } from '../history';
import type { Trainer } from '../trainer';

/** Where training stands after a batch; `logs` is there only at logging points (see `logEvery`). */
export interface BatchEnd {
  /** Epoch index, 0-based. */
  epoch: number;
  /** Batch index in the epoch, 0-based. */
  batch: number;
  /** Batches per epoch, when the data has a length. */
  batches: number | undefined;
  /** Samples seen this epoch. */
  seen: number;
  /** Samples per epoch, when the data has a length. */
  samples: number | undefined;
  /** The running epoch loss and metrics, read from the device only every `logEvery` batches and at the last. */
  logs?: Logs;
}

/**
 * Base class of callbacks (Keras's `Callback`, Lightning's hooks): override the hooks you need; each may
 * return a promise, which the trainer awaits. Epochs are 0-based, as in Keras. Set
 * `trainer.stopTraining = true` to stop after the current epoch.
 *
 * @example
 * ```ts
 * class PrintLoss extends Callback {
 *   override onEpochEnd(_trainer: Trainer, epoch: number, logs: Logs) {
 *     console.log(epoch, logs.loss);
 *   }
 * }
 * ```
 */
export abstract class Callback {
  /** Before the first epoch. */
  onFitStart(_trainer: Trainer): void | Promise<void> {}
  /** Before an epoch's first batch. */
  onEpochStart(_trainer: Trainer, _epoch: number): void | Promise<void> {}
  /** After each training batch (after the optimizer step). */
  onTrainBatchEnd(_trainer: Trainer, _batch: BatchEnd): void | Promise<void> {}
  /** After the epoch's training batches, before validation; `logs` holds `loss` and the metrics and may be added to. */
  onTrainEpochEnd(_trainer: Trainer, _epoch: number, _logs: Logs): void | Promise<void> {}
  /** After validation, once History has recorded `logs` (the training and `val_` values). */
  onEpochEnd(_trainer: Trainer, _epoch: number, _logs: Logs): void | Promise<void> {}
  /** After the last epoch (or an early stop). */
  onFitEnd(_trainer: Trainer, _history: History): void | Promise<void> {}
}
