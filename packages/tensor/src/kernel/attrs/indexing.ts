import type { DType } from '../dtype';
import type { PadMode } from '../pad-modes';

/** How scatter combines values written to the same place. */
export type ScatterReduce = 'add' | 'multiply';

/** Ops along one dim (gather, indexSelect, scatterAdd, indexAdd, softmax, ...). */
export interface DimAttrs {
  dim: number;
}

/** scatter: the dim and an optional reduction. */
export interface ScatterAttrs {
  dim: number;
  reduce?: ScatterReduce;
}

/** cat: the dim and the promoted result dtype. */
export interface CatAttrs {
  dim: number;
  dtype: DType;
}

/** pad: elements added before/after each dim (every dim listed), the mode and the constant. */
export interface PadAttrs {
  before: number[];
  after: number[];
  mode: PadMode;
  value: number;
}
