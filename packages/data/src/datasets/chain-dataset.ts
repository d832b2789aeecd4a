import { IterableDataset } from './dataset';

/** A stream: a sync or async iterable (an {@link IterableDataset} implements one of them). */
type Stream<T> = Iterable<T> | AsyncIterable<T>;

/**
 * Streams several iterable datasets one after the other (torch.utils.data.ChainDataset), without
 * materializing them: the chain is built lazily on each iteration. Iterate it with `for` when every part
 * is synchronous, with `for await` (or a DataLoader) in any case.
 *
 * @example
 * ```ts
 * import { ChainDataset, IterableSource } from '@nn/data';
 *
 * const chain = new ChainDataset([new IterableSource(() => [1, 2]), new IterableSource(() => [3])]);
 * console.log([...chain]); // [ 1, 2, 3 ]
 * ```
 */
export class ChainDataset<T> extends IterableDataset<T> implements AsyncIterable<T> {
  /** The chained datasets, in order. */
  readonly datasets: readonly (IterableDataset<T> & Stream<T>)[];

  constructor(datasets: Iterable<IterableDataset<T> & Stream<T>>) {
    super();
    this.datasets = [...datasets];
    this.datasets.forEach((d, i) => {
      if (!(d instanceof IterableDataset)) {
        throw new TypeError(
          `ChainDataset: datasets[${i}] is not an IterableDataset; ChainDataset only supports IterableDataset`,
        );
      }
    });
  }

  /** Yields every dataset's items in turn (all datasets must be synchronous). */
  *[Symbol.iterator](): Iterator<T> {
    for (const [i, d] of this.datasets.entries()) {
      if (!(Symbol.iterator in d)) {
        throw new TypeError(`ChainDataset: datasets[${i}] is async; iterate the chain with for await`);
      }
      yield* d as Iterable<T>;
    }
  }

  /** Yields every dataset's items in turn, sync or async. */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (const d of this.datasets) {
      yield* Symbol.asyncIterator in d ? (d as AsyncIterable<T>) : (d as Iterable<T>);
    }
  }
}
