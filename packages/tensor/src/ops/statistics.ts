import { type DType, isFloating } from '../kernel/dtype';
import { DTypeError, fmtShape, IndexError, ValueError } from '../kernel/errors';
import { normalizeDim } from '../kernel/shape';
import { checkOptions, type OptionKeys } from '../options';
import { runKernelMulti } from '../run-kernel';
import type { Tensor } from '../tensor';
import { isTensor, scalarTensor } from '../wrap';
import { where } from './elementwise';
import { gather } from './indexing';
import { type Dims, type ReduceOptions, sum, type ValuesIndices } from './reductions';
import { sort } from './sorting';

// Order statistics are built on the stable sort (NaN last) and gather, so they are exact, run on every
// device that sorts, and get their gradients from sort's and gather's.

const REDUCE_KEYS: OptionKeys<ReduceOptions> = { keepdim: true };
const NANSUM_KEYS: OptionKeys<ReduceOptions & { dtype?: DType }> = { keepdim: true, dtype: true };

/** How {@link quantile} picks between the two data points around a quantile. */
export type QuantileInterpolation = 'linear' | 'lower' | 'higher' | 'midpoint' | 'nearest';

/** Options of {@link quantile} and {@link nanquantile}. */
export interface QuantileOptions extends ReduceOptions {
  /** Between the two nearest data points (default 'linear'). */
  interpolation?: QuantileInterpolation;
}

const QUANTILE_KEYS: OptionKeys<QuantileOptions> = { keepdim: true, interpolation: true };
const INTERPOLATIONS: readonly string[] = ['linear', 'lower', 'higher', 'midpoint', 'nearest'];

/** The value at sorted position `position` (a tensor with a size-1 `dim`) of every lane, with its index. */
function pickSorted(
  x: Tensor,
  dim: number,
  position: (sorted: Tensor) => Tensor,
  keepdim: boolean,
): ValuesIndices {
  const sorted = sort(x, dim);
  const at = position(sorted.values);
  const values = gather(sorted.values, dim, at);
  const indices = gather(sorted.indices, dim, at);
  return keepdim ? { values, indices } : { values: values.squeeze(dim), indices: indices.squeeze(dim) };
}

function laneDim(op: string, x: Tensor, dim: number): number {
  const d = normalizeDim(op, dim, x.ndim);
  if (x.ndim > 0 && x.shape[d] === 0) {
    throw new IndexError(op, `cannot compute ${op} over dim ${d} of size 0 (input ${fmtShape(x.shape)})`);
  }
  return d;
}

/** NaN counts per lane (keepdim), zeros for non-float dtypes. */
function nanCount(x: Tensor, dim: number): Tensor {
  return x.isnan().sum(dim, { keepdim: true, dtype: 'int32' });
}

function lowerMedian(
  x: Tensor,
  dim: number | undefined,
  options: ReduceOptions,
  ignoreNan: boolean,
): Tensor | ValuesIndices {
  const op = ignoreNan ? 'nanmedian' : 'median';
  checkOptions(op, options, REDUCE_KEYS);
  if (dim === undefined) {
    // PyTorch answers NaN for an empty float input (there is no middle value).
    if (x.numel() === 0 && isFloating(x.dtype)) return scalarTensor(Number.NaN, x.dtype, x.device);
    if (x.numel() === 0)
      throw new IndexError(op, `median() input tensor cannot be empty (got ${x.dtype} ${fmtShape(x.shape)})`);
    return (lowerMedian(x.reshape([-1]), 0, {}, ignoreNan) as ValuesIndices).values;
  }
  const d = laneDim(op, x, dim);
  const lane = x.ndim === 0 ? x.reshape([1]) : x;
  const n = lane.shape[d]!;
  const result = pickSorted(
    lane,
    d,
    (sorted) => {
      const nans = nanCount(sorted.narrow(d, 0, n), d);
      // NaN sorts last: median picks the first NaN if there is one; nanmedian the lower middle of the rest.
      if (ignoreNan)
        return nans
          .neg()
          .add(n - 1)
          .clamp(0)
          .div(2, { roundingMode: 'floor' });
      return where(nans.gt(0), nans.neg().add(n), Math.floor((n - 1) / 2));
    },
    options.keepdim ?? false,
  );
  if (x.ndim > 0) return result;
  return { values: result.values.reshape([]), indices: result.indices.reshape([]) };
}

/**
 * torch.median: the lower median (NaN when the lane has NaN). Without `dim`, of every element (a 0-d
 * tensor); with `dim`, `{ values, indices }` along it.
 */
export function median(x: Tensor): Tensor;
export function median(x: Tensor, dim: number, options?: ReduceOptions): ValuesIndices;
export function median(x: Tensor, dim?: number, options: ReduceOptions = {}): Tensor | ValuesIndices {
  return lowerMedian(x, dim, options, false);
}

/** torch.nanmedian: {@link median} ignoring NaN (NaN only where a lane is all NaN). */
export function nanmedian(x: Tensor): Tensor;
export function nanmedian(x: Tensor, dim: number, options?: ReduceOptions): ValuesIndices;
export function nanmedian(x: Tensor, dim?: number, options: ReduceOptions = {}): Tensor | ValuesIndices {
  return lowerMedian(x, dim, options, true);
}

/** torch.kthvalue: the k-th smallest value (1-based) along `dim` (default the last), with its index. */
export function kthvalue(x: Tensor, k: number, dim = -1, options: ReduceOptions = {}): ValuesIndices {
  checkOptions('kthvalue', options, REDUCE_KEYS);
  const d = normalizeDim('kthvalue', dim, x.ndim);
  const lane = x.ndim === 0 ? x.reshape([1]) : x;
  const n = lane.shape[d]!;
  if (!Number.isInteger(k) || k < 1 || k > n) {
    throw new IndexError(
      'kthvalue',
      `selected number k out of range for dimension ${d}: k = ${k}, but the size is ${n} (k must be in [1, ${n}])`,
    );
  }
  const at = scalarTensor(k - 1, 'int32', x.device);
  const result = pickSorted(
    lane,
    d,
    (sorted) => at.expand(sorted.shape.map((s, i) => (i === d ? 1 : s))),
    options.keepdim ?? false,
  );
  if (x.ndim > 0) return result;
  return { values: result.values.reshape([]), indices: result.indices.reshape([]) };
}

/** torch.mode: the most frequent value along `dim` (default the last; the smallest on ties) and its last index. */
export function mode(x: Tensor, dim = -1, options: ReduceOptions = {}): ValuesIndices {
  checkOptions('mode', options, REDUCE_KEYS);
  const d = normalizeDim('mode', dim, x.ndim);
  if (x.ndim > 0 && x.shape[d] === 0) {
    throw new IndexError('mode', `cannot compute mode over dim ${d} of size 0 (input ${fmtShape(x.shape)})`);
  }
  const [values, indices] = runKernelMulti('mode', [x], { dim: d, keepdim: options.keepdim ?? false }) as [
    Tensor,
    Tensor,
  ];
  return { values, indices };
}

function quantiles(
  op: string,
  x: Tensor,
  q: number | Tensor,
  dim: number | null | undefined,
  options: QuantileOptions,
  ignoreNan: boolean,
): Tensor {
  checkOptions(op, options, QUANTILE_KEYS);
  const interpolation = options.interpolation ?? 'linear';
  if (!INTERPOLATIONS.includes(interpolation)) {
    throw new ValueError(
      op,
      `interpolation must be one of ${INTERPOLATIONS.join(', ')}, got '${interpolation}'`,
    );
  }
  if (!isFloating(x.dtype)) {
    throw new DTypeError(op, `input tensor must be either float or double dtype, got ${x.dtype}`);
  }
  const qs = isTensor(q) ? q : scalarTensor(q, x.dtype, x.device);
  if (qs.ndim > 1)
    throw new ValueError(op, `q must be a scalar or 1D tensor, got shape ${fmtShape(qs.shape)}`);
  if (qs.dtype !== x.dtype) {
    throw new DTypeError(
      op,
      `q tensor must be same dtype as the input tensor, got ${qs.dtype} and ${x.dtype}`,
    );
  }
  if (typeof q === 'number' && !(q >= 0 && q <= 1)) {
    throw new ValueError(op, `q must be in the range [0, 1] but got ${q}`);
  }
  if (x.numel() === 0) throw new IndexError(op, 'input tensor must be non-empty');
  const keepdim = options.keepdim ?? false;
  // Every lane moved to the last dim (the flattened input for dim undefined).
  const d = dim === undefined || dim === null ? undefined : normalizeDim(op, dim, x.ndim);
  const lanes = d === undefined ? x.reshape([-1]) : x.ndim === 0 ? x.reshape([1]) : x.transpose(d, -1);
  const sorted = sort(lanes, -1).values;
  const n = sorted.shape[sorted.ndim - 1]!;
  const batch = sorted.shape.slice(0, -1);
  // One row of ranks per q: [nq, ...batch, 1] (nq = 1 for a scalar q).
  const qColumn = qs.reshape([-1, ...batch.map(() => 1), 1]);
  const nq = qColumn.shape[0]!;
  const nans = sorted.isnan().sum(-1, { keepdim: true, dtype: 'int32' });
  let ranks: Tensor;
  if (ignoreNan) {
    ranks = qColumn.mul(
      nans
        .neg()
        .add(n - 1)
        .to(x.dtype),
    );
    ranks = where(ranks.lt(0), 0, ranks);
  } else {
    ranks = where(nans.gt(0), n - 1, qColumn.mul(n - 1).expand([nq, ...batch, 1]));
  }
  if (interpolation === 'lower') ranks = ranks.floor();
  else if (interpolation === 'higher') ranks = ranks.ceil();
  else if (interpolation === 'nearest') ranks = ranks.round();
  const all = sorted.unsqueeze(0).expand([nq, ...batch, n]);
  const below = ranks.floor();
  let out = gather(all, -1, below.int().expand([nq, ...batch, 1]));
  if (interpolation === 'linear' || interpolation === 'midpoint') {
    const above = gather(
      all,
      -1,
      ranks
        .ceil()
        .int()
        .expand([nq, ...batch, 1]),
    );
    const weight = interpolation === 'midpoint' ? scalarTensor(0.5, x.dtype, x.device) : ranks.sub(below);
    out = out.lerp(above, weight);
  }
  // out: [nq, ...batch, 1]; put the reduced dim back (keepdim) or drop it, and drop nq for a scalar q.
  if (keepdim) {
    out =
      d === undefined
        ? out.reshape([nq, ...x.shape.map(() => 1)])
        : x.ndim === 0
          ? out.reshape([nq])
          : out.transpose(d + 1, -1);
  } else out = out.squeeze(-1);
  return qs.ndim === 0 ? out.squeeze(0) : out;
}

/**
 * torch.quantile: the q-th quantiles (q a number or a 1-d tensor in [0, 1]) of every lane along `dim`
 * (of all elements without it, or with null); a 1-d q adds a leading dim. NaN in a lane gives NaN.
 */
export function quantile(
  x: Tensor,
  q: number | Tensor,
  dim?: number | null,
  options: QuantileOptions = {},
): Tensor {
  return quantiles('quantile', x, q, dim, options, false);
}

/** torch.nanquantile: {@link quantile} ignoring NaN (NaN only where a lane is all NaN). */
export function nanquantile(
  x: Tensor,
  q: number | Tensor,
  dim?: number | null,
  options: QuantileOptions = {},
): Tensor {
  return quantiles('nanquantile', x, q, dim, options, true);
}

/** torch.nansum: the sum treating NaN as zero. */
export function nansum(x: Tensor, dim?: Dims, options: ReduceOptions & { dtype?: DType } = {}): Tensor {
  checkOptions('nansum', options, NANSUM_KEYS);
  const clean = isFloating(x.dtype) ? where(x.isnan(), 0, x) : x;
  return sum(clean, dim, options);
}

/** torch.nanmean: the mean of the non-NaN elements (float inputs only). */
export function nanmean(x: Tensor, dim?: Dims, options: ReduceOptions & { dtype?: DType } = {}): Tensor {
  checkOptions('nanmean', options, NANSUM_KEYS);
  if (!isFloating(options.dtype ?? x.dtype)) {
    throw new DTypeError(
      'nanmean',
      `expected input to have floating point dtype but got ${x.dtype}; convert with .float() or pass a float dtype`,
    );
  }
  const keep = x.isnan().logicalNot();
  return nansum(x, dim, options).div(sum(keep, dim, { keepdim: options.keepdim ?? false }));
}
