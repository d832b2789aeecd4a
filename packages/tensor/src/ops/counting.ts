import type { DType } from '../kernel/dtype';
import { isFloating, resultType } from '../kernel/dtype';
import { DTypeError, fmtShape, ShapeError, ValueError } from '../kernel/errors';
import { normalizeDim } from '../kernel/shape';
import { checkOptions, type OptionKeys } from '../options';
import { runKernel, runKernelMulti } from '../run-kernel';
import type { Tensor } from '../tensor';
import { isTensor, scalarTensor } from '../wrap';

/** Options of {@link unique}. */
export interface UniqueOptions {
  /**
   * Accepted for PyTorch compatibility: the values always come sorted, a valid answer for `sorted: false`
   * too (PyTorch leaves that order unspecified).
   */
  sorted?: boolean;
  /** Also return, per element (or slice), the position of its value in the output. */
  returnInverse?: boolean;
  /** Also return how many times each value occurs. */
  returnCounts?: boolean;
  /** Unique slices along this dim instead of unique elements of the flattened input. */
  dim?: number;
}

/** Options of {@link uniqueConsecutive}. */
export type UniqueConsecutiveOptions = Omit<UniqueOptions, 'sorted'>;

const UNIQUE_KEYS: OptionKeys<UniqueOptions> = {
  sorted: true,
  returnInverse: true,
  returnCounts: true,
  dim: true,
};
const CONSECUTIVE_KEYS: OptionKeys<UniqueConsecutiveOptions> = {
  returnInverse: true,
  returnCounts: true,
  dim: true,
};

function uniqueOf(op: string, x: Tensor, options: UniqueOptions, consecutive: boolean): Tensor | Tensor[] {
  const dim = options.dim === undefined ? null : normalizeDim(op, options.dim, x.ndim);
  const [values, inverse, counts] = runKernelMulti('unique', [x], { dim, consecutive }) as [
    Tensor,
    Tensor,
    Tensor,
  ];
  if (!options.returnInverse && !options.returnCounts) return values!;
  return [values, ...(options.returnInverse ? [inverse] : []), ...(options.returnCounts ? [counts] : [])];
}

/**
 * torch.unique: the distinct values in ascending order (slices along `dim` in lexicographic order); with
 * `returnInverse` and/or `returnCounts`, an array `[values, inverse?, counts?]` in PyTorch's order.
 * Each NaN counts as its own value and sorts last.
 *
 * @example
 * ```ts
 * import { tensor, unique } from '@nn/tensor';
 * const [values, inverse, counts] = unique(tensor([3, 1, 3, 2]), { returnInverse: true, returnCounts: true });
 * values.tolist(); // [1, 2, 3]
 * inverse.tolist(); // [2, 0, 2, 1]
 * counts.tolist(); // [1, 1, 2]
 * ```
 */
export function unique(
  x: Tensor,
  options?: UniqueOptions & { returnInverse?: false; returnCounts?: false },
): Tensor;
export function unique(x: Tensor, options: UniqueOptions): Tensor[];
export function unique(x: Tensor, options: UniqueOptions = {}): Tensor | Tensor[] {
  checkOptions('unique', options, UNIQUE_KEYS);
  return uniqueOf('unique', x, options, false);
}

/** torch.unique_consecutive: {@link unique} of each run of equal adjacent values (slices), in input order. */
export function uniqueConsecutive(
  x: Tensor,
  options?: UniqueConsecutiveOptions & { returnInverse?: false; returnCounts?: false },
): Tensor;
export function uniqueConsecutive(x: Tensor, options: UniqueConsecutiveOptions): Tensor[];
export function uniqueConsecutive(x: Tensor, options: UniqueConsecutiveOptions = {}): Tensor | Tensor[] {
  checkOptions('uniqueConsecutive', options, CONSECUTIVE_KEYS);
  return uniqueOf('uniqueConsecutive', x, options, true);
}

/** Options of {@link searchsorted}. */
export interface SearchsortedOptions {
  /** The last suitable position (after equal values) instead of the first (default false). */
  right?: boolean;
  /** PyTorch's spelling of `right`: `'left'` or `'right'`. */
  side?: 'left' | 'right';
  /** int32 indices that sort `sortedSequence` along its last dim, when it is not sorted itself. */
  sorter?: Tensor;
  /** Accepted for PyTorch compatibility: indices are int32 either way. */
  outInt32?: boolean;
}

const SEARCH_KEYS: OptionKeys<SearchsortedOptions> = {
  right: true,
  side: true,
  sorter: true,
  outInt32: true,
};

/**
 * torch.searchsorted: for each of `values`, the index in the innermost dim of `sortedSequence` where it
 * would be inserted to keep the order (int32). A 1-d sequence serves all values; otherwise the leading
 * dims of both must match.
 */
export function searchsorted(
  sortedSequence: Tensor,
  values: Tensor | number,
  options: SearchsortedOptions = {},
): Tensor {
  checkOptions('searchsorted', options, SEARCH_KEYS);
  if (options.side !== undefined && options.side !== 'left' && options.side !== 'right') {
    throw new ValueError('searchsorted', `side can only be 'left' or 'right', got '${options.side}'`);
  }
  if (
    options.side !== undefined &&
    options.right !== undefined &&
    (options.side === 'right') !== options.right
  ) {
    throw new ValueError(
      'searchsorted',
      `side and right can't be set to opposites, got side of ${options.side} while right was ${options.right}`,
    );
  }
  const right = options.right ?? options.side === 'right';
  if (sortedSequence.ndim === 0) {
    throw new ShapeError(
      'searchsorted',
      'boundaries/sortedSequence must have at least one dimension, got a 0-d tensor',
    );
  }
  // Both sides compare in their promoted dtype (an int32 sequence searched for 2.5 compares as floats).
  const common = resultType(sortedSequence.dtype, isTensor(values) ? values.dtype : values);
  const v = isTensor(values) ? values.to(common) : scalarTensor(values, common, sortedSequence.device);
  const sequence = sortedSequence.to(common);
  if (sortedSequence.ndim > 1) {
    const lead = sortedSequence.shape.slice(0, -1);
    if (v.ndim !== sortedSequence.ndim || lead.some((s, i) => s !== v.shape[i])) {
      throw new ShapeError(
        'searchsorted',
        `boundaries/sortedSequence should have same leading dims as values, but got ${fmtShape(sortedSequence.shape)} ` +
          `and ${fmtShape(v.shape)}; use a 1-d sequence to search every value in it`,
      );
    }
  }
  const sorter = options.sorter;
  if (sorter) {
    if (sorter.dtype !== 'int32')
      throw new DTypeError('searchsorted', `sorter must be an int32 tensor, got ${sorter.dtype}`);
    if (sorter.ndim !== sortedSequence.ndim || sorter.shape.some((s, i) => s !== sortedSequence.shape[i])) {
      throw new ShapeError(
        'searchsorted',
        `boundary and sorter must have the same size, but got boundary ${fmtShape(sortedSequence.shape)} and sorter ${fmtShape(sorter.shape)}`,
      );
    }
  }
  return runKernel('searchsorted', sorter ? [sequence, v, sorter] : [sequence, v], { right });
}

/** torch.bucketize: the bucket of each value among 1-d `boundaries` ({@link searchsorted} with the roles swapped). */
export function bucketize(
  input: Tensor | number,
  boundaries: Tensor,
  options: { right?: boolean; outInt32?: boolean } = {},
): Tensor {
  checkOptions('bucketize', options, { right: true, outInt32: true });
  if (boundaries.ndim !== 1) {
    throw new ShapeError(
      'bucketize',
      `boundaries tensor must be 1 dimension, but got shape ${fmtShape(boundaries.shape)}`,
    );
  }
  return searchsorted(boundaries, input, { right: options.right ?? false });
}

/**
 * torch.bincount: the number of occurrences of each value of a 1-d non-negative int32 tensor (int32), or the
 * sums of `weights` per value (float32 weights give float32, others float64); at least `minlength` bins.
 */
export function bincount(x: Tensor, options: { weights?: Tensor; minlength?: number } = {}): Tensor {
  checkOptions('bincount', options, { weights: true, minlength: true });
  const minlength = options.minlength ?? 0;
  if (x.ndim !== 1 || (x.dtype !== 'int32' && x.dtype !== 'bool')) {
    throw new DTypeError(
      'bincount',
      `bincount only supports 1-d non-negative integral inputs, got ${x.dtype} of shape ${fmtShape(x.shape)}`,
    );
  }
  if (!Number.isInteger(minlength) || minlength < 0) {
    throw new ValueError('bincount', `minlength should be >= 0, got ${minlength}`);
  }
  const weights = options.weights;
  if (weights && (weights.ndim !== 1 || weights.shape[0] !== x.shape[0])) {
    throw new ShapeError(
      'bincount',
      `weights should be 1-d and have the same length as input, got ${fmtShape(weights.shape)} for input ${fmtShape(x.shape)}`,
    );
  }
  const dtype: DType = !weights ? 'int32' : weights.dtype === 'float32' ? 'float32' : 'float64';
  const input = x.dtype === 'bool' ? x.int() : x;
  return runKernel('bincount', weights ? [input, weights] : [input], { minlength, dtype });
}

/**
 * torch.histc: a histogram with `bins` equal-width bins over [min, max] (both 0: the data's range);
 * values outside are ignored. Float inputs; the result has the input's dtype.
 */
export function histc(x: Tensor, options: { bins?: number; min?: number; max?: number } = {}): Tensor {
  checkOptions('histc', options, { bins: true, min: true, max: true });
  const { bins = 100, min = 0, max = 0 } = options;
  if (!isFloating(x.dtype)) {
    throw new DTypeError('histc', `"histogram_cpu" not implemented for '${x.dtype}'; convert with .float()`);
  }
  if (!Number.isInteger(bins) || bins <= 0) throw new ValueError('histc', `bins must be > 0, got ${bins}`);
  if (min > max) throw new ValueError('histc', `max must be larger than min, got min ${min} and max ${max}`);
  return runKernel('histc', [x], { bins, min, max });
}
