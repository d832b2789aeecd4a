import { checkOptions, type OptionKeys, ValueError } from '@nn/tensor';
import { type AnyOptimizer, groupsOf, type LRScheduler, type Scheduler, snapshotFields } from './scheduler';

/** What SequentialLR and ChainedScheduler share: the last lrs, and their children saved under `schedulers`. */
abstract class CompositeScheduler implements Scheduler {
  abstract readonly optimizer: AnyOptimizer;
  abstract readonly schedulers: Scheduler[];
  /** The lrs last set, returned by `getLastLr()`. */
  protected abstract lastLr: number[];

  /** The learning rate of each parameter group as last set by this scheduler. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** This scheduler's counters, with each child's own state dict under `schedulers`. */
  stateDict(): Record<string, unknown> {
    return { ...snapshotFields(this), schedulers: this.schedulers.map((s) => s.stateDict()) };
  }

  /** Restores a `stateDict()`, the children's included. */
  loadStateDict(stateDict: Record<string, unknown>): void {
    const { schedulers: children, ...own } = stateDict;
    for (const [i, child] of (children as Record<string, unknown>[]).entries())
      this.schedulers[i]!.loadStateDict(child);
    Object.assign(this, structuredClone(own));
  }
}

/** Options of {@link SequentialLR}. */
export interface SequentialLROptions {
  /** Schedulers of the same optimizer, used one after the other. */
  schedulers: readonly LRScheduler[];
  /** Epochs at which to switch to the next scheduler (one fewer than schedulers). */
  milestones: readonly number[];
  /** Index of the last epoch when resuming (default -1). */
  lastEpoch?: number;
}
const SEQUENTIALLR_KEYS: OptionKeys<SequentialLROptions> = {
  schedulers: true,
  milestones: true,
  lastEpoch: true,
};

/**
 * Runs schedulers one after another, switching at the milestones (e.g. a linear warm-up, then cosine
 * decay), as torch 1.13's `SequentialLR`: a scheduler taking over restarts from epoch 0 (closed form).
 */
export class SequentialLR extends CompositeScheduler {
  /** The optimizer whose groups are scheduled. */
  override readonly optimizer: AnyOptimizer;
  /** The schedulers, in order of use. */
  override readonly schedulers: LRScheduler[];
  /** Epochs at which the next scheduler takes over. */
  milestones: number[];
  /** Epochs taken. */
  lastEpoch: number;
  /** The lrs last set, returned by `getLastLr()`. */
  protected override lastLr: number[];

  constructor(optimizer: AnyOptimizer, options: SequentialLROptions) {
    const {
      schedulers,
      milestones,
      lastEpoch = -1,
    } = checkOptions('SequentialLR', options, SEQUENTIALLR_KEYS);
    super();
    schedulers.forEach((s, i) => {
      if (s.optimizer !== optimizer) {
        throw new ValueError(
          'SequentialLR',
          'Sequential Schedulers expects all schedulers to belong to the same optimizer, but got schedulers ' +
            `at index ${i} to be different than the optimizer passed in.`,
        );
      }
    });
    if (milestones.length !== schedulers.length - 1) {
      throw new ValueError(
        'SequentialLR',
        'Sequential Schedulers expects number of schedulers provided to be one more than the number of ' +
          `milestone points, but got number of schedulers ${schedulers.length} and the number of milestones ` +
          `to be equal to ${milestones.length}`,
      );
    }
    this.optimizer = optimizer;
    this.schedulers = [...schedulers];
    this.milestones = [...milestones];
    this.lastEpoch = lastEpoch + 1;
    // Undo the schedulers' own initial steps, then start the first one afresh.
    for (const group of groupsOf(optimizer)) group.lr = group.initialLr!;
    for (const s of this.schedulers) s.lastEpoch -= 1;
    this.schedulers[0]!.initialStep();
    this.lastLr = this.schedulers[0]!.getLastLr();
  }

  /** Advances one epoch with the scheduler whose stretch this epoch is in. */
  step(): void {
    this.lastEpoch += 1;
    const idx = this.milestones.filter((m) => m <= this.lastEpoch).length;
    const scheduler = this.schedulers[idx]!;
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) scheduler.step(0);
    else scheduler.step();
    this.lastLr = scheduler.getLastLr();
  }
}

/**
 * Steps several schedulers of one optimizer together, each applying its change on top of the others'
 * (e.g. a constant warm-up factor times exponential decay), as torch 1.13's `ChainedScheduler`.
 */
export class ChainedScheduler extends CompositeScheduler {
  /** The optimizer whose groups are scheduled. */
  override readonly optimizer: AnyOptimizer;
  /** The chained schedulers, stepped in order. */
  override readonly schedulers: Scheduler[];
  /** The lrs last set, returned by `getLastLr()`. */
  protected override lastLr: number[];

  constructor(schedulers: readonly LRScheduler[]) {
    super();
    if (schedulers.length === 0) throw new ValueError('ChainedScheduler', 'expects at least one scheduler');
    schedulers.forEach((s, i) => {
      if (s.optimizer !== schedulers[0]!.optimizer) {
        throw new ValueError(
          'ChainedScheduler',
          `ChainedScheduler expects all schedulers to belong to the same optimizer, but got schedulers at index 0 and ${i} to be different`,
        );
      }
    });
    this.schedulers = [...schedulers];
    this.optimizer = schedulers[0]!.optimizer;
    this.lastLr = groupsOf(this.optimizer).map((g) => g.lr);
  }

  /** Steps every scheduler once, in order. */
  step(): void {
    for (const s of this.schedulers as LRScheduler[]) s.step();
    this.lastLr = groupsOf(this.optimizer).map((g) => g.lr);
  }
}
