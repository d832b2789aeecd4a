import { checkOptions, type OptionKeys } from '@nn/tensor';
import { Presets, SingleBar } from 'cli-progress';
import type { History, Logs } from '../history';
import { terminalChart } from '../plots/terminal-chart';
import type { Trainer } from '../trainer';
import { type BatchEnd, Callback } from './callback';

/** Options of {@link ProgressBar}. */
export interface ProgressBarOptions {
  /** Where to write (default `process.stdout`). */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Draw a live bar when the stream is a terminal (default true); off, or not a terminal: one line per epoch. */
  bar?: boolean;
  /** Print a terminal chart of the loss at the end of fit when the stream is a terminal (default true). */
  chart?: boolean;
}

const PROGRESS_BAR_OPTIONS_KEYS: OptionKeys<ProgressBarOptions> = { stream: true, bar: true, chart: true };

/**
 * The progress display `fit` adds with `verbose: 1`: on a terminal a live bar per epoch (cli-progress)
 * with the running loss and metrics, samples/s and the ETA, then a one-line summary per epoch and a
 * terminal chart of the loss at the end; elsewhere (CI logs, files) only the summary lines.
 *
 * @example
 * ```ts
 * await fit(model, { ..., verbose: 0, callbacks: [new ProgressBar({ stream: process.stderr })] });
 * ```
 */
export class ProgressBar extends Callback {
  private readonly stream: NodeJS.WritableStream & { isTTY?: boolean };
  private readonly tty: boolean;
  private readonly chart: boolean;
  private bar: SingleBar | undefined;
  private started = 0;
  private seen = 0;
  /** Training samples per second of the epoch, fixed before validation starts. */
  private trainRate = 0;

  constructor(options: ProgressBarOptions = {}) {
    super();
    checkOptions('ProgressBar', options, PROGRESS_BAR_OPTIONS_KEYS);
    this.stream = options.stream ?? process.stdout;
    this.tty = (options.bar ?? true) && this.stream.isTTY === true;
    this.chart = (options.chart ?? true) && this.stream.isTTY === true;
  }

  override onEpochStart(trainer: Trainer, epoch: number): void {
    this.started = performance.now();
    this.seen = 0;
    if (!this.tty) return;
    this.bar = new SingleBar(
      {
        stream: this.stream as NodeJS.WriteStream,
        format: `${epochLabel(trainer, epoch)} [{bar}] {value}/{total} {metrics}{speed} samples/s ETA {eta_formatted}`,
        barsize: 24,
        hideCursor: false,
        etaBuffer: 50,
      },
      Presets.legacy,
    );
  }

  override onTrainBatchEnd(_trainer: Trainer, info: BatchEnd): void {
    this.seen = info.seen;
    const bar = this.bar;
    if (!bar) return;
    // started at the first batch, when the epoch's size is known (streams grow their total as they go)
    const total = info.samples ?? info.seen;
    if (info.batch === 0) bar.start(total, 0, { metrics: '', speed: 0 });
    else if (info.samples === undefined) bar.setTotal(total);
    const payload = {
      speed: Math.round(this.rate()),
      ...(info.logs ? { metrics: `${formatLogs(info.logs, ' ')} ` } : {}),
    };
    bar.update(info.seen, payload);
  }

  override onTrainEpochEnd(): void {
    this.trainRate = this.rate();
  }

  override onEpochEnd(trainer: Trainer, epoch: number, logs: Logs): void {
    this.bar?.stop();
    this.bar = undefined;
    const seconds = (performance.now() - this.started) / 1000;
    this.stream.write(
      `${epochLabel(trainer, epoch)} - ${seconds.toFixed(1)}s - ${Math.round(this.trainRate)} samples/s - ${formatLogs(logs, ' - ')}\n`,
    );
  }

  override onFitEnd(_trainer: Trainer, history: History): void {
    if (this.chart && history.epoch.length > 1) this.stream.write(terminalChart(history));
  }

  private rate(): number {
    return this.seen / Math.max((performance.now() - this.started) / 1000, 1e-9);
  }
}

function epochLabel(trainer: Trainer, epoch: number): string {
  return `epoch ${epoch + 1}/${trainer.epochs}`;
}

/** `loss 0.1234 - accuracy 0.9876` (4 significant decimals, as Keras prints). */
function formatLogs(logs: Logs, separator: string): string {
  return Object.entries(logs)
    .map(([k, v]) => `${k} ${Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(3)}`)
    .join(separator);
}
