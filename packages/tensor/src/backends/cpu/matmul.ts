import { allocate, type TypedArray } from '../../kernel/dtype';
import { registerKernel } from '../../kernel/registry';
import { hostView, type TensorView } from '../../kernel/view';
import { castCpu } from './elementwise';
import { batchedGemm } from './gemm/batched-gemm';
import type { FloatArray } from './gemm/types';

/** Float data of a tensor as the GEMM reads it: integer tensors go through a float64 copy (exact below 2^53). */
function floatView(t: TensorView): TensorView {
  return t.dtype === 'float32' || t.dtype === 'float64' ? t : castCpu(t, 'float64');
}

/** CPU `matmul` kernel: 2-D or equal-batch 3-D operands, any strides, one (batched) GEMM call. */
function matmulCpu(a: TensorView, b: TensorView): TensorView {
  const fa = floatView(a);
  const fb = floatView(b);
  const batched = a.shape.length === 3;
  const batch = batched ? a.shape[0]! : 1;
  const [m, k] = a.shape.slice(-2) as [number, number];
  const n = b.shape[b.shape.length - 1]!;
  const out = allocate(fa.dtype, batch * m * n) as FloatArray;
  // An empty inner dim gives zeros (already there): no GEMM work per output element.
  if (k === 0)
    return castCpu(hostView(out as TypedArray, batched ? [batch, m, n] : [m, n], fa.dtype), a.dtype);
  const operand = (t: TensorView) => ({
    data: t.storage.data as FloatArray,
    offset: t.offset,
    rowStride: t.strides[t.shape.length - 2]!,
    colStride: t.strides[t.shape.length - 1]!,
    batchStride: batched ? t.strides[0]! : 0,
    storage: t.storage,
  });
  batchedGemm({
    batch,
    m,
    n,
    k,
    a: operand(fa),
    b: operand(fb),
    c: { data: out, offset: 0, rowStride: n, batchStride: m * n },
  });
  const shape = batched ? [batch, m, n] : [m, n];
  const result = hostView(out as TypedArray, shape, fa.dtype);
  return a.dtype === fa.dtype ? result : castCpu(result, a.dtype);
}

export function registerCpuMatmul(): void {
  registerKernel('matmul', 'cpu', ([a, b]) => matmulCpu(a!, b!));
}
