// The pooling ops live in @nn/tensor (they are kernels); F re-exports them under PyTorch's F names.
export {
  type AvgPool2dOptions,
  adaptiveAvgPool2d,
  avgPool2d,
  type MaxPool2dOptions,
  maxPool2d,
  maxPool2dWithIndices,
  type Size2,
} from '@nn/tensor';
