import { type DType, runKernel } from '../..';
import { type ConformanceCase, defineCase } from '../conformance-case';

const SHAPE = [2, 3, 4];
const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];

/** Dtype conversion between every pair, copies, in-place copies and fills, and moving between devices. */
export function memoryCases(): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  for (const from of DTYPES) {
    for (const to of DTYPES) {
      if (from !== to) {
        cases.push(
          defineCase({
            name: `cast/${from}-to-${to}`,
            kernels: ['cast'],
            inputs: (s) => [s.of(from, SHAPE)],
            run: ([x]) => x!.to(to),
          }),
        );
      }
    }
    cases.push(
      defineCase({
        name: `clone/${from}`,
        kernels: ['clone'],
        inputs: (s) => [s.of(from, SHAPE)],
        run: ([x]) => x!.clone(),
      }),
      defineCase({
        name: `fill_/${from}`,
        kernels: ['clone', 'copy_'],
        inputs: (s) => [s.of(from, SHAPE)],
        run: ([x]) => x!.fill_(from === 'bool' ? true : 3),
        inplace: 0,
      }),
    );
  }
  cases.push(
    defineCase({
      name: 'contiguous',
      kernels: ['clone'],
      inputs: (s) => [s.float(SHAPE)],
      run: ([x]) => x!.contiguous(),
    }),
    defineCase({
      name: 'copy_/cast-and-broadcast',
      kernels: ['clone', 'copy_'],
      inputs: (s) => [s.float(SHAPE), s.of('int32', [3, 4])],
      run: ([target, source]) => target!.copy_(source!),
      inplace: 0,
    }),
    defineCase({
      name: 'zero_/through-a-view',
      kernels: ['clone', 'copy_'],
      inputs: (s) => [s.float(SHAPE)],
      run: ([x]) => {
        x!.select(1, 1).zero_();
        return x!;
      },
      inplace: 0,
    }),
    defineCase({
      // Calls the kernel directly: `x.to(device)` skips it when the tensor is already there.
      name: 'toDevice/round-trip-through-cpu',
      kernels: ['toDevice'],
      inputs: (s) => [s.float(SHAPE)],
      run: ([x], device) =>
        runKernel('toDevice', [runKernel('toDevice', [x!], { device: 'cpu' })], { device }),
      readsHost: true,
    }),
  );
  return cases;
}
