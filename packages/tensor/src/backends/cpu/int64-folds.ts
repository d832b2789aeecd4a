// Exact int64 sums and products (torch's integer reductions promote to int64): bigint accumulators,
// wrapped modulo 2^64 as torch's int64 arithmetic wraps.
import type { ScanAttrs, TypedReduceAttrs } from '../../kernel/attrs/reduction';
import { isIntegral, type StorageArray, type TypedArray } from '../../kernel/dtype';
import { hostView, numel, type TensorView } from '../../kernel/view';
import { forEachLane, planWalk, reducedShape } from './reduce-walker';

/** Whether an integer sum or product runs here: integer or bool input, int64 result. */
const applies = (x: TensorView, dtype: string): boolean => dtype === 'int64' && isIntegral(x.dtype, true);

/** Element `i` of a storage as a bigint (int64 storages hold bigints already). */
const big = (data: StorageArray, i: number): bigint => {
  const v = data[i]!;
  return typeof v === 'bigint' ? v : BigInt(v);
};

/** torch.sum / torch.prod of integers to int64, exactly; undefined when the call is not one. */
export function foldInt64(x: TensorView, attrs: TypedReduceAttrs, product: boolean): TensorView | undefined {
  if (!applies(x, attrs.dtype)) return undefined;
  const data = x.storage.data as StorageArray;
  const walk = planWalk(x, attrs.dims);
  const out = new BigInt64Array(walk.outCount);
  for (let o = 0; o < walk.outCount; o++) {
    let acc = product ? 1n : 0n;
    for (let r = 0; r < walk.runs; r++) {
      const base = walk.bases[o * walk.runs + r]!;
      for (let j = 0; j < walk.length; j++) {
        const v = big(data, base + j * walk.stride);
        acc = product ? BigInt.asIntN(64, acc * v) : acc + v;
      }
    }
    out[o] = BigInt.asIntN(64, acc);
  }
  return hostView(out as unknown as TypedArray, reducedShape(x.shape, attrs.dims, attrs.keepdim), 'int64');
}

/** torch.cumsum / torch.cumprod of integers to int64, exactly; undefined when the call is not one. */
export function scanInt64(x: TensorView, attrs: ScanAttrs, product: boolean): TensorView | undefined {
  if (!applies(x, attrs.dtype)) return undefined;
  const data = x.storage.data as StorageArray;
  const out = new BigInt64Array(numel(x));
  const length = x.shape[attrs.dim] ?? 1;
  forEachLane(x, attrs.dim, (base, stride, outBase, outStride) => {
    let acc = product ? 1n : 0n;
    for (let j = 0; j < length; j++) {
      const v = big(data, base + j * stride);
      acc = BigInt.asIntN(64, product ? acc * v : acc + v);
      out[outBase + j * outStride] = acc;
    }
  });
  return hostView(out as unknown as TypedArray, x.shape, 'int64');
}
