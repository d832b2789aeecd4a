import { checkOptions, Generator, NNError, type OptionKeys } from '@nn/tensor';
import { type Collated, defaultCollate } from './collate';
import type { Dataset, IterableDataset } from './datasets/dataset';
import { BatchSampler, RandomSampler, type Sampler, SequentialSampler } from './samplers/samplers';

/** Options of {@link DataLoader}, as torch.utils.data.DataLoader's (camelCase). */
export interface DataLoaderOptions<T, B> {
  /** Items per batch (default 1); `null` yields items one by one, collated alone. */
  batchSize?: number | null;
  /** Reshuffle every epoch (a {@link RandomSampler}). */
  shuffle?: boolean;
  /** Random stream for shuffling; default: a Generator seeded with `seed`, else the global one. */
  generator?: Generator;
  /** Shortcut for `generator: new Generator(seed)`: the same seed gives the same order on every run. */
  seed?: number;
  /** Drop the last incomplete batch. */
  dropLast?: boolean;
  /** Where indices come from (exclusive with `shuffle`). */
  sampler?: Sampler;
  /** Yields whole batches of indices (exclusive with batchSize, shuffle, sampler, dropLast). */
  batchSampler?: Sampler<number[]>;
  /** Turns a list of items into a batch; default {@link defaultCollate}. */
  collateFn?: (items: T[]) => B;
  /** For async iteration: load the next batch while the current one is used (default true). */
  prefetch?: boolean;
}

const DATA_LOADER_KEYS: OptionKeys<DataLoaderOptions<unknown, unknown>> = {
  batchSize: true,
  shuffle: true,
  generator: true,
  seed: true,
  dropLast: true,
  sampler: true,
  batchSampler: true,
  collateFn: true,
  prefetch: true,
};

/**
 * Batches a dataset: `for (const [x, y] of loader)` for map-style datasets, `for await` for async ones
 * (IterableDataset). `length` is the number of batches per epoch.
 *
 * @example
 * ```ts
 * import { DataLoader, TensorDataset } from '@nn/data';
 * import { randint, randn } from '@nn/tensor';
 *
 * const dataset = new TensorDataset(randn([100, 1, 28, 28]), randint(0, 10, [100]));
 * const batches = new DataLoader(dataset, { batchSize: 32, shuffle: true });
 * for (const [x, y] of batches) console.log(x.shape, y.shape); // [ 32, 1, 28, 28 ] [ 32 ] ... last: [ 4, 1, 28, 28 ] [ 4 ]
 * ```
 */
export class DataLoader<T, B = Collated<T>> implements Iterable<B>, AsyncIterable<B> {
  /** Items per batch; null yields items one by one, uncollated. */
  readonly batchSize: number | null;
  /** Whether a last partial batch is dropped. */
  readonly dropLast: boolean;
  private readonly batchSampler: Sampler<number[]> | undefined;
  private readonly collate: (items: T[]) => B;
  /** No custom collateFn: a dataset's {@link Dataset.getBatch} may fetch whole batches. */
  private readonly defaultCollation: boolean;
  private readonly prefetch: boolean;

  constructor(
    /** The dataset batched: map-style (sampled by index) or a stream. */
    readonly dataset: Dataset<T> | IterableDataset<T>,
    options: DataLoaderOptions<T, B> = {},
  ) {
    checkOptions('DataLoader', options, DATA_LOADER_KEYS);
    const { shuffle = false, sampler, batchSampler, dropLast = false } = options;
    this.batchSize = options.batchSize === undefined ? 1 : options.batchSize;
    this.dropLast = dropLast;
    this.collate = options.collateFn ?? ((items: T[]) => defaultCollate(items) as B);
    this.defaultCollation = options.collateFn === undefined;
    this.prefetch = options.prefetch ?? true;
    if (sampler && shuffle)
      throw new RangeError('DataLoader: sampler option is mutually exclusive with shuffle');
    if (batchSampler && (options.batchSize !== undefined || shuffle || sampler || dropLast)) {
      throw new RangeError(
        'DataLoader: batchSampler option is mutually exclusive with batchSize, shuffle, sampler, and dropLast',
      );
    }
    if (this.batchSize !== null && (!Number.isInteger(this.batchSize) || this.batchSize <= 0)) {
      throw new RangeError(
        `DataLoader: batchSize should be a positive integer value, but got batchSize=${this.batchSize}`,
      );
    }
    if ('iterable' in dataset) {
      if (shuffle || sampler || batchSampler) {
        throw new RangeError(
          'DataLoader: with an IterableDataset, shuffle, sampler and batchSampler are not allowed',
        );
      }
      return;
    }
    const generator =
      options.generator ?? (options.seed !== undefined ? new Generator(options.seed) : undefined);
    const itemSampler =
      sampler ??
      (shuffle ? new RandomSampler(dataset, generator ? { generator } : {}) : new SequentialSampler(dataset));
    this.batchSampler =
      batchSampler ??
      new BatchSampler(itemSampler, this.batchSize ?? 1, this.batchSize === null ? false : dropLast);
  }

  /** Batches per epoch (for map-style datasets). */
  get length(): number {
    if (!this.batchSampler) throw new TypeError('DataLoader: an IterableDataset has no length');
    return this.batchSampler.length;
  }

  private unbatched(): boolean {
    return this.batchSize === null;
  }

  private make(items: T[]): B {
    return this.unbatched() ? (items[0] as unknown as B) : this.collate(items);
  }

  /** Yields one epoch of batches; throws TypeError for an async IterableDataset (use `for await`). */
  *[Symbol.iterator](): Iterator<B> {
    if (!this.batchSampler) {
      const source = this.dataset as unknown as Partial<Iterable<T>>;
      if (!source[Symbol.iterator])
        throw new TypeError('DataLoader: this dataset is async; iterate with for await');
      yield* this.batchesOf(source as Iterable<T>);
      return;
    }
    const dataset = this.dataset as Dataset<T>;
    const fetchBatch =
      !this.unbatched() && this.defaultCollation && dataset.getBatch
        ? dataset.getBatch.bind(dataset)
        : undefined;
    for (const indices of this.batchSampler) {
      yield fetchBatch ? (fetchBatch(indices) as B) : this.make(indices.map((i) => getItem(dataset, i)));
    }
  }

  private *batchesOf(items: Iterable<T>): IterableIterator<B> {
    const size = this.batchSize ?? 1;
    let batch: T[] = [];
    for (const item of items) {
      batch.push(item);
      if (batch.length === size) {
        yield this.make(batch);
        batch = [];
      }
    }
    if (batch.length > 0 && !this.dropLast) yield this.make(batch);
  }

  /**
   * Yields one epoch of batches from any dataset, loading the next batch while this one is used when
   * `prefetch` is on.
   */
  async *[Symbol.asyncIterator](): AsyncIterator<B> {
    if (this.batchSampler) {
      for (const batch of this) yield batch;
      return;
    }
    const source = this.dataset as unknown as Partial<AsyncIterable<T>> & Partial<Iterable<T>>;
    const iterator = source[Symbol.asyncIterator]?.() ?? toAsync(source as Iterable<T>);
    const size = this.batchSize ?? 1;
    const nextBatch = async (): Promise<B | undefined> => {
      const batch: T[] = [];
      while (batch.length < size) {
        const { value, done } = await iterator.next();
        if (done) break;
        batch.push(value);
      }
      if (batch.length === 0 || (batch.length < size && this.dropLast)) return undefined;
      return this.make(batch);
    };
    // With prefetch, the next batch loads while the consumer works on this one. A prefetch that fails
    // while nobody awaits it must not count as an unhandled rejection: its error is rethrown by the await.
    const load = () => {
      const next = nextBatch();
      next.catch(() => {});
      return next;
    };
    let pending = load();
    try {
      for (;;) {
        const batch = await pending;
        if (batch === undefined) return;
        if (this.prefetch) pending = load();
        yield batch;
        if (!this.prefetch) pending = load();
      }
    } finally {
      // On break/throw in the consumer's loop, close the source so its own cleanup (finally) runs.
      await iterator.return?.();
    }
  }
}

/** `dataset.get(i)`, with the index in the error when it throws (the original stays as `cause`). */
function getItem<T>(dataset: Dataset<T>, index: number): T {
  try {
    return dataset.get(index);
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new NNError('DataLoader', `dataset.get(${index}) failed: ${reason}`, { cause: error });
  }
}

async function* toAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  yield* items;
}
