import { checkOptions, type OptionKeys, ValueError } from '@nn/tensor';
import { type AnyOptimizer, groupsOf, LRScheduler, perGroup, type SchedulerOptions } from './scheduler';

/** Sets a group's momentum, or `betas[0]` for Adam-style optimizers. */
function setMomentum(group: Record<string, unknown>, useBeta1: boolean, momentum: number): void {
  if (useBeta1) {
    const [, beta2] = group.betas as readonly [number, number];
    group.betas = [momentum, beta2];
  } else {
    group.momentum = momentum;
  }
}

/** Options of {@link CyclicLR}. */
export interface CyclicLROptions extends SchedulerOptions {
  /** Lower bound of the cycle, for all groups or per group. */
  baseLr: number | readonly number[];
  /** Upper bound of the cycle, for all groups or per group. */
  maxLr: number | readonly number[];
  /** Iterations of the increasing half (default 2000). */
  stepSizeUp?: number;
  /** Iterations of the decreasing half (default `stepSizeUp`). */
  stepSizeDown?: number;
  /** Amplitude policy (default 'triangular'); ignored when `scaleFn` is given. */
  mode?: 'triangular' | 'triangular2' | 'exp_range';
  /** Decay constant of 'exp_range': `gamma ** iteration` (default 1). */
  gamma?: number;
  /** Custom amplitude scaling, `0 <= scaleFn(x) <= 1`. */
  scaleFn?: (x: number) => number;
  /** Whether `scaleFn` takes the cycle number or the iteration (default 'cycle'). */
  scaleMode?: 'cycle' | 'iterations';
  /** Cycle momentum inversely to the lr between `baseMomentum` and `maxMomentum` (default true). */
  cycleMomentum?: boolean;
  /** Lower momentum bound (default 0.8). */
  baseMomentum?: number | readonly number[];
  /** Upper momentum bound (default 0.9). */
  maxMomentum?: number | readonly number[];
}
const CYCLICLR_KEYS: OptionKeys<CyclicLROptions> = {
  baseLr: true,
  maxLr: true,
  stepSizeUp: true,
  stepSizeDown: true,
  mode: true,
  gamma: true,
  scaleFn: true,
  scaleMode: true,
  cycleMomentum: true,
  baseMomentum: true,
  maxMomentum: true,
  lastEpoch: true,
};

/**
 * Cyclical learning rates (Smith): the lr cycles between `baseLr` and `maxLr` (and momentum the other
 * way), stepped after every batch, as torch 1.13's `CyclicLR`.
 */
export class CyclicLR extends LRScheduler {
  /** Upper lr bound per group. */
  maxLrs: number[];
  /** Iterations per cycle. */
  totalSize: number;
  /** Fraction of the cycle spent increasing. */
  stepRatio: number;
  /** Amplitude policy. */
  mode: string;
  /** Decay constant of 'exp_range'. */
  gamma: number;
  /** Whether the scale function takes the cycle number or the iteration. */
  scaleMode: 'cycle' | 'iterations';
  /** Whether momentum cycles too. */
  cycleMomentum: boolean;
  /** Lower momentum bound per group. */
  baseMomentums: number[] = [];
  /** Upper momentum bound per group. */
  maxMomentums: number[] = [];
  /** Not part of the state dict. */
  scaleFn: (x: number) => number;

  constructor(optimizer: AnyOptimizer, options: CyclicLROptions) {
    checkOptions('CyclicLR', options, CYCLICLR_KEYS);
    const { lastEpoch = -1, mode = 'triangular', gamma = 1, scaleFn, cycleMomentum = true } = options;
    const baseLrs = perGroup('CyclicLR', optimizer, 'baseLr', options.baseLr);
    const groups = groupsOf(optimizer);
    if (lastEpoch === -1) for (const [i, g] of groups.entries()) g.lr = baseLrs[i]!;
    if (!['triangular', 'triangular2', 'exp_range'].includes(mode) && !scaleFn) {
      throw new ValueError('CyclicLR', 'mode is invalid and scaleFn is undefined');
    }
    let baseMomentums: number[] = [];
    let maxMomentums: number[] = [];
    if (cycleMomentum) {
      if (!('momentum' in optimizer.defaults)) {
        throw new ValueError(
          'CyclicLR',
          'optimizer must support momentum with `cycleMomentum` option enabled',
        );
      }
      const bases = perGroup('CyclicLR', optimizer, 'baseMomentum', options.baseMomentum ?? 0.8);
      if (lastEpoch === -1) for (const [i, g] of groups.entries()) g.momentum = bases[i]!;
      baseMomentums = groups.map((g) => g.momentum as number);
      maxMomentums = perGroup('CyclicLR', optimizer, 'maxMomentum', options.maxMomentum ?? 0.9);
    }
    super(optimizer, lastEpoch);
    this.maxLrs = perGroup('CyclicLR', optimizer, 'maxLr', options.maxLr);
    const up = options.stepSizeUp ?? 2000;
    const down = options.stepSizeDown ?? up;
    this.totalSize = up + down;
    this.stepRatio = up / this.totalSize;
    this.mode = mode;
    this.gamma = gamma;
    this.cycleMomentum = cycleMomentum;
    this.baseMomentums = baseMomentums;
    this.maxMomentums = maxMomentums;
    if (scaleFn) {
      this.scaleFn = scaleFn;
      this.scaleMode = options.scaleMode ?? 'cycle';
    } else if (mode === 'triangular2') {
      this.scaleFn = (x) => 1 / 2 ** (x - 1);
      this.scaleMode = 'cycle';
    } else if (mode === 'exp_range') {
      this.scaleFn = (x) => this.gamma ** x;
      this.scaleMode = 'iterations';
    } else {
      this.scaleFn = () => 1;
      this.scaleMode = 'cycle';
    }
    this.initialStep();
    // torch sets the cycle's base lrs after the initial step (which used `initialLr`).
    this.baseLrs = baseLrs;
  }

  protected computeLr(): number[] {
    const cycle = Math.floor(1 + this.lastEpoch / this.totalSize);
    const x = 1 + this.lastEpoch / this.totalSize - cycle;
    const scaleFactor = x <= this.stepRatio ? x / this.stepRatio : (x - 1) / (this.stepRatio - 1);
    const scale = this.scaleFn(this.scaleMode === 'cycle' ? cycle : this.lastEpoch);
    const lrs = this.baseLrs.map((base, i) => base + (this.maxLrs[i]! - base) * scaleFactor * scale);
    if (this.cycleMomentum) {
      groupsOf(this.optimizer).forEach((group, i) => {
        const base = this.baseMomentums[i]!;
        const max = this.maxMomentums[i]!;
        group.momentum = max - (max - base) * scaleFactor * scale;
      });
    }
    return lrs;
  }
}

/** Options of {@link OneCycleLR}: give `totalSteps`, or `epochs` and `stepsPerEpoch`. */
export interface OneCycleLROptions extends SchedulerOptions {
  /** Peak learning rate, for all groups or per group. */
  maxLr: number | readonly number[];
  /** Steps in the cycle. */
  totalSteps?: number;
  /** Epochs in the cycle (with `stepsPerEpoch`). */
  epochs?: number;
  /** Steps per epoch (with `epochs`). */
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent increasing the lr (default 0.3). */
  pctStart?: number;
  /** Annealing shape (default 'cos'). */
  annealStrategy?: 'cos' | 'linear';
  /** Cycle momentum (or Adam's beta1) inversely to the lr (default true). */
  cycleMomentum?: boolean;
  /** Lower momentum bound (default 0.85). */
  baseMomentum?: number | readonly number[];
  /** Upper momentum bound (default 0.95). */
  maxMomentum?: number | readonly number[];
  /** `initialLr = maxLr / divFactor` (default 25). */
  divFactor?: number;
  /** `minLr = initialLr / finalDivFactor` (default 1e4). */
  finalDivFactor?: number;
  /** Use fast.ai's three phases: up, back down to `initialLr`, then annihilate (default false). */
  threePhase?: boolean;
}
const ONE_CYCLELR_KEYS: OptionKeys<OneCycleLROptions> = {
  maxLr: true,
  totalSteps: true,
  epochs: true,
  stepsPerEpoch: true,
  pctStart: true,
  annealStrategy: true,
  cycleMomentum: true,
  baseMomentum: true,
  maxMomentum: true,
  divFactor: true,
  finalDivFactor: true,
  threePhase: true,
  lastEpoch: true,
};

/** One phase of a 1cycle schedule: where it ends and the group keys it anneals between. */
export interface OneCyclePhase {
  /** Last step of the phase. */
  endStep: number;
  /** Group key of the lr at the phase's start (`'initialLr'`, `'maxLr'` or `'minLr'`). */
  startLr: string;
  /** Group key of the lr at the phase's end. */
  endLr: string;
  /** Group key of the momentum at the phase's start (`'maxMomentum'` or `'baseMomentum'`). */
  startMomentum: string;
  /** Group key of the momentum at the phase's end. */
  endMomentum: string;
}

/** The 1cycle policy (Smith & Topin), stepped after every batch, as torch 1.13's `OneCycleLR`. */
export class OneCycleLR extends LRScheduler {
  /** Steps in the cycle. */
  totalSteps: number;
  /** The schedule's phases. */
  phases: OneCyclePhase[];
  /** Annealing shape. */
  annealStrategy: 'cos' | 'linear';
  /** Whether momentum cycles too. */
  cycleMomentum: boolean;
  /** Whether the momentum is Adam's `betas[0]`. */
  useBeta1: boolean;

  constructor(optimizer: AnyOptimizer, options: OneCycleLROptions) {
    checkOptions('OneCycleLR', options, ONE_CYCLELR_KEYS);
    const op = 'OneCycleLR';
    const { lastEpoch = -1, pctStart = 0.3, annealStrategy = 'cos', cycleMomentum = true } = options;
    const { divFactor = 25, finalDivFactor = 1e4, threePhase = false } = options;
    let totalSteps: number;
    const positiveInt = (name: string, v: number) => {
      if (!(v > 0) || !Number.isInteger(v))
        throw new ValueError(op, `Expected positive integer ${name}, but got ${v}`);
    };
    if (options.totalSteps !== undefined) {
      positiveInt('totalSteps', options.totalSteps);
      totalSteps = options.totalSteps;
    } else if (options.epochs !== undefined && options.stepsPerEpoch !== undefined) {
      positiveInt('epochs', options.epochs);
      positiveInt('stepsPerEpoch', options.stepsPerEpoch);
      totalSteps = options.epochs * options.stepsPerEpoch;
    } else {
      throw new ValueError(op, 'You must define either totalSteps OR (epochs AND stepsPerEpoch)');
    }
    if (!(pctStart >= 0 && pctStart <= 1)) {
      throw new ValueError(op, `Expected float between 0 and 1 pctStart, but got ${pctStart}`);
    }
    if (annealStrategy !== 'cos' && annealStrategy !== 'linear') {
      throw new ValueError(
        op,
        `annealStrategy must by one of 'cos' or 'linear', instead got ${annealStrategy}`,
      );
    }
    const groups = groupsOf(optimizer);
    const maxLrs = perGroup(op, optimizer, 'maxLr', options.maxLr);
    if (lastEpoch === -1) {
      groups.forEach((g, i) => {
        g.initialLr = maxLrs[i]! / divFactor;
        g.maxLr = maxLrs[i]!;
        g.minLr = g.initialLr / finalDivFactor;
      });
    }
    let useBeta1 = false;
    if (cycleMomentum) {
      if (!('momentum' in optimizer.defaults) && !('betas' in optimizer.defaults)) {
        throw new ValueError(op, 'optimizer must support momentum with `cycleMomentum` option enabled');
      }
      useBeta1 = 'betas' in optimizer.defaults;
      const maxMomentums = perGroup(op, optimizer, 'maxMomentum', options.maxMomentum ?? 0.95);
      const baseMomentums = perGroup(op, optimizer, 'baseMomentum', options.baseMomentum ?? 0.85);
      if (lastEpoch === -1) {
        groups.forEach((g, i) => {
          setMomentum(g, useBeta1, maxMomentums[i]!);
          g.maxMomentum = maxMomentums[i]!;
          g.baseMomentum = baseMomentums[i]!;
        });
      }
    }
    super(optimizer, lastEpoch);
    this.totalSteps = totalSteps;
    const phase = (
      endStep: number,
      startLr: string,
      endLr: string,
      startMomentum: string,
      endMomentum: string,
    ) => ({
      endStep,
      startLr,
      endLr,
      startMomentum,
      endMomentum,
    });
    this.phases = threePhase
      ? [
          phase(pctStart * totalSteps - 1, 'initialLr', 'maxLr', 'maxMomentum', 'baseMomentum'),
          phase(2 * pctStart * totalSteps - 2, 'maxLr', 'initialLr', 'baseMomentum', 'maxMomentum'),
          phase(totalSteps - 1, 'initialLr', 'minLr', 'maxMomentum', 'maxMomentum'),
        ]
      : [
          phase(pctStart * totalSteps - 1, 'initialLr', 'maxLr', 'maxMomentum', 'baseMomentum'),
          phase(totalSteps - 1, 'maxLr', 'minLr', 'baseMomentum', 'maxMomentum'),
        ];
    this.annealStrategy = annealStrategy;
    this.cycleMomentum = cycleMomentum;
    this.useBeta1 = useBeta1;
    this.initialStep();
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === 'linear') return (end - start) * pct + start;
    return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
  }

  protected computeLr(): number[] {
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) {
      throw new ValueError(
        'OneCycleLR',
        `Tried to step ${stepNum + 1} times. The specified number of total steps is ${this.totalSteps}`,
      );
    }
    return groupsOf(this.optimizer).map((group) => {
      const values = group as Record<string, unknown>;
      let startStep = 0;
      for (const [i, phase] of this.phases.entries()) {
        if (stepNum <= phase.endStep || i === this.phases.length - 1) {
          const pct = (stepNum - startStep) / (phase.endStep - startStep);
          const lr = this.anneal(values[phase.startLr] as number, values[phase.endLr] as number, pct);
          if (this.cycleMomentum) {
            const momentum = this.anneal(
              values[phase.startMomentum] as number,
              values[phase.endMomentum] as number,
              pct,
            );
            setMomentum(values, this.useBeta1, momentum);
          }
          return lr;
        }
        startStep = phase.endStep;
      }
      return group.lr;
    });
  }
}
