import { checkConformance, conformanceCases } from '@nn/tensor/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerGpuBackend, unregisterGpuBackend } from '../src';
import { keepsHostValues } from '../src/backend/dtype-values';
import { DAWN_BACKEND, TEST_MODES } from './support/modes';

// @nn/tensor's shared backend suite, against 'gpu' on every mode under test. float32 tolerance: every
// dtype is computed in float32 on the device. Under the async contract (webgpu) kernels without a device
// kernel run on the CPU with their results pending on the device, but a device-to-CPU move needs a
// synchronous read, which WebGPU does not have, so those cases must fail with that reason instead, and so
// must CPU-only kernels whose output shape depends on values that stay on the device; every case runs,
// none is skipped.
const cases = conformanceCases();

/** CPU-only kernels whose output shape depends on input values (the test inputs' values are on the device). */
const VALUE_DEPENDENT_SHAPE = ['maskedSelect', 'unique', 'nonzero', 'bincount'];

/**
 * Why a case must fail under the async contract, if it must. A value-dependent kernel still runs when every
 * input keeps its exact values on the host (int32, int64 and float64 uploads do), as the CPU fallback then
 * needs no device read.
 */
function asyncFailure(testCase: (typeof cases)[number]): RegExp | undefined {
  if (testCase.readsHost) return /'gpu' reads asynchronously only/;
  if (
    testCase.kernels.some((k) => VALUE_DEPENDENT_SHAPE.includes(k)) &&
    !testCase.inputs().every((t) => keepsHostValues(t.dtype))
  )
    return /output shape depends on input values/;
  return undefined;
}

// Kernels that accumulate many float32 products or exponentials get float32's accumulated rounding.
const ACCUMULATING = /^(matmul|conv|sum|mean|var|std|norm|logsumexp|softmax|logSoftmax|linear|addmm|einsum)/;

function toleranceOf(kernels: readonly string[]): { rtol: number; atol: number } {
  return kernels.some((k) => ACCUMULATING.test(k)) ? { rtol: 1e-4, atol: 1e-4 } : { rtol: 1e-5, atol: 1e-5 };
}

describe.each(TEST_MODES)("@nn/tensor conformance on 'gpu' (%s)", (mode) => {
  beforeAll(async () => {
    const info = await registerGpuBackend({ mode, dawnBackend: DAWN_BACKEND });
    expect(info.mode).toBe(mode);
    // the dispatcher's one-time CPU fallback warnings are expected here
    vi.spyOn(console, 'warn').mockImplementation(() => {});
  });

  afterAll(async () => {
    vi.restoreAllMocks();
    await unregisterGpuBackend();
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_, testCase) => {
    const check = checkConformance(testCase, 'gpu', toleranceOf(testCase.kernels));
    const failure = mode === 'webgpu' ? asyncFailure(testCase) : undefined;
    if (!failure) await check;
    else await expect(check).rejects.toThrow(failure);
  });
});
