// The pooling ops live in @nn/tensor (they are kernels); F re-exports them under PyTorch's F names.
import type {
  AvgPool2dOptions as TensorAvgPool2dOptions,
  MaxPool2dOptions as TensorMaxPool2dOptions,
  Size2 as TensorSize2,
} from '@nn/tensor';

export {
  adaptiveAvgPool2d,
  adaptiveMaxPool2d,
  adaptiveMaxPool2dWithIndices,
  avgPool2d,
  maxPool2d,
  maxPool2dWithIndices,
} from '@nn/tensor';

// Aliases rather than type re-exports: the declaration bundler turns types re-exported through the `F`
// namespace into values.
/** Options of {@link avgPool2d}. */
export type AvgPool2dOptions = TensorAvgPool2dOptions;
/** Options of {@link maxPool2d}. */
export type MaxPool2dOptions = TensorMaxPool2dOptions;
/** A size given once for both spatial dims or as `[h, w]`. */
export type Size2 = TensorSize2;
