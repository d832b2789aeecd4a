import { adaptiveMaxPool2dWithIndices, fold, unfold } from '../..';
import { type ConformanceCase, defineCase, valuesIndices } from '../conformance-case';

/** Adaptive max pooling and the sliding-block pair (F.unfold / F.fold). */
export function spatialCases(): ConformanceCase[] {
  return [
    defineCase({
      name: 'adaptiveMaxPool2d/uneven-windows',
      kernels: ['adaptiveMaxPool2d'],
      inputs: (s) => [s.float([2, 3, 7, 9])],
      run: ([x]) => valuesIndices(adaptiveMaxPool2dWithIndices(x!, [3, 4])),
    }),
    defineCase({
      name: 'adaptiveMaxPool2d/upsampling-unbatched-float64',
      kernels: ['adaptiveMaxPool2d'],
      inputs: (s) => [s.of('float64', [3, 4, 5])],
      run: ([x]) => valuesIndices(adaptiveMaxPool2dWithIndices(x!, [6, null])),
    }),
    defineCase({
      name: 'im2col/stride-padding-dilation',
      kernels: ['im2col'],
      inputs: (s) => [s.float([2, 3, 7, 8])],
      run: ([x]) => unfold(x!, [3, 2], { stride: [2, 1], padding: 1, dilation: [1, 2] }),
    }),
    defineCase({
      name: 'col2im/overlapping-float64',
      kernels: ['col2im'],
      inputs: (s) => [s.of('float64', [2, 12, 30])],
      run: ([x]) => fold(x!, [5, 6], 2, { padding: [1, 0] }),
    }),
  ];
}
