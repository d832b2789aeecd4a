import type { Dims, DType, Tensor } from '../..';
import { type ConformanceCase, defineCase, type Layout, valuesIndices } from '../conformance-case';

const SHAPE = [2, 3, 4];
// Broadcasting dim 0 makes its lanes ties; ops that report positions avoid reducing over it there.
const NO_TIES: readonly Layout[] = ['contiguous', 'transposed', 'sliced'];

interface Reduction {
  name: string;
  kernels: string[];
  dtype?: DType;
  run: (x: Tensor) => Tensor | readonly Tensor[];
  layouts?: readonly Layout[];
}

/** Folds over every dim, one dim with keepdim, and several dims, per op. */
function folds(
  op: string,
  kernels: string[],
  fold: (x: Tensor, dim: Dims | undefined, keepdim: boolean) => Tensor,
  dtype?: DType,
): Reduction[] {
  return [
    { name: `${op}/all-dims`, kernels, run: (x) => fold(x, undefined, false), ...(dtype ? { dtype } : {}) },
    { name: `${op}/dim=1-keepdim`, kernels, run: (x) => fold(x, 1, true), ...(dtype ? { dtype } : {}) },
    { name: `${op}/dims=[0,2]`, kernels, run: (x) => fold(x, [0, 2], false), ...(dtype ? { dtype } : {}) },
  ];
}

const REDUCTIONS: readonly Reduction[] = [
  ...folds('sum', ['sum'], (x, dim, keepdim) => x.sum(dim, { keepdim })),
  ...folds('sum/int32', ['sum'], (x, dim, keepdim) => x.sum(dim, { keepdim }), 'int32'),
  ...folds('sum/bool', ['sum'], (x, dim, keepdim) => x.sum(dim, { keepdim }), 'bool'),
  { name: 'sum/to-float64', kernels: ['sum'], run: (x) => x.sum(2, { dtype: 'float64' }) },
  ...folds('mean', ['mean', 'sum', 'div'], (x, dim, keepdim) => x.mean(dim, { keepdim })),
  ...folds('prod', ['prod'], (x, dim, keepdim) => x.prod(dim, { keepdim })),
  // Few factors, so int32 products cannot overflow.
  { name: 'prod/int32-dim=1', kernels: ['prod'], run: (x) => x.prod(1), dtype: 'int32' },
  ...folds('amax', ['amax'], (x, dim, keepdim) => x.amax(dim, { keepdim })),
  ...folds('amin', ['amin'], (x, dim, keepdim) => x.amin(dim, { keepdim })),
  ...folds('amax/int32', ['amax'], (x, dim, keepdim) => x.amax(dim, { keepdim }), 'int32'),
  ...folds('var', ['var'], (x, dim, keepdim) => x.var(dim, { keepdim })),
  ...folds('std', ['std', 'var', 'sqrt'], (x, dim, keepdim) => x.std(dim, { keepdim, correction: 0 })),
  ...folds('logsumexp', ['logsumexp', 'amax', 'exp', 'sum', 'log'], (x, dim, keepdim) =>
    x.logsumexp(dim ?? [0, 1, 2], { keepdim }),
  ),
  ...folds('norm', ['norm', 'sqrt', 'sum', 'mul'], (x, dim, keepdim) => x.norm(2, dim, { keepdim })),
  ...folds('norm/p=1', ['norm', 'abs', 'sum'], (x, dim, keepdim) => x.norm(1, dim, { keepdim })),
  ...folds('norm/p=inf', ['norm', 'abs', 'amax'], (x, dim, keepdim) => x.norm(Infinity, dim, { keepdim })),
  ...folds('norm/p=3', ['norm', 'abs', 'pow', 'sum'], (x, dim, keepdim) => x.norm(3, dim, { keepdim })),
  ...folds('all', ['all'], (x, dim, keepdim) => x.all(dim, { keepdim }), 'bool'),
  ...folds('any', ['any'], (x, dim, keepdim) => x.any(dim, { keepdim }), 'bool'),
  ...folds('all/float32', ['all'], (x, dim, keepdim) => x.gt(-1).all(dim, { keepdim })),
  { name: 'max/all-dims', kernels: ['amax'], run: (x) => x.max() },
  { name: 'min/all-dims', kernels: ['amin'], run: (x) => x.min() },
  { name: 'max/dim=2', kernels: ['max'], run: (x) => valuesIndices(x.max(2)) },
  { name: 'max/dim=1-keepdim', kernels: ['max'], run: (x) => valuesIndices(x.max(1, { keepdim: true })) },
  { name: 'max/dim=0', kernels: ['max'], run: (x) => valuesIndices(x.max(0)), layouts: NO_TIES },
  { name: 'min/dim=2', kernels: ['min'], run: (x) => valuesIndices(x.min(2)) },
  {
    name: 'min/dim=0-keepdim',
    kernels: ['min'],
    run: (x) => valuesIndices(x.min(0, { keepdim: true })),
    layouts: NO_TIES,
  },
  { name: 'argmax/flat', kernels: ['argmax'], run: (x) => x.argmax(), layouts: NO_TIES },
  { name: 'argmax/dim=2', kernels: ['argmax'], run: (x) => x.argmax(2) },
  { name: 'argmin/dim=1-keepdim', kernels: ['argmin'], run: (x) => x.argmin(1, { keepdim: true }) },
  { name: 'argmin/flat', kernels: ['argmin'], run: (x) => x.argmin(), layouts: NO_TIES },
  { name: 'cumsum/dim=2', kernels: ['cumsum'], run: (x) => x.cumsum(2) },
  { name: 'cumsum/dim=0', kernels: ['cumsum'], run: (x) => x.cumsum(0) },
  { name: 'cumsum/int32', kernels: ['cumsum'], run: (x) => x.cumsum(1), dtype: 'int32' },
  { name: 'cumprod/dim=1', kernels: ['cumprod'], run: (x) => x.cumprod(1) },
  { name: 'cumprod/int32', kernels: ['cumprod'], run: (x) => x.cumprod(2), dtype: 'int32' },
  { name: 'softmax/dim=2', kernels: ['softmax'], run: (x) => x.softmax(2) },
  { name: 'softmax/dim=0', kernels: ['softmax'], run: (x) => x.softmax(0) },
  { name: 'softmax/float64', kernels: ['softmax'], run: (x) => x.softmax(1), dtype: 'float64' },
  { name: 'logSoftmax/dim=1', kernels: ['logSoftmax'], run: (x) => x.logSoftmax(1) },
  { name: 'logSoftmax/dim=-1', kernels: ['logSoftmax'], run: (x) => x.logSoftmax(-1) },
  { name: 'sort/dim=-1', kernels: ['sort'], run: (x) => valuesIndices(x.sort(-1)) },
  {
    name: 'sort/dim=1-descending',
    kernels: ['sort'],
    run: (x) => valuesIndices(x.sort(1, { descending: true })),
  },
  { name: 'sort/dim=0-stable', kernels: ['sort'], run: (x) => valuesIndices(x.sort(0, { stable: true })) },
  {
    name: 'sort/int32-stable',
    kernels: ['sort'],
    run: (x) => valuesIndices(x.sort(2, { stable: true })),
    dtype: 'int32',
  },
  { name: 'argsort/dim=2', kernels: ['sort'], run: (x) => x.argsort(2, { descending: true }) },
  { name: 'topk/k=2', kernels: ['topk'], run: (x) => valuesIndices(x.topk(2)) },
  {
    name: 'topk/k=2-smallest-dim=1',
    kernels: ['topk'],
    run: (x) => valuesIndices(x.topk(2, 1, { largest: false })),
  },
];

/** Reductions (incl. the two-output max/min/sort/topk), scans and softmax over each layout. */
export function reductionCases(): ConformanceCase[] {
  return REDUCTIONS.map(({ name, kernels, dtype, run, layouts }) =>
    defineCase({
      name,
      kernels,
      inputs: (s) => [s.of(dtype ?? 'float32', SHAPE)],
      run: ([x]) => run(x!),
      ...(layouts ? { layouts } : {}),
    }),
  );
}
