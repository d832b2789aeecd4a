/**
 * Datasets, DataLoader, samplers, transforms and validated IDX/CSV readers in the shape of torch.utils.data.
 *
 * @module @nn/data
 */
// The public face of @nn/data (browser-safe; file helpers and MNIST live in '@nn/data/node').
export { type Collated, defaultCollate } from './collate';
export { DataLoader, type DataLoaderOptions } from './data-loader';
export { ChainDataset } from './datasets/chain-dataset';
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
export * as TF from './image/index';
export {
  CenterCrop,
  ColorJitter,
  type ColorJitterOptions,
  RandomErasing,
  type RandomErasingOptions,
  RandomResizedCrop,
  type RandomResizedCropOptions,
  RandomRotation,
  type RandomRotationOptions,
  Resize,
  type ResizeOptions,
  randomResizedCropParams,
} from './image-transforms';
export {
  CIFAR_RECORD_BYTES,
  CIFAR10_CLASSES,
  type CifarData,
  readCifar10,
} from './readers/cifar';
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
export { DistributedSampler, type DistributedSamplerOptions } from './samplers/distributed-sampler';
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
