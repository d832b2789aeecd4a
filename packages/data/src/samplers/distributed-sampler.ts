import { checkOptions, Generator, type OptionKeys } from '@nn/tensor';
import { permutation, type Sampler } from './samplers';

/** Options of {@link DistributedSampler}. */
export interface DistributedSamplerOptions {
  /** How many processes share the data (the world size). Required: @nn has no process group to ask. */
  numReplicas: number;
  /** This process's index in [0, numReplicas). Required. */
  rank: number;
  /** Shuffle the indices, with the same permutation on every replica (default true). */
  shuffle?: boolean;
  /** Seed of the shuffle, the same on every replica (default 0); the permutation uses `seed + epoch`. */
  seed?: number;
  /** Drop the tail so every replica gets the same count, instead of padding with repeated indices (default false). */
  dropLast?: boolean;
}
const DISTRIBUTED_SAMPLER_KEYS: OptionKeys<DistributedSamplerOptions> = {
  numReplicas: true,
  rank: true,
  shuffle: true,
  seed: true,
  dropLast: true,
};

/**
 * The share of a dataset's indices one data-parallel replica reads (torch.utils.data.DistributedSampler):
 * every replica draws the same permutation (seeded by `seed + epoch`), pads it by wrapping around (or
 * drops the tail with `dropLast`) to a multiple of `numReplicas`, and takes every `numReplicas`-th index
 * from `rank`. Call {@link DistributedSampler.setEpoch} before each epoch for a new order. The partition
 * of a given permutation is torch's; the permutation comes from @nn's generator, not torch's.
 *
 * @example
 * ```ts
 * import { DistributedSampler } from '@nn/data';
 *
 * const sampler = new DistributedSampler(10, { numReplicas: 4, rank: 1, shuffle: false });
 * console.log([...sampler]); // [ 1, 5, 9 ]
 * ```
 */
export class DistributedSampler implements Sampler {
  /** Number of replicas. */
  readonly numReplicas: number;
  /** This replica's index. */
  readonly rank: number;
  /** Whether the order is shuffled. */
  readonly shuffle: boolean;
  /** The shuffle's seed. */
  readonly seed: number;
  /** Whether the tail is dropped instead of padded. */
  readonly dropLast: boolean;
  /** Indices per replica. */
  readonly numSamples: number;
  /** `numSamples * numReplicas`. */
  readonly totalSize: number;
  /** The epoch set by {@link DistributedSampler.setEpoch}. */
  epoch = 0;
  readonly #size: number;

  constructor(dataset: { readonly length: number } | number, options: DistributedSamplerOptions) {
    const o = checkOptions('DistributedSampler', options, DISTRIBUTED_SAMPLER_KEYS);
    const size = typeof dataset === 'number' ? dataset : dataset?.length;
    if (!Number.isInteger(size) || size < 0) {
      throw new RangeError(
        `DistributedSampler: the dataset must have an integer length, got ${String(size)}`,
      );
    }
    if (!Number.isInteger(o?.numReplicas) || o.numReplicas < 1) {
      throw new RangeError(
        `DistributedSampler: numReplicas must be a positive integer (the world size), got ${String(o?.numReplicas)}`,
      );
    }
    if (!Number.isInteger(o.rank) || o.rank < 0 || o.rank >= o.numReplicas) {
      throw new RangeError(
        `DistributedSampler: Invalid rank ${String(o.rank)}, rank should be in the interval [0, ${o.numReplicas - 1}]`,
      );
    }
    this.#size = size;
    this.numReplicas = o.numReplicas;
    this.rank = o.rank;
    this.shuffle = o.shuffle ?? true;
    this.seed = o.seed ?? 0;
    this.dropLast = o.dropLast ?? false;
    this.numSamples =
      this.dropLast && size % this.numReplicas !== 0
        ? Math.max(0, Math.ceil((size - this.numReplicas) / this.numReplicas))
        : Math.ceil(size / this.numReplicas);
    this.totalSize = this.numSamples * this.numReplicas;
  }

  /** Indices this replica reads per epoch. */
  get length(): number {
    return this.numSamples;
  }

  /** Sets the epoch, so that the next iteration uses a new permutation (the same on every replica). */
  setEpoch(epoch: number): void {
    if (!Number.isInteger(epoch))
      throw new RangeError(`DistributedSampler.setEpoch: epoch must be an integer, got ${epoch}`);
    this.epoch = epoch;
  }

  /** This replica's indices for the current epoch. */
  *[Symbol.iterator](): Iterator<number> {
    let indices = this.shuffle
      ? permutation(this.#size, new Generator(this.seed + this.epoch))
      : Array.from({ length: this.#size }, (_, i) => i);
    if (this.dropLast) {
      indices = indices.slice(0, this.totalSize);
    } else {
      // pad by wrapping around, repeating the list as often as needed
      const padding = this.totalSize - indices.length;
      const base = indices;
      while (padding > 0 && indices.length < this.totalSize) indices = indices.concat(base);
      indices = indices.slice(0, this.totalSize);
    }
    for (let i = this.rank; i < this.totalSize; i += this.numReplicas) yield indices[i]!;
  }
}
