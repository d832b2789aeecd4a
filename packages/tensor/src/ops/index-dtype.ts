import { DTypeError, fmtShape, IndexError } from '../kernel/errors';
import { getBackend } from '../kernel/registry';
import type { Tensor } from '../tensor';

const INT32_MIN = -(2n ** 31n);
const INT32_MAX = 2n ** 31n - 1n;

/**
 * An index tensor as the int32 the kernels take: int32 as is, int64 (PyTorch's index dtype) converted
 * once every value is known to fit (an int64 index beyond int32 is out of range of any tensor here).
 * Other dtypes are an error naming `op`.
 *
 * @example
 * ```ts
 * int32Index('gather', tensor([1n, 0n])).dtype; // 'int32'
 * ```
 */
export function int32Index(op: string, index: Tensor, what = 'index'): Tensor {
  if (index.dtype === 'int32') return index;
  if (index.dtype !== 'int64') {
    throw new DTypeError(
      op,
      `${what} must be an int64 or int32 tensor, got ${index.dtype} (shape ${fmtShape(index.shape)}); ` +
        'convert it with .long()',
    );
  }
  // Values are checked where they can be read synchronously (the CPU); int64 tensors live nowhere else.
  if (getBackend(index.device, op).readSync) {
    const values = index.rawDataSync(op) as BigInt64Array;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v < INT32_MIN || v > INT32_MAX) {
        throw new IndexError(op, `${what} ${v} (flat position ${i}) is out of range of any tensor`);
      }
    }
  }
  return index.to('int32');
}
