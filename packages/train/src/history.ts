import { ValueError } from '@nn/tensor';

/** One epoch's values: `loss`, each metric, `val_loss`, `val_<metric>`, `lr`, ... */
export type Logs = Record<string, number>;

/**
 * What `fit` returns, as Keras's `History`: `history.history.loss[i]` is epoch i's training loss,
 * `history.history.val_accuracy` the validation accuracy per epoch, `history.epoch` the epoch indices
 * (0-based, as Keras).
 *
 * @example
 * ```ts
 * const history = await fit(model, { data: [x, y], epochs: 5, validationSplit: 0.1, ... });
 * console.log(history.history.val_loss);
 * ```
 */
export class History {
  /** Indices of the recorded epochs, 0-based. */
  readonly epoch: number[] = [];
  /** Each key's values, one per recorded epoch. */
  readonly history: Record<string, number[]> = {};

  /** Appends one epoch's logs. */
  record(epoch: number, logs: Logs): void {
    this.epoch.push(epoch);
    const row = this.epoch.length - 1;
    for (const [key, value] of Object.entries(logs)) {
      // a key first logged later (a callback added it) gets NaN for the epochs before
      const values = (this.history[key] ??= new Array<number>(row).fill(Number.NaN));
      values.push(value);
    }
    for (const values of Object.values(this.history)) if (values.length === row) values.push(Number.NaN);
  }

  /** The values logged under `key`; a clear error lists the keys when it is missing. */
  get(key: string): number[] {
    const values = this.history[key];
    if (!values) {
      throw new ValueError(
        'History',
        `no values logged as '${key}'; logged keys: ${Object.keys(this.history).join(', ') || 'none'}`,
      );
    }
    return values;
  }

  /** Plain data, for JSON files and checkpoints. */
  toJSON(): { epoch: number[]; history: Record<string, number[]> } {
    return {
      epoch: [...this.epoch],
      history: Object.fromEntries(Object.entries(this.history).map(([k, v]) => [k, [...v]])),
    };
  }

  /** A History from {@link History.toJSON}'s data. */
  static fromJSON(data: { epoch: number[]; history: Record<string, number[]> }): History {
    const history = new History();
    history.epoch.push(...data.epoch);
    for (const [key, values] of Object.entries(data.history)) history.history[key] = [...values];
    return history;
  }
}
