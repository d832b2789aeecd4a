import type { ScanAttrs } from '../../kernel/attrs/reduction';
import { withWidening } from '../../kernel/dispatch';
import { allocate, type TypedArray } from '../../kernel/dtype';
import { registerKernel } from '../../kernel/registry';
import { hostView, numel, type TensorView } from '../../kernel/view';
import { scanInt64 } from './int64-folds';
import { forEachLane } from './reduce-walker';

/** Running sum or product along `dim`, accumulated in float64 (as PyTorch's CPU kernels do for float32). */
function scan(x: TensorView, { dim, dtype }: ScanAttrs, product: boolean): TensorView {
  const src = x.storage.data as TypedArray;
  const out = allocate(dtype, numel(x));
  const length = x.shape[dim] ?? 1;
  // Integer products wrap as int32 arithmetic does instead of losing bits in a float.
  const intProduct = product && dtype === 'int32';
  forEachLane(x, dim, (base, stride, outBase, outStride) => {
    let acc = product ? 1 : 0;
    for (let j = 0, q = base, w = outBase; j < length; j++, q += stride, w += outStride) {
      const v = src[q]!;
      acc = intProduct ? Math.imul(acc, v) : product ? acc * v : acc + v;
      out[w] = acc;
    }
  });
  return hostView(out, x.shape, dtype);
}

/** Registers the CPU cumsum and cumprod kernels. */
export function registerCpuScans(): void {
  for (const [op, product] of [
    ['cumsum', false],
    ['cumprod', true],
  ] as const) {
    const kernel = withWidening<ScanAttrs>(
      op,
      ([x], attrs) => scanInt64(x!, attrs, product),
      ([x], attrs) => scan(x!, attrs, product),
    );
    registerKernel(op, 'cpu', kernel, { encodedDTypes: true });
  }
}
