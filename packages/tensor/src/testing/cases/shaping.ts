import { cat, pad, stack } from '../..';
import { type ConformanceCase, defineCase } from '../conformance-case';

const SHAPE = [2, 3, 4];

/** Copying shape ops: cat/stack (with promotion), pad in each mode, flip, roll, repeat, tile, tril/triu. */
export function shapingCases(): ConformanceCase[] {
  return [
    defineCase({
      name: 'cat/dim=1',
      kernels: ['cat'],
      inputs: (s) => [s.float(SHAPE), s.float([2, 1, 4]), s.float([2, 2, 4])],
      run: (inputs) => cat(inputs, 1),
    }),
    defineCase({
      name: 'cat/promotes-int32-and-float32',
      kernels: ['cat'],
      inputs: (s) => [s.of('int32', SHAPE), s.float(SHAPE)],
      run: (inputs) => cat(inputs, 2),
    }),
    defineCase({
      name: 'stack/dim=-1',
      kernels: ['cat'],
      inputs: (s) => [s.of('bool', SHAPE), s.of('bool', SHAPE)],
      run: (inputs) => stack(inputs, -1),
    }),
    defineCase({
      name: 'pad/constant',
      kernels: ['pad'],
      inputs: (s) => [s.float(SHAPE)],
      run: ([x]) => pad(x!, [1, 2, 0, 1], 'constant', 0.5),
    }),
    defineCase({
      name: 'pad/constant-crop',
      kernels: ['pad'],
      inputs: (s) => [s.of('int32', SHAPE)],
      run: ([x]) => pad(x!, [-1, 2, 1, -1], 'constant', 7),
    }),
    defineCase({
      name: 'pad/reflect',
      kernels: ['pad'],
      inputs: (s) => [s.float(SHAPE)],
      run: ([x]) => pad(x!, [2, 3, 1, 2], 'reflect'),
    }),
    defineCase({
      name: 'pad/replicate',
      kernels: ['pad'],
      inputs: (s) => [s.float(SHAPE)],
      run: ([x]) => pad(x!, [3, 1, 2, 2], 'replicate'),
    }),
    defineCase({
      name: 'pad/circular',
      kernels: ['pad'],
      inputs: (s) => [s.float(SHAPE)],
      run: ([x]) => pad(x!, [-1, 2, 1, 2], 'circular'),
    }),
    defineCase({
      name: 'flip/dims=[0,2]',
      kernels: ['flip'],
      inputs: (s) => [s.float(SHAPE)],
      run: ([x]) => x!.flip(0, 2),
    }),
    defineCase({
      name: 'flip/int32-dim=1',
      kernels: ['flip'],
      inputs: (s) => [s.of('int32', SHAPE)],
      run: ([x]) => x!.flip(1),
    }),
    defineCase({
      name: 'roll',
      kernels: ['cat', 'slice'],
      inputs: (s) => [s.float(SHAPE)],
      run: ([x]) => x!.roll([1, -3], [1, 2]),
    }),
    defineCase({
      name: 'repeat',
      kernels: ['clone', 'expand'],
      inputs: (s) => [s.float(SHAPE)],
      run: ([x]) => x!.repeat(2, 1, 2, 1),
    }),
    defineCase({
      name: 'tile',
      kernels: ['clone', 'expand'],
      inputs: (s) => [s.of('int32', SHAPE)],
      run: ([x]) => x!.tile(3, 1),
    }),
    defineCase({
      name: 'tril',
      kernels: ['where'],
      inputs: (s) => [s.float(SHAPE)],
      run: ([x]) => x!.tril(1),
    }),
    defineCase({
      name: 'triu',
      kernels: ['where'],
      inputs: (s) => [s.float(SHAPE)],
      run: ([x]) => x!.triu(-1),
    }),
  ];
}
