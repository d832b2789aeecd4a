import { gemv, gemvApplies } from './gemv';
import { multiply } from './multiply';
import { columnsOf, rowsOf } from './panel-source';
import type { BatchedGemmParams, FloatArray, GemmParams } from './types';

/**
 * Batched `C[b] = alpha * A[b] @ B[b] + beta * C[b]` for b < batch, each operand advanced by its own batch
 * stride (stride 0 broadcasts it, and a broadcast operand is packed once), plus optional row/column
 * biases (the same for every item), added in the kernel's store at no extra pass. Float32 or float64 by
 * the type of C (operands are converted while packing). Runs WebAssembly SIMD micro-kernels where available
 * (pure JS otherwise), split across helper threads when large; synchronous either way.
 */
export function batchedGemm<T extends FloatArray>(params: BatchedGemmParams<T>): void {
  const { m, n, k, batch, a, b, c, alpha = 1, beta = 0, rowBias, colBias } = params;
  if (k > 0 && gemvApplies(params)) gemv(params);
  else
    multiply({ m, n, k, batch, a: rowsOf(a, m, k), b: columnsOf(b, k, n), c, alpha, beta, rowBias, colBias });
}

/** Single product `C = alpha * op(A) @ op(B) + beta * C`; see {@link batchedGemm}. */
export function gemm<T extends FloatArray>(params: GemmParams<T>): void {
  batchedGemm({ ...params, batch: 1 });
}
