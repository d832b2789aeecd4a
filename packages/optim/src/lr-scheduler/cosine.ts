import { checkOptions, type OptionKeys, ValueError } from '@nn/tensor';
import { type AnyOptimizer, LRScheduler, type SchedulerOptions } from './scheduler';

/** Options of {@link CosineAnnealingLR}. */
export interface CosineAnnealingLROptions extends SchedulerOptions {
  /** Epochs of a half cosine period (torch's `T_max`). */
  TMax: number;
  /** Minimum learning rate (default 0). */
  etaMin?: number;
}
const COSINE_ANNEALINGLR_KEYS: OptionKeys<CosineAnnealingLROptions> = {
  TMax: true,
  etaMin: true,
  lastEpoch: true,
};

/**
 * Anneals each group's lr along a cosine from its base lr to `etaMin` over `TMax` epochs (and back up,
 * periodically), with torch's recursive form so it composes with other schedulers.
 */
export class CosineAnnealingLR extends LRScheduler {
  /** Epochs of a half cosine period. */
  TMax: number;
  /** Minimum learning rate. */
  etaMin: number;

  constructor(optimizer: AnyOptimizer, options: CosineAnnealingLROptions) {
    const {
      TMax,
      etaMin = 0,
      lastEpoch = -1,
    } = checkOptions('CosineAnnealingLR', options, COSINE_ANNEALINGLR_KEYS);
    super(optimizer, lastEpoch);
    this.TMax = TMax;
    this.etaMin = etaMin;
    this.initialStep();
  }

  protected computeLr(): number[] {
    const { lastEpoch: t, TMax, etaMin } = this;
    if (t === 0) return this.currentLrs();
    if (this.stepCount === 1 && t > 0) {
      return this.baseLrs.map(
        (base) => etaMin + ((base - etaMin) * (1 + Math.cos((t * Math.PI) / TMax))) / 2,
      );
    }
    if ((t - 1 - TMax) % (2 * TMax) === 0) {
      return this.currentLrs().map(
        (lr, i) => lr + ((this.baseLrs[i]! - etaMin) * (1 - Math.cos(Math.PI / TMax))) / 2,
      );
    }
    const ratio = (1 + Math.cos((Math.PI * t) / TMax)) / (1 + Math.cos((Math.PI * (t - 1)) / TMax));
    return this.currentLrs().map((lr) => ratio * (lr - etaMin) + etaMin);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map(
      (base) =>
        this.etaMin + ((base - this.etaMin) * (1 + Math.cos((Math.PI * this.lastEpoch) / this.TMax))) / 2,
    );
  }
}

/** Options of {@link CosineAnnealingWarmRestarts}. */
export interface CosineAnnealingWarmRestartsOptions extends SchedulerOptions {
  /** Epochs until the first restart (a positive integer; torch's `T_0`). */
  T0: number;
  /** Factor the period grows by after each restart (an integer >= 1, default 1; torch's `T_mult`). */
  TMult?: number;
  /** Minimum learning rate (default 0). */
  etaMin?: number;
}
const COSINE_ANNEALING_WARM_RESTARTS_KEYS: OptionKeys<CosineAnnealingWarmRestartsOptions> = {
  T0: true,
  TMult: true,
  etaMin: true,
  lastEpoch: true,
};

/** SGDR: cosine annealing from the base lr to `etaMin`, restarting after `T0`, `T0*TMult`, ... epochs. */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  /** Epochs until the first restart. */
  T0: number;
  /** Length of the current period. */
  Ti: number;
  /** Growth factor of the period. */
  TMult: number;
  /** Minimum learning rate. */
  etaMin: number;
  /** Epochs since the last restart (may be fractional when stepping with an explicit epoch). */
  TCur: number;

  constructor(optimizer: AnyOptimizer, options: CosineAnnealingWarmRestartsOptions) {
    const {
      T0,
      TMult = 1,
      etaMin = 0,
      lastEpoch = -1,
    } = checkOptions('CosineAnnealingWarmRestarts', options, COSINE_ANNEALING_WARM_RESTARTS_KEYS);
    if (T0 <= 0 || !Number.isInteger(T0)) {
      throw new ValueError('CosineAnnealingWarmRestarts', `Expected positive integer T0, but got ${T0}`);
    }
    if (TMult < 1 || !Number.isInteger(TMult)) {
      throw new ValueError('CosineAnnealingWarmRestarts', `Expected integer TMult >= 1, but got ${TMult}`);
    }
    super(optimizer, lastEpoch);
    this.T0 = T0;
    this.Ti = T0;
    this.TMult = TMult;
    this.etaMin = etaMin;
    this.TCur = lastEpoch;
    this.initialStep();
  }

  protected computeLr(): number[] {
    const factor = (1 + Math.cos((Math.PI * this.TCur) / this.Ti)) / 2;
    return this.baseLrs.map((base) => this.etaMin + (base - this.etaMin) * factor);
  }

  /** Advances one epoch, or jumps to a (possibly fractional) `epoch`, e.g. `epoch + batch / batches`. */
  override step(epoch?: number): void {
    if (epoch === undefined && this.lastEpoch < 0) epoch = 0;
    if (epoch === undefined) {
      epoch = this.lastEpoch + 1;
      this.TCur += 1;
      if (this.TCur >= this.Ti) {
        this.TCur -= this.Ti;
        this.Ti *= this.TMult;
      }
    } else {
      if (epoch < 0)
        throw new ValueError('CosineAnnealingWarmRestarts', `Expected non-negative epoch, but got ${epoch}`);
      if (epoch >= this.T0) {
        if (this.TMult === 1) {
          this.TCur = epoch % this.T0;
        } else {
          const n = Math.trunc(Math.log((epoch / this.T0) * (this.TMult - 1) + 1) / Math.log(this.TMult));
          this.TCur = epoch - (this.T0 * (this.TMult ** n - 1)) / (this.TMult - 1);
          this.Ti = this.T0 * this.TMult ** n;
        }
      } else {
        this.Ti = this.T0;
        this.TCur = epoch;
      }
    }
    this.lastEpoch = Math.floor(epoch);
    this.stepCount++;
    this.applyLrs(this.computeLr());
  }
}
