// The sliding-block pair are kernels in @nn/tensor (im2col / col2im); F re-exports them under PyTorch's names.
import type { FoldOptions as TensorFoldOptions } from '@nn/tensor';

export { fold, unfold } from '@nn/tensor';

// An alias rather than a type re-export: the declaration bundler turns types re-exported through the `F`
// namespace into values.
/** Options of {@link fold} and {@link unfold}. */
export type FoldOptions = TensorFoldOptions;
