import { embedding, maskedFill, oneHot } from '../..';
import { type ConformanceCase, defineCase } from '../conformance-case';

const SHAPE = [2, 3, 4];

/** gather/scatter/indexSelect/indexAdd/masked ops/oneHot, with index tensors in every layout too. */
export function indexingCases(): ConformanceCase[] {
  return [
    defineCase({
      name: 'gather/dim=1',
      kernels: ['gather'],
      inputs: (s) => [s.float(SHAPE), s.index([2, 5, 4], 3)],
      run: ([x, index]) => x!.gather(1, index!),
    }),
    defineCase({
      name: 'gather/int32-dim=2-smaller-index',
      kernels: ['gather'],
      inputs: (s) => [s.of('int32', SHAPE), s.index([2, 2, 3], 4)],
      run: ([x, index]) => x!.gather(2, index!),
    }),
    defineCase({
      name: 'embedding',
      kernels: ['indexSelect', 'view'],
      inputs: (s) => [s.float([5, 4]), s.index([2, 3], 5)],
      run: ([weight, indices]) => embedding(weight!, indices!),
    }),
    defineCase({
      name: 'indexSelect/dim=1',
      kernels: ['indexSelect'],
      inputs: (s) => [s.float(SHAPE), s.index([5], 3)],
      run: ([x, index]) => x!.indexSelect(1, index!),
    }),
    defineCase({
      name: 'indexSelect/bool-dim=0',
      kernels: ['indexSelect'],
      inputs: (s) => [s.of('bool', SHAPE), s.index([3], 2)],
      run: ([x, index]) => x!.indexSelect(0, index!),
    }),
    defineCase({
      // Unique targets per lane, so overwriting is deterministic on every device.
      name: 'scatter/dim=1',
      kernels: ['scatter'],
      inputs: (s) => [s.float(SHAPE), s.permutations(SHAPE, 1), s.float(SHAPE)],
      run: ([x, index, src]) => x!.scatter(1, index!, src!),
    }),
    defineCase({
      name: 'scatter/scalar-value',
      kernels: ['scatter'],
      inputs: (s) => [s.float(SHAPE), s.permutations([2, 3, 2], 2).slice(2, 0, 2)],
      relayout: [0],
      run: ([x, index]) => x!.scatter(2, index!, 1.5),
    }),
    defineCase({
      name: 'scatter/reduce-add',
      kernels: ['scatter'],
      inputs: (s) => [s.float(SHAPE), s.index([2, 2, 4], 3), s.float([2, 2, 4])],
      run: ([x, index, src]) => x!.scatter(1, index!, src!, { reduce: 'add' }),
    }),
    defineCase({
      name: 'scatter/reduce-multiply',
      kernels: ['scatter'],
      inputs: (s) => [s.float(SHAPE), s.index([2, 3, 2], 4), s.float([2, 3, 2])],
      run: ([x, index, src]) => x!.scatter(2, index!, src!, { reduce: 'multiply' }),
    }),
    defineCase({
      name: 'scatter_/dim=0',
      kernels: ['scatter', 'copy_'],
      inputs: (s) => [s.float(SHAPE), s.permutations(SHAPE, 0), s.float(SHAPE)],
      run: ([x, index, src]) => x!.scatter_(0, index!, src!),
      inplace: 0,
    }),
    defineCase({
      name: 'scatterAdd/duplicate-targets',
      kernels: ['scatterAdd'],
      inputs: (s) => [s.float(SHAPE), s.index([2, 5, 4], 3), s.float([2, 5, 4])],
      run: ([x, index, src]) => x!.scatterAdd(1, index!, src!),
    }),
    defineCase({
      name: 'scatterAdd_/int32',
      kernels: ['scatterAdd', 'copy_'],
      inputs: (s) => [s.of('int32', SHAPE), s.index(SHAPE, 4), s.of('int32', SHAPE)],
      run: ([x, index, src]) => x!.scatterAdd_(2, index!, src!),
      inplace: 0,
    }),
    defineCase({
      name: 'indexAdd/alpha',
      kernels: ['indexAdd', 'mul'],
      inputs: (s) => [s.float(SHAPE), s.index([5], 4), s.float([2, 3, 5])],
      run: ([x, index, source]) => x!.indexAdd(2, index!, source!, { alpha: 2 }),
    }),
    defineCase({
      name: 'indexAdd_/dim=0',
      kernels: ['indexAdd', 'copy_'],
      inputs: (s) => [s.float(SHAPE), s.index([3], 2), s.float([3, 3, 4])],
      run: ([x, index, source]) => x!.indexAdd_(0, index!, source!),
      inplace: 0,
    }),
    defineCase({
      name: 'maskedSelect',
      kernels: ['maskedSelect'],
      inputs: (s) => [s.float(SHAPE), s.of('bool', SHAPE)],
      run: ([x, mask]) => x!.maskedSelect(mask!),
    }),
    defineCase({
      name: 'maskedSelect/broadcast-mask',
      kernels: ['maskedSelect'],
      inputs: (s) => [s.of('int32', SHAPE), s.of('bool', [3, 1])],
      run: ([x, mask]) => x!.maskedSelect(mask!),
    }),
    defineCase({
      name: 'maskedFill',
      kernels: ['where'],
      inputs: (s) => [s.float(SHAPE), s.of('bool', [3, 4])],
      run: ([x, mask]) => maskedFill(x!, mask!, -2),
    }),
    defineCase({
      name: 'maskedFill_',
      kernels: ['where', 'copy_'],
      inputs: (s) => [s.float(SHAPE), s.of('bool', SHAPE)],
      run: ([x, mask]) => x!.maskedFill_(mask!, 0.25),
      inplace: 0,
    }),
    defineCase({
      name: 'oneHot',
      kernels: ['oneHot'],
      inputs: (s) => [s.index([2, 3], 5)],
      run: ([indices]) => oneHot(indices!, 6),
    }),
    defineCase({
      // The class count comes from the data: the kernel finds it without a host read on the device.
      name: 'oneHot/inferred-classes',
      kernels: ['oneHot'],
      inputs: (s) => [s.index([3, 4], 5)],
      run: ([indices]) => oneHot(indices!),
    }),
  ];
}
