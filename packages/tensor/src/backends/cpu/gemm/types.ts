import type { Storage } from '../../../kernel/storage';
/** The float storage the kernels work on. */
export type FloatArray = Float32Array | Float64Array;

/**
 * A read-only matrix operand viewed through strides, so transposed (swapped strides), sliced or broadcast
 * operands need no copy. Element (i, j) of batch item b is
 * `data[offset + b * batchStride + i * rowStride + j * colStride]`.
 */
export interface MatrixOperand {
  readonly data: FloatArray;
  readonly offset: number;
  readonly rowStride: number;
  readonly colStride: number;
  /** Distance between consecutive batch items; 0 broadcasts one matrix to the whole batch. Default 0. */
  readonly batchStride?: number;
  /** The storage `data` belongs to, where known: lets a kernel keep a copy until its version changes. */
  readonly storage?: Storage;
}

/** The output matrix, contiguous along columns: element (i, j) of item b is at `offset + b * batchStride + i * rowStride + j`. */
export interface OutputMatrix<T extends FloatArray = FloatArray> {
  readonly data: T;
  readonly offset: number;
  readonly rowStride: number;
  /** Distance between consecutive batch items. Default 0 (only meaningful for a batch of 1). */
  readonly batchStride?: number;
}

/** A bias vector read from `data[offset + index]`. */
export interface BiasVector {
  readonly data: FloatArray;
  readonly offset: number;
}

/**
 * Arguments of {@link gemm}: `C = alpha * A @ B + beta * C (+ rowBias[i]) (+ colBias[j])` with A `m x k`,
 * B `k x n`, C `m x n`.
 */
export interface GemmParams<T extends FloatArray = FloatArray> {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly a: MatrixOperand;
  readonly b: MatrixOperand;
  readonly c: OutputMatrix<T>;
  /** Default 1. */
  readonly alpha?: number;
  /** Default 0; with 0 the previous content of C is ignored (even NaN), as in BLAS. */
  readonly beta?: number;
  /** Added to every element of row i (a convolution's per-channel bias); not scaled by alpha. */
  readonly rowBias?: BiasVector;
  /** Added to every element of column j (a linear layer's bias); not scaled by alpha. */
  readonly colBias?: BiasVector;
}

/** Arguments of {@link batchedGemm}: `batch` independent products, operands advanced by their batch strides. */
export interface BatchedGemmParams<T extends FloatArray = FloatArray> extends GemmParams<T> {
  readonly batch: number;
}
