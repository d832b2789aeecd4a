import { ValueError } from '@nn/tensor';
import type { Logs } from '../history';

/** Whether a monitored value should go down (`min`) or up (`max`); `auto` guesses from its name, as Keras. */
export type MonitorMode = 'min' | 'max' | 'auto';

const HIGHER_IS_BETTER = /acc|precision|recall|f1|r2|auc/;

/** Tracks the best value of one logged key; shared by EarlyStopping and ModelCheckpoint. */
export class Monitor {
  readonly mode: 'min' | 'max';
  /** The best value so far (±Infinity before the first). */
  best: number;

  constructor(
    private readonly op: string,
    /** The logged key watched, e.g. `val_loss`. */
    readonly key: string,
    mode: MonitorMode = 'auto',
    /** The smallest change that counts as better. */
    private readonly minDelta = 0,
  ) {
    if (!['min', 'max', 'auto'].includes(mode)) {
      throw new ValueError(op, `mode must be 'min', 'max' or 'auto', got '${mode}'`);
    }
    if (!(minDelta >= 0)) throw new ValueError(op, `minDelta must be >= 0, got ${minDelta}`);
    this.mode = mode === 'auto' ? (HIGHER_IS_BETTER.test(key) ? 'max' : 'min') : mode;
    this.best = this.mode === 'min' ? Infinity : -Infinity;
  }

  /** The watched value of `logs`; a clear error lists what is logged when it is missing. */
  value(logs: Logs): number {
    const value = logs[this.key];
    if (value === undefined) {
      throw new ValueError(
        this.op,
        `monitor '${this.key}' is not logged; logged: ${Object.keys(logs).join(', ')} (val_ keys need validation data)`,
      );
    }
    return value;
  }

  /** Whether `value` beats the best by more than minDelta; if so it becomes the best. */
  improves(value: number): boolean {
    const better =
      this.mode === 'min' ? value < this.best - this.minDelta : value > this.best + this.minDelta;
    if (better) this.best = value;
    return better;
  }

  /** Forgets the best value (a new fit). */
  reset(): void {
    this.best = this.mode === 'min' ? Infinity : -Infinity;
  }
}
