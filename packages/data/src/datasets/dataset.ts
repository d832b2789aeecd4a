import { defaultGenerator, type Generator, randperm, type Tensor, tensor } from '@nn/tensor';
import { type Collated, defaultCollate } from '../collate';

/**
 * A map-style dataset: `length` items addressed by index (torch.utils.data.Dataset with `__len__` and
 * `__getitem__`). Subclass it and implement both.
 *
 * @example
 * ```ts
 * import { Dataset } from '@nn/data';
 *
 * class Squares extends Dataset<[number, number]> {
 *   get length(): number {
 *     return 100;
 *   }
 *   get(index: number): [number, number] {
 *     return [index, index * index];
 *   }
 * }
 * console.log(new Squares().get(7)); // [ 7, 49 ]
 * ```
 */
export abstract class Dataset<T> {
  /** Number of items. */
  abstract get length(): number;
  /** The item at `index` in [0, length). */
  abstract get(index: number): T;

  /**
   * Optional: the items at `indices`, already collated exactly as {@link defaultCollate} would collate
   * them, for datasets that fetch a whole batch faster than item by item (PyTorch's `__getitems__` plus
   * the collation). DataLoader calls it when it has no custom `collateFn`.
   */
  getBatch?(indices: readonly number[]): Collated<T>;

  /** Iterates the items in order. */
  *[Symbol.iterator](): Iterator<T> {
    for (let i = 0; i < this.length; i++) yield this.get(i);
  }
}

/**
 * A dataset that is a stream (torch's IterableDataset): implement `[Symbol.iterator]` for sync sources or
 * `[Symbol.asyncIterator]` for async ones (files, network). DataLoader batches it as it arrives.
 */
// biome-ignore lint/correctness/noUnusedVariables: T names the item type subclasses stream, for DataLoader<T>'s signature.
export abstract class IterableDataset<T> {
  /** Marks a stream: DataLoader batches it in arrival order instead of sampling indices. */
  readonly iterable = true;
}

/** An IterableDataset whose items come from a sync or async iterable (or a function making one). */
export class IterableSource<T> extends IterableDataset<T> implements AsyncIterable<T> {
  constructor(private readonly source: () => Iterable<T> | AsyncIterable<T>) {
    super();
  }

  /** Yields the source's items (sync or async). */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    yield* this.source();
  }

  /** The sync iterator, when the source is sync. */
  *[Symbol.iterator](): Iterator<T> {
    const it = this.source();
    if (!(Symbol.iterator in it))
      throw new TypeError('IterableSource: this source is async; iterate with for await');
    yield* it as Iterable<T>;
  }
}

function checkIndex(op: string, index: number, length: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= length) {
    throw new RangeError(`${op}: index ${index} is out of range for a dataset of length ${length}`);
  }
}

/**
 * Items are the `index`-th rows of each tensor (torch's TensorDataset); all share their first dim.
 *
 * @example
 * ```ts
 * import { TensorDataset } from '@nn/data';
 * import { randint, randn } from '@nn/tensor';
 *
 * const dataset = new TensorDataset(randn([100, 4]), randint(0, 3, [100]));
 * const [features, label] = dataset.get(0); // shapes [4] and []
 * console.log(dataset.length, features.shape, label.shape); // 100 [ 4 ] []
 * ```
 */
export class TensorDataset extends Dataset<Tensor[]> {
  /** The tensors, sharing their first dim. */
  readonly tensors: Tensor[];
  constructor(...tensors: Tensor[]) {
    super();
    const n = tensors[0]?.shape[0];
    if (n === undefined || tensors.some((t) => t.shape[0] !== n)) {
      throw new RangeError(
        `TensorDataset: size mismatch between tensors: first dims are [${tensors.map((t) => t.shape[0]).join(', ')}]`,
      );
    }
    this.tensors = tensors;
  }

  /** Size of the shared first dim. */
  get length(): number {
    return this.tensors[0]!.shape[0]!;
  }

  /** Row `index` of each tensor (views). */
  get(index: number): Tensor[] {
    checkIndex('TensorDataset', index, this.length);
    return this.tensors.map((t) => t.select(0, index));
  }

  /**
   * Rows `indices` of each tensor in one `indexSelect` each: the stack of {@link get}'s rows. A subclass
   * that overrides `get` (to transform items, say) gets its items collated one by one instead.
   */
  override getBatch(indices: readonly number[]): Tensor[] {
    if (this.get !== TensorDataset.prototype.get) return defaultCollate(indices.map((i) => this.get(i)));
    for (const index of indices) checkIndex('TensorDataset', index, this.length);
    const rows = Int32Array.from(indices);
    return this.tensors.map((t) => t.indexSelect(0, tensor(rows, { device: t.device })));
  }
}

/** The items of `dataset` at `indices`, in that order. */
export class Subset<T> extends Dataset<T> {
  constructor(
    /** The dataset the items come from. */
    readonly dataset: Dataset<T>,
    /** Which of its items, in order. */
    readonly indices: readonly number[],
  ) {
    super();
  }

  /** Number of indices. */
  get length(): number {
    return this.indices.length;
  }

  /** Item `indices[index]` of the dataset. */
  get(index: number): T {
    checkIndex('Subset', index, this.length);
    return this.dataset.get(this.indices[index]!);
  }
}

/** Several datasets one after the other. */
export class ConcatDataset<T> extends Dataset<T> {
  /** Running totals of the datasets' lengths (the end index of each). */
  readonly cumulativeSizes: number[];
  constructor(
    /** The datasets, in order. */
    readonly datasets: readonly Dataset<T>[],
  ) {
    super();
    if (datasets.length === 0)
      throw new RangeError('ConcatDataset: datasets should not be an empty iterable');
    let total = 0;
    this.cumulativeSizes = datasets.map((d) => (total += d.length));
  }

  /** Total length of all datasets. */
  get length(): number {
    return this.cumulativeSizes[this.cumulativeSizes.length - 1]!;
  }

  /** The item at `index` of the datasets laid end to end. */
  get(index: number): T {
    checkIndex('ConcatDataset', index, this.length);
    const which = this.cumulativeSizes.findIndex((end) => index < end);
    const start = which === 0 ? 0 : this.cumulativeSizes[which - 1]!;
    return this.datasets[which]!.get(index - start);
  }
}

/**
 * Splits a dataset into non-overlapping random subsets of the given lengths, or fractions summing to 1
 * (remainders go round-robin to the first subsets, as PyTorch does).
 */
export function randomSplit<T>(
  dataset: Dataset<T>,
  lengths: readonly number[],
  generator: Generator = defaultGenerator,
): Subset<T>[] {
  const n = dataset.length;
  let sizes = [...lengths];
  const fractional =
    sizes.every((f) => f >= 0 && f <= 1) && Math.abs(sizes.reduce((a, b) => a + b, 0) - 1) < 1e-9 && n !== 1;
  if (fractional && sizes.some((f) => !Number.isInteger(f) || sizes.length === 1)) {
    sizes = sizes.map((f) => Math.floor(n * f));
    let remainder = n - sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; remainder > 0; i = (i + 1) % sizes.length, remainder--) sizes[i]!++;
  }
  if (sizes.reduce((a, b) => a + b, 0) !== n) {
    throw new RangeError(
      `randomSplit: sum of input lengths (${sizes.join(' + ')}) does not equal the length of the input dataset (${n})`,
    );
  }
  const order = Array.from(randperm(n, { generator }).dataSync());
  let offset = 0;
  return sizes.map((size) => {
    const part = new Subset(dataset, order.slice(offset, offset + size));
    offset += size;
    return part;
  });
}
