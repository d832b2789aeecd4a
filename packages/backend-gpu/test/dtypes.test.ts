import { DTypeError, tensor } from '@nn/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerGpuBackend, unregisterGpuBackend } from '../src';
import { DAWN_BACKEND, TEST_MODES } from './support/modes';

describe.each(TEST_MODES)("the new dtypes on the 'gpu' backend (%s)", (mode) => {
  beforeAll(async () => {
    await registerGpuBackend({ mode, dawnBackend: DAWN_BACKEND });
  });
  afterAll(async () => {
    await unregisterGpuBackend();
  });

  it('holds int64 as it holds int32: integer sums are int64 (as torch), int64 tensors move and compute', async () => {
    const x = tensor([3, 4, 5]).to('gpu');
    const total = x.sum();
    expect(total.dtype).toBe('int64');
    expect(total.device).toBe('gpu');
    expect(await total.dataBigInt()).toEqual(BigInt64Array.of(12n));
    // uploaded values read back exactly; device arithmetic is float32, exact to 2^24 as for int32
    const ids = tensor([2n ** 40n, 7n]).to('gpu');
    expect(await ids.dataBigInt()).toEqual(BigInt64Array.of(2n ** 40n, 7n));
    const small = tensor([1000n, -7n]).to('gpu');
    const out = small.mul(small).add(tensor([1n]).to('gpu'));
    expect(out.dtype).toBe('int64');
    expect(await out.data()).toEqual(Float64Array.of(1_000_001, 50));
  });

  it('refuses uint8, int8, int16, float16 and bfloat16 with the conversion to make, never other numbers', () => {
    const pixels = tensor(new Uint8Array([0, 255]));
    expect(() => pixels.to('gpu')).toThrow(DTypeError);
    expect(() => pixels.to('gpu')).toThrow(
      'gpu devices hold float32, float64, int32, int64, bool tensors, not uint8',
    );
    expect(() => tensor([1.5]).half().to('gpu')).toThrow('convert with .float() first');
    expect(() => tensor([1, 2]).to('gpu').byte()).toThrow(DTypeError);
  });
});
