import type { Tensor } from '@nn/tensor';
import { expect } from 'vitest';

/** Values of a tensor on any device, as plain numbers (the async read works on every mode). */
export async function values(t: Tensor): Promise<number[]> {
  return Array.from(await t.data(), Number);
}

/**
 * Checks that `op` gives the same result on `'gpu'` as on the CPU: same shape and dtype, values within
 * float32 tolerance (`|gpu - cpu| <= atol + rtol * |cpu|`), integers and bools exactly. Inputs are CPU
 * tensors, moved to `'gpu'` for the device run.
 */
export async function expectSameAsCpu(
  op: (...inputs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  tolerance: { rtol?: number; atol?: number } = {},
): Promise<void> {
  const { rtol = 1e-5, atol = 1e-6 } = tolerance;
  const expected = op(...inputs);
  const actual = op(...inputs.map((t) => t.to('gpu')));
  expect(actual.device).toBe('gpu');
  expect(actual.shape).toEqual(expected.shape);
  expect(actual.dtype).toBe(expected.dtype);
  const want = await values(expected);
  const got = await values(actual);
  if (expected.dtype === 'int32' || expected.dtype === 'bool') {
    expect(got).toEqual(want);
    return;
  }
  want.forEach((w, i) => {
    const g = got[i]!;
    if (Number.isNaN(w)) expect(g, `element ${i}`).toBeNaN();
    else if (!Number.isFinite(w)) expect(g, `element ${i}`).toBe(w);
    else
      expect(Math.abs(g - w), `element ${i}: gpu ${g} vs cpu ${w}`).toBeLessThanOrEqual(
        atol + rtol * Math.abs(w),
      );
  });
}

/** Checks that a device's loss per training step matches the CPU's within float32 tolerance. */
export function expectSameLosses(label: string, got: readonly number[], cpu: readonly number[]): void {
  expect(got, label).toHaveLength(cpu.length);
  cpu.forEach((want, step) => {
    expect(
      Math.abs(got[step]! - want),
      `${label} step ${step}: ${got[step]} vs cpu ${want}`,
    ).toBeLessThanOrEqual(1e-4 * Math.abs(want) + 1e-5);
  });
}
