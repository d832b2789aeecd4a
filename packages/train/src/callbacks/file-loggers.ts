import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { checkOptions } from '@nn/tensor';
import type { Logs } from '../history';
import type { Trainer } from '../trainer';
import { Callback } from './callback';

/** Options of the file loggers. */
export interface FileLoggerOptions {
  /** Add to an existing file instead of starting it afresh (default false; for resumed fits). */
  append?: boolean;
}

/** Writes one record per epoch to a file; subclasses format the records. */
abstract class FileLogger extends Callback {
  constructor(
    /** The file written. */
    readonly path: string,
    private readonly options: FileLoggerOptions = {},
  ) {
    super();
    checkOptions(new.target.name, options, { append: true });
  }

  /** The text written after epoch `epoch` (a full line or lines). */
  protected abstract format(epoch: number, logs: Logs, first: boolean): string;

  private first = true;

  override onFitStart(): void {
    mkdirSync(dirname(this.path), { recursive: true });
    if (!this.options.append) writeFileSync(this.path, '');
    this.first = !this.options.append;
  }

  override onEpochEnd(_trainer: Trainer, epoch: number, logs: Logs): void {
    appendFileSync(this.path, this.format(epoch, logs, this.first));
    this.first = false;
  }
}

/**
 * Writes the epoch logs as CSV (Keras's `CSVLogger`): a header `epoch,<keys>` then one row per epoch.
 * The columns are the first epoch's keys; a key missing later is written empty.
 *
 * @example
 * ```ts
 * await fit(model, { ..., callbacks: [new CSVLogger('runs/history.csv')] });
 * ```
 */
export class CSVLogger extends FileLogger {
  private columns: string[] = [];

  protected format(epoch: number, logs: Logs, first: boolean): string {
    if (first || this.columns.length === 0) this.columns = Object.keys(logs);
    const row = [String(epoch), ...this.columns.map((k) => (k in logs ? String(logs[k]) : ''))].join(',');
    return first ? `epoch,${this.columns.join(',')}\n${row}\n` : `${row}\n`;
  }
}

/**
 * Writes the epoch logs as JSON lines: `{"epoch":0,"loss":0.31,...}` per line, easy to stream into
 * pandas (`read_json(lines=True)`), jq or a dashboard.
 */
export class JsonLinesLogger extends FileLogger {
  protected format(epoch: number, logs: Logs): string {
    return `${JSON.stringify({ epoch, ...logs })}\n`;
  }
}
