import { checkOptions, type OptionKeys, type Tensor, ValueError } from '@nn/tensor';
import { type AnyOptimizer, groupsOf, perGroup, type Scheduler, snapshotFields } from './scheduler';

/** Options of {@link ReduceLROnPlateau}. */
export interface ReduceLROnPlateauOptions {
  /** Whether the metric should go down ('min', default) or up ('max'). */
  mode?: 'min' | 'max';
  /** Factor the lr is multiplied by on a plateau (< 1, default 0.1). */
  factor?: number;
  /** Epochs without improvement tolerated before reducing (default 10). */
  patience?: number;
  /** Minimum change that counts as an improvement (default 1e-4). */
  threshold?: number;
  /** Whether `threshold` is relative ('rel', default) or absolute ('abs'). */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting again (default 0). */
  cooldown?: number;
  /** Lower bound on the lr, for all groups or per group (default 0). */
  minLr?: number | readonly number[];
  /** Reductions smaller than this are skipped (default 1e-8). */
  eps?: number;
}
const REDUCELR_ON_PLATEAU_KEYS: OptionKeys<ReduceLROnPlateauOptions> = {
  mode: true,
  factor: true,
  patience: true,
  threshold: true,
  thresholdMode: true,
  cooldown: true,
  minLr: true,
  eps: true,
};

/**
 * Reduces each group's lr by `factor` when a metric has stopped improving for `patience` epochs, as
 * torch 1.13's `ReduceLROnPlateau`. Call `step(metric)` once per epoch, after validation.
 */
export class ReduceLROnPlateau implements Scheduler {
  /** The optimizer whose groups are scheduled. */
  readonly optimizer: AnyOptimizer;
  /** Factor the lr is multiplied by on a plateau. */
  factor: number;
  /** Lower lr bound per group. */
  minLrs: number[];
  /** Epochs without improvement tolerated. */
  patience: number;
  /** Epochs to wait after a reduction. */
  cooldown: number;
  /** Cooldown epochs left. */
  cooldownCounter = 0;
  /** Whether the metric should go down or up. */
  mode: 'min' | 'max';
  /** Minimum change that counts as an improvement. */
  threshold: number;
  /** Whether `threshold` is relative or absolute. */
  thresholdMode: 'rel' | 'abs';
  /** Best metric so far (±Infinity before the first step). */
  best: number;
  /** Consecutive epochs without improvement. */
  numBadEpochs = 0;
  /** Reductions smaller than this are skipped. */
  eps: number;
  /** Epochs stepped. */
  lastEpoch = 0;
  private lastLr: number[];

  constructor(optimizer: AnyOptimizer, options: ReduceLROnPlateauOptions = {}) {
    checkOptions('ReduceLROnPlateau', options, REDUCELR_ON_PLATEAU_KEYS);
    const op = 'ReduceLROnPlateau';
    const { mode = 'min', factor = 0.1, patience = 10, threshold = 1e-4, thresholdMode = 'rel' } = options;
    if (factor >= 1) throw new ValueError(op, 'Factor should be < 1.0.');
    if (mode !== 'min' && mode !== 'max') throw new ValueError(op, `mode ${mode} is unknown!`);
    if (thresholdMode !== 'rel' && thresholdMode !== 'abs') {
      throw new ValueError(op, `threshold mode ${thresholdMode} is unknown!`);
    }
    this.optimizer = optimizer;
    this.factor = factor;
    this.minLrs = perGroup(op, optimizer, 'minLr', options.minLr ?? 0);
    this.patience = patience;
    this.cooldown = options.cooldown ?? 0;
    this.mode = mode;
    this.threshold = threshold;
    this.thresholdMode = thresholdMode;
    this.eps = options.eps ?? 1e-8;
    this.best = this.worst();
    this.lastLr = groupsOf(optimizer).map((g) => g.lr);
  }

  private worst(): number {
    return this.mode === 'min' ? Infinity : -Infinity;
  }

  private isBetter(a: number, best: number): boolean {
    if (this.mode === 'min') {
      return this.thresholdMode === 'rel' ? a < best * (1 - this.threshold) : a < best - this.threshold;
    }
    return this.thresholdMode === 'rel' ? a > best * (this.threshold + 1) : a > best + this.threshold;
  }

  /** Records this epoch's metric (a number or a one-element tensor) and reduces the lr on a plateau. */
  step(metric: number | Tensor): void {
    const current = typeof metric === 'number' ? metric : Number(metric.item());
    this.lastEpoch += 1;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // bad epochs in cooldown do not count
    }
    if (this.numBadEpochs > this.patience) {
      groupsOf(this.optimizer).forEach((group, i) => {
        const newLr = Math.max(group.lr * this.factor, this.minLrs[i]!);
        if (group.lr - newLr > this.eps) group.lr = newLr;
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = groupsOf(this.optimizer).map((g) => g.lr);
  }

  getLastLr(): number[] {
    return [...this.lastLr];
  }

  stateDict(): Record<string, unknown> {
    return snapshotFields(this);
  }

  loadStateDict(stateDict: Record<string, unknown>): void {
    Object.assign(this, structuredClone(stateDict));
    // JSON turns the initial ±Infinity into null.
    if (this.best === null) this.best = this.worst();
  }
}
