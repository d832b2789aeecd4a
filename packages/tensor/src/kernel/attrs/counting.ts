import type { DType } from '../dtype';

/** unique and uniqueConsecutive: `dim` null flattens; `consecutive` groups only adjacent equal values. */
export interface UniqueAttrs {
  dim: number | null;
  consecutive: boolean;
}

/** searchsorted: `right` finds the last position a value can go (upper bound) instead of the first. */
export interface SearchsortedAttrs {
  right: boolean;
}

/** bincount: at least `minlength` bins; `dtype` is the result's (int32 counts, or from the weights). */
export interface BincountAttrs {
  minlength: number;
  dtype: DType;
}

/** histc: `bins` equal bins over [min, max] (min = max: the data's range). */
export interface HistcAttrs {
  bins: number;
  min: number;
  max: number;
}

/** Random kernels: the seed they draw from, taken from the caller's generator. */
export interface SeededAttrs {
  seed: number;
}
