import { DTypeError, fmtShape, ValueError } from '../kernel/errors';
import { runKernelMulti } from '../run-kernel';
import type { Tensor } from '../tensor';
import { as4d } from './pooling';
import type { ValuesIndices } from './reductions';

/**
 * Max pooling of `[N, C, H, W]` (or `[C, H, W]`) input to a fixed output size (a dim given as `null` keeps
 * the input's size), with the flat index (within its H*W plane, int32) of each winner, as
 * `torch.nn.functional.adaptive_max_pool2d(..., return_indices=True)`.
 */
export function adaptiveMaxPool2dWithIndices(
  x: Tensor,
  outputSize: number | readonly [number | null, number | null],
): ValuesIndices {
  const [x4, added] = as4d('adaptiveMaxPool2d', x);
  const pairSize = typeof outputSize === 'number' ? [outputSize, outputSize] : outputSize;
  const size = pairSize.map((s, d) => s ?? x4.shape[2 + d]!) as [number, number];
  if (size.length !== 2 || size.some((s) => !Number.isInteger(s) || s <= 0)) {
    throw new ValueError('adaptiveMaxPool2d', `output_size must be positive integers, got ${fmtShape(size)}`);
  }
  if (x4.dtype !== 'float32' && x4.dtype !== 'float64') {
    throw new DTypeError(
      'adaptiveMaxPool2d',
      `not implemented for ${x4.dtype} tensors; convert with .float() first`,
    );
  }
  const [values, indices] = runKernelMulti('adaptiveMaxPool2d', [x4], { outputSize: size }) as [
    Tensor,
    Tensor,
  ];
  return added ? { values: values.squeeze(0), indices: indices.squeeze(0) } : { values, indices };
}

/** {@link adaptiveMaxPool2dWithIndices}'s values only (`torch.nn.functional.adaptive_max_pool2d`). */
export function adaptiveMaxPool2d(
  x: Tensor,
  outputSize: number | readonly [number | null, number | null],
): Tensor {
  return adaptiveMaxPool2dWithIndices(x, outputSize).values;
}
