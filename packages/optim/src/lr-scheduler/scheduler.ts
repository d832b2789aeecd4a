import { ValueError } from '@nn/tensor';
import type { BaseOptions, Optimizer, ParamGroup } from '../optimizer';

/** Any optimizer a scheduler can drive (schedulers only read and write group options). */
// biome-ignore lint/suspicious/noExplicitAny: schedulers accept every optimizer's option and state types.
export type AnyOptimizer = Optimizer<any, any>;

/** What every learning-rate scheduler offers. */
export interface Scheduler {
  /** The optimizer whose groups are scheduled. */
  readonly optimizer: AnyOptimizer;
  /** The learning rate of each parameter group as last set by this scheduler. */
  getLastLr(): number[];
  /** The scheduler's state (counters and settings, never the optimizer or functions). */
  stateDict(): Record<string, unknown>;
  /** Restores a `stateDict()`. */
  loadStateDict(stateDict: Record<string, unknown>): void;
}

/** Options every epoch-based scheduler accepts. */
export interface SchedulerOptions {
  /**
   * Index of the last epoch when resuming (default -1: start fresh). Resuming needs `initialLr` in every
   * parameter group, as a scheduler sets it when it starts.
   */
  lastEpoch?: number;
}

/** The parameter groups of `optimizer`, with the scheduler-owned keys typed. */
export function groupsOf(optimizer: AnyOptimizer): ParamGroup<BaseOptions>[] {
  return optimizer.paramGroups as ParamGroup<BaseOptions>[];
}

/** A value given once for all groups or as one value per group (torch's `_format_param`). */
export function perGroup<T>(op: string, optimizer: AnyOptimizer, name: string, value: T | readonly T[]): T[] {
  const count = optimizer.paramGroups.length;
  if (!Array.isArray(value)) return new Array<T>(count).fill(value as T);
  if (value.length !== count)
    throw new ValueError(op, `expected ${count} values for ${name}, got ${value.length}`);
  return [...(value as readonly T[])];
}

function isPlainState(value: unknown): boolean {
  if (typeof value === 'function') return false;
  if (Array.isArray(value)) return value.every(isPlainState);
  return value === null || typeof value !== 'object' || Object.getPrototypeOf(value) === Object.prototype;
}

/** Own fields of `scheduler` except the optimizer, functions and nested schedulers, arrays copied. */
export function snapshotFields(scheduler: object, skip: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(scheduler)) {
    if (key === 'optimizer' || skip.includes(key) || !isPlainState(value)) continue;
    out[key] = Array.isArray(value) ? structuredClone(value) : value;
  }
  return out;
}

/**
 * Base class of the epoch-based schedulers, as torch 1.13's `_LRScheduler`: `step()` advances one epoch
 * and sets each group's `lr` from the chainable form (each lr computed from the current one, so
 * schedulers compose); `step(epoch)` jumps to `epoch` with the closed form where the scheduler has one
 * (torch deprecates passing the epoch; it is kept for parity).
 */
export abstract class LRScheduler implements Scheduler {
  /** The optimizer whose groups are scheduled. */
  readonly optimizer: AnyOptimizer;
  /** Each group's starting learning rate (`initialLr`). */
  baseLrs: number[];
  /** Epochs taken; the constructor's initial step makes it 0. */
  lastEpoch: number;
  /** How many times `step` ran (torch's `_step_count`). */
  stepCount = 0;
  /** The lrs set by the last step. */
  protected lastLr: number[] = [];

  protected constructor(optimizer: AnyOptimizer, lastEpoch = -1) {
    this.optimizer = optimizer;
    const groups = groupsOf(optimizer);
    if (lastEpoch === -1) {
      for (const group of groups) group.initialLr ??= group.lr;
    } else {
      groups.forEach((group, i) => {
        if (group.initialLr === undefined) {
          throw new ValueError(
            this.constructor.name,
            `param 'initialLr' is not specified in paramGroups[${i}] when resuming an optimizer`,
          );
        }
      });
    }
    this.baseLrs = groups.map((g) => g.initialLr!);
    this.lastEpoch = lastEpoch;
  }

  /** The chainable form: each group's next lr, usually from its current one (torch's `get_lr`). */
  protected abstract computeLr(): number[];

  /** The closed form: each group's lr at `lastEpoch` from `baseLrs` alone, where one exists. */
  protected closedFormLr?(): number[];

  /**
   * (Re)starts the schedule as the constructor does: resets the step count and takes step 0. Subclasses
   * call it last in their constructor; `SequentialLR` calls it on its first scheduler.
   */
  initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /** Advances one epoch (or, deprecated in torch, jumps to `epoch`) and updates the groups' `lr`. */
  step(epoch?: number): void {
    this.stepCount++;
    let values: number[];
    if (epoch === undefined) {
      this.lastEpoch++;
      values = this.computeLr();
    } else {
      this.lastEpoch = epoch;
      values = this.closedFormLr ? this.closedFormLr() : this.computeLr();
    }
    this.applyLrs(values);
  }

  /** Sets each group's lr and records them for `getLastLr()`. */
  protected applyLrs(values: readonly number[]): void {
    const groups = groupsOf(this.optimizer);
    groups.forEach((group, i) => {
      group.lr = values[i]!;
    });
    this.lastLr = groups.map((g) => g.lr);
  }

  /** The current lr of each group. */
  protected currentLrs(): number[] {
    return groupsOf(this.optimizer).map((g) => g.lr);
  }

  getLastLr(): number[] {
    return [...this.lastLr];
  }

  stateDict(): Record<string, unknown> {
    return snapshotFields(this);
  }

  loadStateDict(stateDict: Record<string, unknown>): void {
    Object.assign(this, structuredClone(stateDict));
  }
}
