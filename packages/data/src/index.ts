/**
 * Datasets, DataLoader, samplers, transforms and validated IDX/CSV readers in the shape of torch.utils.data.
 *
 * @module @nn/data
 */
// The public face of @nn/data (browser-safe; file helpers and MNIST live in '@nn/data/node').
export { type Collated, defaultCollate } from './collate';
export { DataLoader, type DataLoaderOptions } from './data-loader';
export {
  ConcatDataset,
  Dataset,
  IterableDataset,
  IterableSource,
  randomSplit,
  Subset,
  TensorDataset,
} from './datasets/dataset';
export { DataFormatError } from './errors';
export { type CsvTable, type ParseCsvOptions, parseCsv } from './readers/csv';
export {
  IDX_MAX_BYTES,
  IDX_MAX_DIMS,
  type IdxData,
  type IdxDtype,
  isGzip,
  type ReadIdxAsyncOptions,
  type ReadIdxOptions,
  readIdx,
  readIdxAsync,
} from './readers/idx';
export {
  BatchSampler,
  RandomSampler,
  type RandomSamplerOptions,
  type Sampler,
  SequentialSampler,
  SubsetRandomSampler,
  WeightedRandomSampler,
} from './samplers/samplers';
export {
  Compose,
  type ImageBytes,
  Lambda,
  Normalize,
  OneHot,
  RandomCrop,
  type RandomCropOptions,
  RandomHorizontalFlip,
  ToTensor,
  type Transform,
} from './transforms';
