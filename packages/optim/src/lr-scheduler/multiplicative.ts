import { checkOptions, type OptionKeys, ValueError } from '@nn/tensor';
import { type AnyOptimizer, LRScheduler, type SchedulerOptions } from './scheduler';

/** Options of {@link StepLR}. */
export interface StepLROptions extends SchedulerOptions {
  /** Epochs between decays. */
  stepSize: number;
  /** Multiplicative decay (default 0.1). */
  gamma?: number;
}
const STEPLR_KEYS: OptionKeys<StepLROptions> = { stepSize: true, gamma: true, lastEpoch: true };

/** Multiplies each group's lr by `gamma` every `stepSize` epochs. */
export class StepLR extends LRScheduler {
  /** Epochs between decays. */
  stepSize: number;
  /** Multiplicative decay. */
  gamma: number;

  constructor(optimizer: AnyOptimizer, options: StepLROptions) {
    const { stepSize, gamma = 0.1, lastEpoch = -1 } = checkOptions('StepLR', options, STEPLR_KEYS);
    super(optimizer, lastEpoch);
    this.stepSize = stepSize;
    this.gamma = gamma;
    this.initialStep();
  }

  protected computeLr(): number[] {
    const lrs = this.currentLrs();
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return lrs;
    return lrs.map((lr) => lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((base) => base * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
}

/** Options of {@link MultiStepLR}. */
export interface MultiStepLROptions extends SchedulerOptions {
  /** Epochs at which to decay (a repeated epoch decays once per occurrence). */
  milestones: readonly number[];
  /** Multiplicative decay (default 0.1). */
  gamma?: number;
}
const MULTI_STEPLR_KEYS: OptionKeys<MultiStepLROptions> = { milestones: true, gamma: true, lastEpoch: true };

/** Multiplies each group's lr by `gamma` at each milestone epoch. */
export class MultiStepLR extends LRScheduler {
  /** Sorted milestone epochs. */
  milestones: number[];
  /** Multiplicative decay. */
  gamma: number;

  constructor(optimizer: AnyOptimizer, options: MultiStepLROptions) {
    const {
      milestones,
      gamma = 0.1,
      lastEpoch = -1,
    } = checkOptions('MultiStepLR', options, MULTI_STEPLR_KEYS);
    super(optimizer, lastEpoch);
    this.milestones = [...milestones].sort((a, b) => a - b);
    this.gamma = gamma;
    this.initialStep();
  }

  protected computeLr(): number[] {
    const hits = this.milestones.filter((m) => m === this.lastEpoch).length;
    const lrs = this.currentLrs();
    return hits === 0 ? lrs : lrs.map((lr) => lr * this.gamma ** hits);
  }

  protected override closedFormLr(): number[] {
    const passed = this.milestones.filter((m) => m <= this.lastEpoch).length;
    return this.baseLrs.map((base) => base * this.gamma ** passed);
  }
}

/** Options of {@link ExponentialLR}. */
export interface ExponentialLROptions extends SchedulerOptions {
  /** Multiplicative decay per epoch. */
  gamma: number;
}
const EXPONENTIALLR_KEYS: OptionKeys<ExponentialLROptions> = { gamma: true, lastEpoch: true };

/** Multiplies each group's lr by `gamma` every epoch. */
export class ExponentialLR extends LRScheduler {
  /** Multiplicative decay per epoch. */
  gamma: number;

  constructor(optimizer: AnyOptimizer, options: ExponentialLROptions) {
    const { gamma, lastEpoch = -1 } = checkOptions('ExponentialLR', options, EXPONENTIALLR_KEYS);
    super(optimizer, lastEpoch);
    this.gamma = gamma;
    this.initialStep();
  }

  protected computeLr(): number[] {
    const lrs = this.currentLrs();
    return this.lastEpoch === 0 ? lrs : lrs.map((lr) => lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((base) => base * this.gamma ** this.lastEpoch);
  }
}

/** Options of {@link ConstantLR}. */
export interface ConstantLROptions extends SchedulerOptions {
  /** Factor applied until `totalIters` (in [0, 1], default 1/3). */
  factor?: number;
  /** Epochs the factor is applied for (default 5). */
  totalIters?: number;
}
const CONSTANTLR_KEYS: OptionKeys<ConstantLROptions> = { factor: true, totalIters: true, lastEpoch: true };

/** Scales each group's lr by `factor` for the first `totalIters` epochs, then restores it. */
export class ConstantLR extends LRScheduler {
  /** Factor applied until `totalIters`. */
  factor: number;
  /** Epochs the factor is applied for. */
  totalIters: number;

  constructor(optimizer: AnyOptimizer, options: ConstantLROptions = {}) {
    const {
      factor = 1 / 3,
      totalIters = 5,
      lastEpoch = -1,
    } = checkOptions('ConstantLR', options, CONSTANTLR_KEYS);
    if (factor > 1 || factor < 0) {
      throw new ValueError('ConstantLR', 'Constant multiplicative factor expected to be between 0 and 1.');
    }
    super(optimizer, lastEpoch);
    this.factor = factor;
    this.totalIters = totalIters;
    this.initialStep();
  }

  protected computeLr(): number[] {
    const lrs = this.currentLrs();
    if (this.lastEpoch === 0) return lrs.map((lr) => lr * this.factor);
    if (this.lastEpoch !== this.totalIters) return lrs;
    return lrs.map((lr) => lr * (1 / this.factor));
  }

  protected override closedFormLr(): number[] {
    const done = this.lastEpoch >= this.totalIters ? 1 : 0;
    return this.baseLrs.map((base) => base * (this.factor + done * (1 - this.factor)));
  }
}

/** Options of {@link LinearLR}. */
export interface LinearLROptions extends SchedulerOptions {
  /** Factor at epoch 0 (in [0, 1], default 1/3). */
  startFactor?: number;
  /** Factor from `totalIters` on (in [0, 1], default 1). */
  endFactor?: number;
  /** Epochs of the linear ramp (default 5). */
  totalIters?: number;
}
const LINEARLR_KEYS: OptionKeys<LinearLROptions> = {
  startFactor: true,
  endFactor: true,
  totalIters: true,
  lastEpoch: true,
};

/** Ramps each group's lr linearly from `startFactor` to `endFactor` times its base over `totalIters` epochs. */
export class LinearLR extends LRScheduler {
  /** Factor at epoch 0. */
  startFactor: number;
  /** Factor from `totalIters` on. */
  endFactor: number;
  /** Epochs of the ramp. */
  totalIters: number;

  constructor(optimizer: AnyOptimizer, options: LinearLROptions = {}) {
    const {
      startFactor = 1 / 3,
      endFactor = 1,
      totalIters = 5,
      lastEpoch = -1,
    } = checkOptions('LinearLR', options, LINEARLR_KEYS);
    if (startFactor > 1 || startFactor < 0) {
      throw new ValueError('LinearLR', 'Starting multiplicative factor expected to be between 0 and 1.');
    }
    if (endFactor > 1 || endFactor < 0) {
      throw new ValueError('LinearLR', 'Ending multiplicative factor expected to be between 0 and 1.');
    }
    super(optimizer, lastEpoch);
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    this.initialStep();
  }

  protected computeLr(): number[] {
    const lrs = this.currentLrs();
    if (this.lastEpoch === 0) return lrs.map((lr) => lr * this.startFactor);
    if (this.lastEpoch > this.totalIters) return lrs;
    const delta = this.endFactor - this.startFactor;
    const ratio = 1 + delta / (this.totalIters * this.startFactor + (this.lastEpoch - 1) * delta);
    return lrs.map((lr) => lr * ratio);
  }

  protected override closedFormLr(): number[] {
    const progress = Math.min(this.totalIters, this.lastEpoch);
    return this.baseLrs.map(
      (base) =>
        base * (this.startFactor + ((this.endFactor - this.startFactor) * progress) / this.totalIters),
    );
  }
}

/** Options of {@link LambdaLR}. */
export interface LambdaLROptions extends SchedulerOptions {
  /** Factor of the base lr at an epoch: one function for all groups, or one per group. */
  lrLambda: ((epoch: number) => number) | readonly ((epoch: number) => number)[];
}
const LAMBDALR_KEYS: OptionKeys<LambdaLROptions> = { lrLambda: true, lastEpoch: true };

/** Sets each group's lr to its base lr times `lrLambda(epoch)`. */
export class LambdaLR extends LRScheduler {
  /** Not part of the state dict (functions are not serializable). */
  lrLambdas: ((epoch: number) => number)[];

  constructor(optimizer: AnyOptimizer, options: LambdaLROptions) {
    const { lrLambda, lastEpoch = -1 } = checkOptions('LambdaLR', options, LAMBDALR_KEYS);
    const count = optimizer.paramGroups.length;
    if (Array.isArray(lrLambda) && lrLambda.length !== count) {
      throw new ValueError('LambdaLR', `Expected ${count} lr_lambdas, but got ${lrLambda.length}`);
    }
    super(optimizer, lastEpoch);
    this.lrLambdas = Array.isArray(lrLambda)
      ? [...lrLambda]
      : new Array(count).fill(lrLambda as (epoch: number) => number);
    this.initialStep();
  }

  protected computeLr(): number[] {
    return this.baseLrs.map((base, i) => base * this.lrLambdas[i]!(this.lastEpoch));
  }
}
