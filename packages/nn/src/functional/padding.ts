// F.pad is a kernel of @nn/tensor; F re-exports it under PyTorch's F name.
import type { PadMode as TensorPadMode } from '@nn/tensor';

export { pad } from '@nn/tensor';

/** How {@link pad} fills: `'constant'`, `'reflect'`, `'replicate'` or `'circular'`. */
export type PadMode = TensorPadMode;
