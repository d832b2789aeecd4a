import { bincount, histc, searchsorted, unique, uniqueConsecutive } from '../..';
import { type ConformanceCase, defineCase } from '../conformance-case';

/** unique, nonzero, searchsorted, bincount and histc: outputs whose sizes or positions depend on the data. */
export function countingCases(): ConformanceCase[] {
  return [
    defineCase({
      name: 'unique/int32-inverse-counts',
      kernels: ['unique'],
      inputs: (s) => [s.index([3, 4], 4)],
      run: ([x]) => unique(x!, { returnInverse: true, returnCounts: true }),
    }),
    defineCase({
      name: 'unique/dim=1',
      kernels: ['unique'],
      inputs: (s) => [s.index([2, 6], 2).float()],
      run: ([x]) => unique(x!, { dim: 1, returnInverse: true, returnCounts: true }),
    }),
    defineCase({
      name: 'uniqueConsecutive',
      kernels: ['unique'],
      inputs: (s) => [s.index([12], 2)],
      run: ([x]) => uniqueConsecutive(x!, { returnCounts: true }),
    }),
    defineCase({
      name: 'nonzero',
      kernels: ['nonzero'],
      inputs: (s) => [s.of('bool', [2, 3, 4])],
      run: ([x]) => x!.nonzero(),
    }),
    defineCase({
      name: 'searchsorted/shared',
      kernels: ['searchsorted', 'sort'],
      inputs: (s) => [s.float([7]), s.float([3, 4])],
      layouts: ['contiguous'],
      run: ([sequence, values]) => searchsorted(sequence!.sort().values, values!),
    }),
    defineCase({
      name: 'searchsorted/rows-right-sorter',
      kernels: ['searchsorted', 'sort'],
      inputs: (s) => [s.float([3, 6]), s.float([3, 4])],
      run: ([sequence, values]) =>
        searchsorted(sequence!, values!, { right: true, sorter: sequence!.argsort() }),
    }),
    defineCase({
      name: 'bincount/weights',
      kernels: ['bincount'],
      inputs: (s) => [s.index([10], 5), s.float([10])],
      relayout: [1],
      run: ([x, w]) => bincount(x!, { weights: w!, minlength: 7 }),
    }),
    defineCase({
      name: 'histc',
      kernels: ['histc'],
      inputs: (s) => [s.float([3, 5])],
      run: ([x]) => histc(x!, { bins: 4, min: -1, max: 1 }),
    }),
  ];
}
