import { coverage } from '@nn/tensor';
import { checkConformance, conformanceCases } from '@nn/tensor/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerGpuBackend, unregisterGpuBackend } from '../src';
import { DAWN_BACKEND, TEST_MODES } from './support/modes';

// @nn/tensor's shared backend suite, against 'gpu' on every mode under test. float32 tolerance: every
// dtype is computed in float32 on the device. Under the async contract (webgpu) a kernel without a
// device kernel cannot fall back to the CPU (that needs a synchronous read), so those cases must fail
// with that reason instead; every case runs, none is skipped.
const cases = conformanceCases();

/**
 * Whether a case can run under the async contract: a CPU fallback or a device-to-CPU move needs a
 * synchronous read, which WebGPU does not have.
 */
function runsAsync(testCase: (typeof cases)[number], table: ReturnType<typeof coverage>): boolean {
  const onDevice = (k: string) => table[k]?.gpu === 'native' || table[k]?.gpu === 'any';
  return !testCase.readsHost && testCase.kernels.every(onDevice);
}

// Kernels that accumulate many float32 products or exponentials get float32's accumulated rounding.
const ACCUMULATING = /^(matmul|conv|sum|mean|var|std|norm|logsumexp|softmax|logSoftmax|linear|addmm|einsum)/;

function toleranceOf(kernels: readonly string[]): { rtol: number; atol: number } {
  return kernels.some((k) => ACCUMULATING.test(k)) ? { rtol: 1e-4, atol: 1e-4 } : { rtol: 1e-5, atol: 1e-5 };
}

describe.each(TEST_MODES)("@nn/tensor conformance on 'gpu' (%s)", (mode) => {
  let table: ReturnType<typeof coverage> = {};

  beforeAll(async () => {
    const info = await registerGpuBackend({ mode, dawnBackend: DAWN_BACKEND });
    expect(info.mode).toBe(mode);
    table = coverage();
    // the dispatcher's one-time CPU fallback warnings are expected here
    vi.spyOn(console, 'warn').mockImplementation(() => {});
  });

  afterAll(async () => {
    vi.restoreAllMocks();
    await unregisterGpuBackend();
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_, testCase) => {
    const check = checkConformance(testCase, 'gpu', toleranceOf(testCase.kernels));
    if (mode !== 'webgpu' || runsAsync(testCase, table)) await check;
    else await expect(check).rejects.toThrow(/'gpu' reads asynchronously only/);
  });
});
