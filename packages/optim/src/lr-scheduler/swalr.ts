import { checkOptions, type OptionKeys, ValueError } from '@nn/tensor';
import { type AnyOptimizer, groupsOf, LRScheduler, perGroup, type SchedulerOptions } from './scheduler';

/** Options of {@link SWALR}. */
export interface SWALROptions extends SchedulerOptions {
  /** The learning rate to anneal to and hold: one for all groups or one per group (torch's `swa_lr`). */
  swaLr: number | readonly number[];
  /** Epochs the annealing takes (an integer >= 0, default 10). */
  annealEpochs?: number;
  /** The annealing curve: `'cos'` (default) or `'linear'`. */
  annealStrategy?: 'cos' | 'linear';
}
const SWALR_KEYS: OptionKeys<SWALROptions> = {
  swaLr: true,
  annealEpochs: true,
  annealStrategy: true,
  lastEpoch: true,
};

const ANNEAL = {
  cos: (t: number) => (1 - Math.cos(Math.PI * t)) / 2,
  linear: (t: number) => t,
};

/**
 * Anneals each group's lr to its `swaLr` over `annealEpochs` epochs and then holds it, for stochastic
 * weight averaging (torch.optim.swa_utils.SWALR, also exported in @nn/nn's `swaUtils`). Each group gets
 * a `swaLr` key, as torch's groups get `swa_lr`.
 *
 * @example
 * ```ts
 * const swaScheduler = new lrScheduler.SWALR(optimizer, { swaLr: 0.05, annealEpochs: 5 });
 * ```
 */
export class SWALR extends LRScheduler {
  /** Epochs the annealing takes. */
  annealEpochs: number;
  /** The annealing curve. */
  annealStrategy: 'cos' | 'linear';

  constructor(optimizer: AnyOptimizer, options: SWALROptions) {
    const {
      swaLr,
      annealEpochs = 10,
      annealStrategy = 'cos',
      lastEpoch = -1,
    } = checkOptions('SWALR', options, SWALR_KEYS);
    if (swaLr === undefined)
      throw new ValueError('SWALR', 'swaLr is required: new SWALR(optimizer, { swaLr: 0.05 })');
    const lrs = perGroup('SWALR', optimizer, 'swaLr', swaLr);
    groupsOf(optimizer).forEach((group, i) => {
      group.swaLr = lrs[i]!;
    });
    if (annealStrategy !== 'cos' && annealStrategy !== 'linear') {
      throw new ValueError(
        'SWALR',
        `annealStrategy must be one of 'cos' or 'linear', instead got '${String(annealStrategy)}'`,
      );
    }
    if (!Number.isInteger(annealEpochs) || annealEpochs < 0) {
      throw new ValueError('SWALR', `annealEpochs must be an integer >= 0, got ${annealEpochs}`);
    }
    super(optimizer, lastEpoch);
    this.annealEpochs = annealEpochs;
    this.annealStrategy = annealStrategy;
    this.initialStep();
  }

  protected computeLr(): number[] {
    const anneal = ANNEAL[this.annealStrategy];
    // torch counts from the step count, not lastEpoch
    let step = this.stepCount - 1;
    if (this.annealEpochs === 0) step = Math.max(1, step);
    const span = Math.max(1, this.annealEpochs);
    const prevAlpha = anneal(Math.max(0, Math.min(1, (step - 1) / span)));
    const alpha = anneal(Math.max(0, Math.min(1, step / span)));
    return groupsOf(this.optimizer).map((group) => {
      const swaLr = group.swaLr as number;
      // the lr before annealing, recovered from the current one
      const prev = prevAlpha === 1 ? swaLr : (group.lr - prevAlpha * swaLr) / (1 - prevAlpha);
      return swaLr * alpha + prev * (1 - alpha);
    });
  }
}
