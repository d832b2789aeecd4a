import { coverage, type Tensor } from '..';
import { type ConformanceTolerance, compareOutput, compareValues } from './compare';
import type { ConformanceCase } from './conformance-case';
import { ConformanceError } from './conformance-error';
import { countHostReads } from './host-reads';
import { prepareInputs } from './layouts';

const EXACT = { rtol: 0, atol: 0 };

function outputsOf(result: Tensor | readonly Tensor[]): readonly Tensor[] {
  return Array.isArray(result) ? result : [result as Tensor];
}

/**
 * Whether the case must run without reading device memory on the host: always for views; for other
 * ops when every kernel it exercises is native on the device (a kernel missing there runs on the CPU,
 * which reads by design).
 */
function forbidsHostReads(testCase: ConformanceCase, device: string): boolean {
  if (testCase.readsHost) return false;
  if (testCase.view) return true;
  const table = coverage();
  return testCase.kernels.every((k) => table[k]?.[device] === 'native');
}

/**
 * Runs `testCase` on `device` in each of its layouts and checks it against the CPU backend on
 * contiguous inputs: same number of outputs, each on `device` with the reference's dtype, shape and
 * values (floats within `tolerance`, default rtol 1e-5 / atol 1e-6; ints and bools exactly, NaN equal
 * to NaN). Also checks that inputs other than the in-place target are unchanged, that memory around
 * sliced inputs is untouched, that views share their input's storage, and that the op reads no device
 * memory on the host. Values are read with `await data()`, so devices that only read asynchronously
 * work. Throws a {@link ConformanceError} naming the case, layout, device and first differences.
 *
 * @example
 * for (const c of conformanceCases()) it(c.name, () => checkConformance(c, 'gpu', { rtol: 1e-4 }));
 */
export async function checkConformance(
  testCase: ConformanceCase,
  device: string,
  tolerance: ConformanceTolerance = {},
): Promise<void> {
  const tol = { rtol: tolerance.rtol ?? 1e-5, atol: tolerance.atol ?? 1e-6 };
  const strictReads = forbidsHostReads(testCase, device);
  for (const layout of testCase.layouts) {
    const inputs = prepareInputs(testCase.inputs(), layout, device, testCase.relayout, testCase.inplace);
    if (layout !== 'contiguous' && !inputs.relaid) continue;
    const label = `${testCase.name} [${layout} inputs] on '${device}'`;
    const before = inputs.reference.map((t) => t.dataSync());
    const expected = outputsOf(testCase.run(inputs.reference, 'cpu'));
    let run: { result: readonly Tensor[]; reads: number };
    try {
      run = countHostReads(device, () => outputsOf(testCase.run(inputs.onDevice, device)));
    } catch (error) {
      throw new ConformanceError(label, `the op threw where the CPU reference did not: ${String(error)}`);
    }
    if (strictReads && run.reads > 0) {
      throw new ConformanceError(
        label,
        `the op read device memory on the host ${run.reads} time(s); ops must keep device data resident`,
      );
    }
    if (run.result.length !== expected.length) {
      throw new ConformanceError(label, `returned ${run.result.length} outputs, expected ${expected.length}`);
    }
    for (const [i, actual] of run.result.entries()) {
      await compareOutput(`${label} output ${i}`, actual, expected[i]!, device, tol);
      if (testCase.view && actual.storage !== inputs.onDevice[0]!.storage) {
        throw new ConformanceError(
          `${label} output ${i}`,
          'a view must share its input storage, but got a copy',
        );
      }
    }
    for (const [i, input] of inputs.onDevice.entries()) {
      if (i === testCase.inplace) continue;
      compareValues(
        `${label} input ${i} (must not change)`,
        await input.data(),
        before[i]!,
        input.dtype,
        EXACT,
      );
    }
    for (const guard of inputs.guards) {
      const hidden = await guard.parent.slice(-1, 0, undefined, 2).data();
      compareValues(
        `${label} input ${guard.input} (memory between the sliced elements)`,
        hidden,
        guard.filler,
        guard.parent.dtype,
        EXACT,
      );
    }
  }
}
