import type { StateDict } from '@nn/nn';
import { checkOptions, type OptionKeys, ValueError } from '@nn/tensor';
import type { Logs } from '../history';
import type { Trainer } from '../trainer';
import { Callback } from './callback';
import { Monitor, type MonitorMode } from './monitor';

/** Options of {@link EarlyStopping}, as Keras's. */
export interface EarlyStoppingOptions {
  /** The logged value watched (default `val_loss`). */
  monitor?: string;
  /** `min`, `max` or `auto` (default: from the name: accuracy-like keys go up, others down). */
  mode?: MonitorMode;
  /** Epochs without improvement before stopping (default 0: stop at the first). */
  patience?: number;
  /** The smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** At the end of fit, load the weights of the best epoch back into the model (default false). */
  restoreBestWeights?: boolean;
}

const EARLY_STOPPING_OPTIONS_KEYS: OptionKeys<EarlyStoppingOptions> = {
  monitor: true,
  mode: true,
  patience: true,
  minDelta: true,
  restoreBestWeights: true,
};

/**
 * Stops training when the monitored value stops improving (Keras's `EarlyStopping`). With
 * `restoreBestWeights` it keeps a device copy of the best epoch's weights (no read back) and loads them into
 * the model when fit ends, stopped early or not.
 *
 * @example
 * ```ts
 * const stop = new EarlyStopping({ monitor: 'val_loss', patience: 3, restoreBestWeights: true });
 * await fit(model, { ..., callbacks: [stop] });
 * console.log(stop.stoppedEpoch, stop.bestEpoch);
 * ```
 */
export class EarlyStopping extends Callback {
  readonly patience: number;
  readonly restoreBestWeights: boolean;
  private readonly monitor: Monitor;
  private wait = 0;
  private bestWeights: StateDict | undefined;
  /** The epoch training stopped after (0-based), or -1 when it ran to the end. */
  stoppedEpoch = -1;
  /** The best epoch (0-based), or -1 before the first. */
  bestEpoch = -1;

  constructor(options: EarlyStoppingOptions = {}) {
    super();
    checkOptions('EarlyStopping', options, EARLY_STOPPING_OPTIONS_KEYS);
    this.patience = options.patience ?? 0;
    if (!Number.isInteger(this.patience) || this.patience < 0) {
      throw new ValueError('EarlyStopping', `patience must be an integer >= 0, got ${this.patience}`);
    }
    this.restoreBestWeights = options.restoreBestWeights ?? false;
    this.monitor = new Monitor(
      'EarlyStopping',
      options.monitor ?? 'val_loss',
      options.mode,
      options.minDelta,
    );
  }

  /** The best monitored value so far. */
  get best(): number {
    return this.monitor.best;
  }

  override onFitStart(): void {
    this.monitor.reset();
    this.wait = 0;
    this.bestWeights = undefined;
    this.stoppedEpoch = -1;
    this.bestEpoch = -1;
  }

  override onEpochEnd(trainer: Trainer, epoch: number, logs: Logs): void {
    if (this.monitor.improves(this.monitor.value(logs))) {
      this.wait = 0;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.bestWeights = copyWeights(trainer.model.stateDict());
      return;
    }
    this.wait++;
    if (this.wait > this.patience) {
      this.stoppedEpoch = epoch;
      trainer.stopTraining = true;
    }
  }

  override onFitEnd(trainer: Trainer): void {
    if (this.bestWeights) trainer.model.loadStateDict(this.bestWeights);
  }
}

/** A copy of every tensor of a state dict, on its device. */
function copyWeights(state: StateDict): StateDict {
  return Object.fromEntries(Object.entries(state).map(([k, t]) => [k, t.detach().clone()]));
}
