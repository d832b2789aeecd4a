import { DataLoader, Dataset, IterableDataset, Subset, TensorDataset } from '@nn/data';
import { type Generator, Tensor, ValueError } from '@nn/tensor';

/**
 * Data for `fit`, `evaluate` and `predict`: a DataLoader (used as is), a map-style Dataset, or tensors
 * `[x, y]` (`[x]` or `x` alone for `predict`), which are batched with `batchSize`.
 */
export type TrainData = DataLoader<unknown, unknown> | Dataset<unknown> | readonly Tensor[] | Tensor;

/** How tensors and datasets are batched. */
export interface BatchingOptions {
  batchSize: number;
  shuffle: boolean;
  /** Shuffle order stream (its state goes into checkpoints, for bit-identical resumes). */
  generator?: Generator;
}

/** The data as a DataLoader; `op` names the caller in errors. */
export function toLoader(
  op: string,
  data: TrainData,
  options: BatchingOptions,
): DataLoader<unknown, unknown> {
  if (data instanceof DataLoader) return data;
  if (!Number.isInteger(options.batchSize) || options.batchSize <= 0) {
    throw new ValueError(op, `batchSize must be a positive integer, got ${options.batchSize}`);
  }
  const dataset = toDataset(op, data);
  return new DataLoader(dataset, {
    batchSize: options.batchSize,
    shuffle: options.shuffle,
    ...(options.shuffle && options.generator ? { generator: options.generator } : {}),
  });
}

function toDataset(op: string, data: Exclude<TrainData, DataLoader<unknown, unknown>>): Dataset<unknown> {
  if (data instanceof Tensor) return new TensorDataset(data);
  if (data instanceof Dataset) return data;
  if (Array.isArray(data) && data.length > 0 && data.every((t) => t instanceof Tensor)) {
    const rows = data.map((t) => t.shape[0]);
    if (rows.some((r) => r !== rows[0])) {
      throw new ValueError(op, `x and y must have the same number of rows, got [${rows.join(', ')}]`);
    }
    return new TensorDataset(...data);
  }
  if (data instanceof IterableDataset) {
    throw new ValueError(op, 'an IterableDataset has no length to batch or split; wrap it in a DataLoader');
  }
  throw new ValueError(op, 'data must be a DataLoader, a Dataset, or tensors [x, y]');
}

/**
 * Keras's `validation_split`: the last `fraction` of the rows (before any shuffling) become validation
 * data. Tensors are split into two tensor pairs; datasets into two Subsets.
 */
export function splitValidation(op: string, data: TrainData, fraction: number): [TrainData, TrainData] {
  if (!(fraction > 0 && fraction < 1)) {
    throw new ValueError(op, `validationSplit must be a fraction in (0, 1), got ${fraction}`);
  }
  if (data instanceof DataLoader) {
    throw new ValueError(
      op,
      'validationSplit needs tensors or a Dataset, not a DataLoader; pass validationData instead',
    );
  }
  const dataset = toDataset(op, data);
  const total = dataset.length;
  const validation = Math.floor(total * fraction);
  const train = total - validation;
  if (validation === 0 || train === 0) {
    throw new ValueError(
      op,
      `validationSplit ${fraction} of ${total} rows leaves an empty split; use more data or another fraction`,
    );
  }
  if (dataset instanceof TensorDataset) {
    return [
      dataset.tensors.map((t) => t.narrow(0, 0, train)),
      dataset.tensors.map((t) => t.narrow(0, train, validation)),
    ];
  }
  const range = (start: number, n: number) => Array.from({ length: n }, (_, i) => start + i);
  return [new Subset(dataset, range(0, train)), new Subset(dataset, range(train, validation))];
}

/** A DataLoader batches by its own settings: `batchSize` or `shuffle` given with one would be ignored, so they are an error. */
export function checkLoaderOptions(
  op: string,
  data: TrainData,
  options: { batchSize?: number; shuffle?: boolean },
): void {
  const given = (['batchSize', 'shuffle'] as const).filter((k) => options[k] !== undefined);
  if (data instanceof DataLoader && given.length > 0) {
    throw new ValueError(
      op,
      `${given.join(' and ')} ${given.length > 1 ? 'apply' : 'applies'} to tensors and datasets; the DataLoader passed batches by its own settings, set them there`,
    );
  }
}

/** Samples per epoch of a loader, when it has a length. */
export function samplesPerEpoch(loader: DataLoader<unknown, unknown>): number | undefined {
  const dataset = loader.dataset;
  if (!(dataset instanceof Dataset)) return undefined;
  if (loader.batchSize === null) return dataset.length;
  return loader.dropLast ? Math.floor(dataset.length / loader.batchSize) * loader.batchSize : dataset.length;
}
