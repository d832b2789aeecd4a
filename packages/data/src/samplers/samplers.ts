import { checkOptions, defaultGenerator, type Generator } from '@nn/tensor';

/** Yields dataset indices (or, for a batch sampler, arrays of them) in the order they are loaded. */
export interface Sampler<T = number> extends Iterable<T> {
  /** Number of items one pass yields. */
  readonly length: number;
}

/** 0, 1, ..., length-1. */
export class SequentialSampler implements Sampler {
  constructor(private readonly source: { length: number }) {}

  /** The dataset length. */
  get length(): number {
    return this.source.length;
  }

  /** Yields 0, 1, ..., length-1. */
  *[Symbol.iterator](): Iterator<number> {
    for (let i = 0; i < this.source.length; i++) yield i;
  }
}

/** Fisher-Yates permutation of 0..n-1 drawn from `generator` (a new order per call). */
export function permutation(n: number, generator: Generator): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = generator.integer(0, i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** Options of {@link RandomSampler}. */
export interface RandomSamplerOptions {
  /** Draw i.i.d. with replacement (default false: a permutation). */
  replacement?: boolean;
  /** Defaults to the dataset length. */
  numSamples?: number;
  /** Random stream to draw from (default: the global generator). */
  generator?: Generator;
}

/** Random order without replacement (a fresh permutation each epoch), or i.i.d. draws with replacement. */
export class RandomSampler implements Sampler {
  private readonly replacement: boolean;
  private readonly numSamples: number | undefined;
  private readonly generator: Generator;

  constructor(
    private readonly source: { length: number },
    options: RandomSamplerOptions = {},
  ) {
    checkOptions('RandomSampler', options, { replacement: true, numSamples: true, generator: true });
    this.replacement = options.replacement ?? false;
    this.numSamples = options.numSamples;
    this.generator = options.generator ?? defaultGenerator;
    if (this.numSamples !== undefined && (!Number.isInteger(this.numSamples) || this.numSamples <= 0)) {
      throw new RangeError(
        `RandomSampler: numSamples should be a positive integer value, but got numSamples=${this.numSamples}`,
      );
    }
  }

  /** `numSamples`, or the dataset length. */
  get length(): number {
    return this.numSamples ?? this.source.length;
  }

  /** Yields one epoch's indices, freshly drawn. */
  *[Symbol.iterator](): Iterator<number> {
    const n = this.source.length;
    if (this.replacement) {
      for (let i = 0; i < this.length; i++) yield this.generator.integer(0, n);
      return;
    }
    // Without replacement, more samples than items cycle through fresh permutations, as PyTorch does.
    for (let emitted = 0; emitted < this.length; ) {
      for (const i of permutation(n, this.generator)) {
        if (emitted++ >= this.length) return;
        yield i;
      }
    }
  }
}

/** A random order of the given indices, fresh each epoch. */
export class SubsetRandomSampler implements Sampler {
  constructor(
    private readonly indices: readonly number[],
    private readonly options: { generator?: Generator } = {},
  ) {
    checkOptions('SubsetRandomSampler', options, { generator: true });
  }

  /** The number of indices. */
  get length(): number {
    return this.indices.length;
  }

  /** Yields the indices in a fresh random order. */
  *[Symbol.iterator](): Iterator<number> {
    for (const i of permutation(this.indices.length, this.options.generator ?? defaultGenerator))
      yield this.indices[i]!;
  }
}

/** Draws indices with probability proportional to `weights`. */
export class WeightedRandomSampler implements Sampler {
  private readonly cumulative: Float64Array;

  constructor(
    weights: readonly number[],
    private readonly numSamples: number,
    private readonly options: { replacement?: boolean; generator?: Generator } = {},
  ) {
    checkOptions('WeightedRandomSampler', options, { replacement: true, generator: true });
    if (!Number.isInteger(numSamples) || numSamples <= 0) {
      throw new RangeError(
        `WeightedRandomSampler: numSamples should be a positive integer value, but got numSamples=${numSamples}`,
      );
    }
    if (weights.some((w) => !(w >= 0) || !Number.isFinite(w))) {
      throw new RangeError('WeightedRandomSampler: weights must be finite and non-negative');
    }
    if ((options.replacement ?? true) === false && numSamples > weights.filter((w) => w > 0).length) {
      throw new RangeError(
        'WeightedRandomSampler: cannot draw more samples than non-zero weights without replacement',
      );
    }
    let total = 0;
    this.cumulative = Float64Array.from(weights, (w) => (total += w));
  }

  /** `numSamples`. */
  get length(): number {
    return this.numSamples;
  }

  /** Yields `numSamples` indices drawn with probability proportional to their weight. */
  *[Symbol.iterator](): Iterator<number> {
    const g = this.options.generator ?? defaultGenerator;
    const replacement = this.options.replacement ?? true;
    const cumulative = Float64Array.from(this.cumulative);
    const taken = new Set<number>();
    for (let s = 0; s < this.numSamples; s++) {
      let index: number;
      do {
        const total = cumulative[cumulative.length - 1]!;
        const u = g.random() * total;
        // binary search for the first cumulative weight above u
        let lo = 0;
        let hi = cumulative.length - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (cumulative[mid]! > u) hi = mid;
          else lo = mid + 1;
        }
        index = lo;
      } while (!replacement && taken.has(index));
      taken.add(index);
      yield index;
    }
  }
}

/** Groups another sampler's indices into batches of `batchSize` (the last one smaller unless `dropLast`). */
export class BatchSampler implements Sampler<number[]> {
  constructor(
    private readonly sampler: Sampler,
    private readonly batchSize: number,
    private readonly dropLast: boolean,
  ) {
    if (!Number.isInteger(batchSize) || batchSize <= 0) {
      throw new RangeError(
        `BatchSampler: batchSize should be a positive integer value, but got batchSize=${batchSize}`,
      );
    }
  }

  /** Batches per pass (the last partial one counts unless `dropLast`). */
  get length(): number {
    const n = this.sampler.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** Yields the batches of indices. */
  *[Symbol.iterator](): Iterator<number[]> {
    let batch: number[] = [];
    for (const i of this.sampler) {
      batch.push(i);
      if (batch.length === this.batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0 && !this.dropLast) yield batch;
  }
}
