import type { DType } from '../dtype';

/** Attributes of the reduction kernels: dims are sorted, unique and non-negative. */
export interface ReduceAttrs {
  dims: number[];
  keepdim: boolean;
}

/** sum, prod and mean: the reduction plus the result (accumulation) dtype. */
export interface TypedReduceAttrs extends ReduceAttrs {
  dtype: DType;
}

/** var and std: the reduction plus the correction (Bessel's is 1). */
export interface VarianceAttrs extends ReduceAttrs {
  correction: number;
}

/** norm: the reduction plus the order p (Infinity, -Infinity, 0 or any number; 'fro' is 2). */
export interface NormAttrs extends ReduceAttrs {
  p: number;
}

/** max/min along one dim, with indices. */
export interface DimReduceAttrs {
  dim: number;
  keepdim: boolean;
}

/** argmax/argmin: `dim` null reduces the flattened tensor. */
export interface ArgReduceAttrs {
  dim: number | null;
  keepdim: boolean;
}

/** cumsum/cumprod: the dim (non-negative) and the result dtype. */
export interface ScanAttrs {
  dim: number;
  dtype: DType;
}

/** sort. `stable` needs no flag: every sort kernel must be stable. */
export interface SortAttrs {
  dim: number;
  descending: boolean;
}

/** topk. Results always come sorted (a valid answer for `sorted: false`). */
export interface TopkAttrs {
  k: number;
  dim: number;
  largest: boolean;
}
