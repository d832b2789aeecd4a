import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { saveFile } from '@nn/nn/node';
import { checkOptions, type OptionKeys, Tensor, ValueError } from '@nn/tensor';
import { saveCheckpoint } from '../checkpoint/checkpoint-file';
import type { Logs } from '../history';
import type { Trainer } from '../trainer';
import { Callback } from './callback';
import { Monitor, type MonitorMode } from './monitor';

/** Options of {@link ModelCheckpoint}. */
export interface ModelCheckpointOptions {
  /** Directory of the files (created when missing). */
  dir: string;
  /** The logged value that picks the best epoch (default `val_loss`). */
  monitor?: string;
  /** `min`, `max` or `auto` (default: from the name). */
  mode?: MonitorMode;
  /** Write `best.safetensors` whenever the monitored value improves (default true). */
  saveBest?: boolean;
  /** Write `last.safetensors` after every epoch (default true). */
  saveLast?: boolean;
  /**
   * Write only the model's weights (a plain safetensors state dict for `loadFile`) instead of a full
   * checkpoint with optimizer, scheduler and random state (default false).
   */
  weightsOnly?: boolean;
}

const MODEL_CHECKPOINT_OPTIONS_KEYS: OptionKeys<ModelCheckpointOptions> = {
  dir: true,
  monitor: true,
  mode: true,
  saveBest: true,
  saveLast: true,
  weightsOnly: true,
};

/**
 * Saves the best and the last epoch (Keras's `ModelCheckpoint`, Lightning's best/last files) as
 * `<dir>/best.safetensors` and `<dir>/last.safetensors`. Full checkpoints resume a fit bit for bit:
 * `fit(model, { ..., resume: await loadCheckpoint(checkpoint.lastPath) })`.
 *
 * @example
 * ```ts
 * const checkpoint = new ModelCheckpoint({ dir: 'checkpoints', monitor: 'val_accuracy' });
 * await fit(model, { ..., callbacks: [checkpoint] });
 * model.loadStateDict((await loadCheckpoint(checkpoint.bestPath)).model!);
 * ```
 */
export class ModelCheckpoint extends Callback {
  /** Path of the best epoch's file. */
  readonly bestPath: string;
  /** Path of the last epoch's file. */
  readonly lastPath: string;
  /** The best epoch (0-based), or -1 before the first. */
  bestEpoch = -1;
  private readonly monitor: Monitor;
  private readonly saveBest: boolean;
  private readonly saveLast: boolean;
  private readonly weightsOnly: boolean;

  constructor(options: ModelCheckpointOptions) {
    super();
    checkOptions('ModelCheckpoint', options, MODEL_CHECKPOINT_OPTIONS_KEYS);
    if (!options?.dir)
      throw new ValueError('ModelCheckpoint', 'options.dir (the directory for the files) is required');
    this.saveBest = options.saveBest ?? true;
    this.saveLast = options.saveLast ?? true;
    if (!this.saveBest && !this.saveLast) {
      throw new ValueError('ModelCheckpoint', 'saveBest and saveLast are both false: nothing would be saved');
    }
    this.weightsOnly = options.weightsOnly ?? false;
    this.monitor = new Monitor('ModelCheckpoint', options.monitor ?? 'val_loss', options.mode);
    this.bestPath = join(options.dir, 'best.safetensors');
    this.lastPath = join(options.dir, 'last.safetensors');
    mkdirSync(options.dir, { recursive: true });
  }

  /** The best monitored value so far. */
  get best(): number {
    return this.monitor.best;
  }

  override onFitStart(): void {
    this.monitor.reset();
    this.bestEpoch = -1;
  }

  override async onEpochEnd(trainer: Trainer, epoch: number, logs: Logs): Promise<void> {
    const improved = this.saveBest && this.monitor.improves(this.monitor.value(logs));
    if (improved) this.bestEpoch = epoch;
    const paths = [...(improved ? [this.bestPath] : []), ...(this.saveLast ? [this.lastPath] : [])];
    for (const path of paths) await this.write(trainer, path);
  }

  private async write(trainer: Trainer, path: string): Promise<void> {
    if (!this.weightsOnly) return saveCheckpoint(path, trainer.checkpoint());
    const weights = trainer.model.stateDict();
    const host = await Promise.all(
      Object.entries(weights).map(async ([k, t]) => [k, await hostCopy(t)] as const),
    );
    await saveFile(path, Object.fromEntries(host));
  }
}

/** A CPU copy of a tensor, read the way every device supports (async devices have no sync read). */
async function hostCopy(t: Tensor): Promise<Tensor> {
  return Tensor.fromArray(await t.data(), t.shape, t.dtype);
}
