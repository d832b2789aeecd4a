import { fmtShape, IndexError } from '../kernel/errors';
import { normalizeDim } from '../kernel/shape';
import { checkOptions, type OptionKeys } from '../options';
import { runKernelMulti } from '../run-kernel';
import type { Tensor } from '../tensor';
import type { ValuesIndices } from './reductions';

/** Options of {@link sort} and {@link argsort}. Sorting is always stable, so `stable` changes nothing. */
export interface SortOptions {
  /** Largest first (default false). */
  descending?: boolean;
  /** Accepted for PyTorch compatibility; sorting is always stable. */
  stable?: boolean;
}

/** Options of {@link topk}. Results always come sorted, a valid answer for `sorted: false` too. */
export interface TopkOptions {
  /** Take the largest (default true) or the smallest values. */
  largest?: boolean;
  /** Accepted for PyTorch compatibility; results are always sorted. */
  sorted?: boolean;
}

const SORT_KEYS: OptionKeys<SortOptions> = { descending: true, stable: true };
const TOPK_KEYS: OptionKeys<TopkOptions> = { largest: true, sorted: true };

/**
 * torch.sort along `dim` (default the last): `{ values, indices }` with int32 indices. NaN counts as
 * greater than every number (last ascending, first descending); equal values keep their order.
 */
export function sort(x: Tensor, dim = -1, options: SortOptions = {}): ValuesIndices {
  checkOptions('sort', options, SORT_KEYS);
  const d = normalizeDim('sort', dim, x.ndim);
  const [values, indices] = runKernelMulti('sort', [x], {
    dim: d,
    descending: options.descending ?? false,
  }) as [Tensor, Tensor];
  return { values, indices };
}

/** torch.argsort: the int32 indices that {@link sort} would order `x` by. */
export function argsort(x: Tensor, dim = -1, options: SortOptions = {}): Tensor {
  checkOptions('argsort', options, SORT_KEYS);
  return sort(x, dim, options).indices;
}

/**
 * torch.topk: the `k` largest (or smallest, `largest: false`) elements along `dim` (default the last)
 * as `{ values, indices }`, in sorted order. NaN counts as the largest value.
 */
export function topk(x: Tensor, k: number, dim = -1, options: TopkOptions = {}): ValuesIndices {
  checkOptions('topk', options, TOPK_KEYS);
  const d = normalizeDim('topk', dim, x.ndim);
  const size = x.shape[d] ?? 1;
  if (!Number.isInteger(k) || k < 0 || k > size) {
    throw new IndexError(
      'topk',
      `selected index k out of range: k = ${k} but dim ${d} of input shape ${fmtShape(x.shape)} has size ${size}; ` +
        `k must be an integer in [0, ${size}]`,
    );
  }
  const [values, indices] = runKernelMulti('topk', [x], { k, dim: d, largest: options.largest ?? true }) as [
    Tensor,
    Tensor,
  ];
  return { values, indices };
}
