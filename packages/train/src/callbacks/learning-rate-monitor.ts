import type { Logs } from '../history';
import type { Trainer } from '../trainer';
import { Callback } from './callback';

/**
 * Logs the learning rate of each epoch (Lightning's `LearningRateMonitor`): `lr` in the epoch's logs and
 * History (`lr_1`, `lr_2`, ... for further parameter groups), and every optimizer step's rate in
 * `steps` when `logging` is `'step'`.
 *
 * @example
 * ```ts
 * const lr = new LearningRateMonitor({ logging: 'step' });
 * await fit(model, { ..., callbacks: [lr] });
 * console.log(history.history.lr, lr.steps);
 * ```
 */
export class LearningRateMonitor extends Callback {
  /** With `logging: 'step'`, the rates of group 0 after each batch. */
  readonly steps: number[] = [];
  private readonly perStep: boolean;

  constructor(options: { logging?: 'epoch' | 'step' } = {}) {
    super();
    this.perStep = (options.logging ?? 'epoch') === 'step';
  }

  override onFitStart(): void {
    this.steps.length = 0;
  }

  override onTrainBatchEnd(trainer: Trainer): void {
    if (this.perStep) this.steps.push(trainer.optimizer.paramGroups[0]!.lr);
  }

  override onTrainEpochEnd(trainer: Trainer, _epoch: number, logs: Logs): void {
    trainer.optimizer.paramGroups.forEach((group, i) => {
      logs[i === 0 ? 'lr' : `lr_${i}`] = group.lr;
    });
  }
}
