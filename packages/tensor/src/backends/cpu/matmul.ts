import { allocate, allocateUninitialized, type TypedArray } from '../../kernel/dtype';
import { registerKernel } from '../../kernel/registry';
import { hostView, makeView, type TensorView } from '../../kernel/view';
import { castCpu, contiguousCpu } from './elementwise';
import { batchedGemm } from './gemm/batched-gemm';
import type { BiasVector, FloatArray } from './gemm/types';

/** Float data of a tensor as the GEMM reads it: integer tensors go through a float64 copy (exact below 2^53). */
function floatView(t: TensorView): TensorView {
  return t.dtype === 'float32' || t.dtype === 'float64' ? t : castCpu(t, 'float64');
}

/**
 * `a @ b (+ bias[j] on column j)` for 2-D or equal-batch 3-D operands with any strides, one (batched)
 * GEMM call; the bias is added by the kernel as it stores the first k block, so C takes no second pass.
 */
function productCpu(a: TensorView, b: TensorView, bias?: TensorView): TensorView {
  const fa = floatView(a);
  const fb = floatView(b);
  const batched = a.shape.length === 3;
  const batch = batched ? a.shape[0]! : 1;
  const [m, k] = a.shape.slice(-2) as [number, number];
  const n = b.shape[b.shape.length - 1]!;
  // The GEMM writes every element of C (beta 0), so only an empty inner dim needs zeroed memory.
  const out = (k === 0 ? allocate : allocateUninitialized)(fa.dtype, batch * m * n) as FloatArray;
  const colBias = bias && biasVector(bias);
  const shape = batched ? [batch, m, n] : [m, n];
  if (k === 0) {
    // An empty inner dim: every product is 0 (already there), plus the bias.
    if (colBias) for (let i = 0; i < batch * m * n; i++) out[i] = colBias.data[colBias.offset + (i % n)]!;
  } else {
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
      colBias,
    });
  }
  const result = hostView(out as TypedArray, shape, fa.dtype);
  return a.dtype === fa.dtype ? result : castCpu(result, a.dtype);
}

/** A 1-D bias as the GEMM reads it: float, elements adjacent. */
function biasVector(bias: TensorView): BiasVector {
  const floats = floatView(bias);
  const adjacent = floats.strides[0] === 1 || floats.shape[0]! <= 1 ? floats : contiguousCpu(floats);
  return { data: adjacent.storage.data as FloatArray, offset: adjacent.offset };
}

/** `weight` `[out, in]` as the `[in, out]` right operand of a product: its transpose, a view. */
function transposed(weight: TensorView): TensorView {
  const [rows, columns] = weight.shape as [number, number];
  const [rowStride, columnStride] = weight.strides as [number, number];
  return makeView(weight.storage, [columns, rows], [columnStride, rowStride], weight.offset);
}

export function registerCpuMatmul(): void {
  registerKernel('matmul', 'cpu', ([a, b]) => productCpu(a!, b!));
  registerKernel('linear', 'cpu', ([x, weight, bias]) => productCpu(x!, transposed(weight!), bias));
}
