import { poisson } from '../..';
import { type ConformanceCase, defineCase, valuesIndices } from '../conformance-case';

const SHAPE = [2, 3, 4];

/** cummax, cummin, logcumsumexp, mode and poisson. */
export function runningCases(): ConformanceCase[] {
  return [
    defineCase({
      name: 'cummax/dim=2',
      kernels: ['cummax'],
      inputs: (s) => [s.float(SHAPE)],
      run: ([x]) => valuesIndices(x!.cummax(2)),
    }),
    defineCase({
      name: 'cummin/int32-dim=1',
      kernels: ['cummin'],
      inputs: (s) => [s.of('int32', SHAPE)],
      // Broadcast lanes tie everywhere; ties report the latest index, which is still well defined.
      run: ([x]) => valuesIndices(x!.cummin(1)),
    }),
    defineCase({
      name: 'logcumsumexp/dim=0',
      kernels: ['logcumsumexp'],
      inputs: (s) => [s.float(SHAPE)],
      run: ([x]) => x!.logcumsumexp(0),
    }),
    defineCase({
      name: 'mode/dim=2',
      kernels: ['mode'],
      inputs: (s) => [s.index(SHAPE, 3)],
      run: ([x]) => valuesIndices(x!.mode(2)),
    }),
    defineCase({
      // Zero rates give zeros whatever the stream, so every device must agree.
      name: 'poisson/zero-rates',
      kernels: ['poisson', 'mul'],
      inputs: (s) => [s.float(SHAPE)],
      run: ([x]) => poisson(x!.mul(0).abs()),
    }),
  ];
}
