import { describe, expect, it } from 'vitest';
import { conv2d, type DType, linear, matmul, type Tensor, tensor } from '../src';

// Products and convolutions take their output memory unzeroed (torch.empty), since they write every
// element. Each case here first disposes a NaN-filled tensor of the output's exact size, so the pool hands
// that memory to the op under test (float64 through the host pool, float32 through the SIMD kernels'
// resident memory), then checks the op's result against the same op run on fresh memory: an element the
// op failed to write would still be NaN.

const filled = (shape: number[], dtype: DType, seed: number) => {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: size }, (_, i) => (((i * 7919 + seed * 104729) % 211) - 105) / 64);
  return tensor(values, { dtype }).reshape(shape);
};

/** The output's memory, to see that the second run reused the poisoned tensor's. */
const memoryOf = (t: Tensor) => t.storage.data as Float32Array | Float64Array;

function expectWritesEveryElement(op: () => Tensor, dtype: DType): void {
  const fresh = op();
  const expected = Array.from(fresh.dataSync());
  const size = fresh.shape.reduce((a, b) => a * b, 1);
  // Float32 outputs go resident only in sizes disposed of before (resident-arena.ts): dispose one first.
  fresh.mul(0).dispose();
  const poison = fresh.mul(Number.NaN);
  const poisoned = memoryOf(poison);
  poison.dispose();
  const result = op();
  expect(result.dtype).toBe(dtype);
  expect(memoryOf(result).buffer).toBe(poisoned.buffer);
  expect(memoryOf(result).byteOffset).toBe(poisoned.byteOffset);
  expect(result.numel()).toBe(size);
  expect(Array.from(result.dataSync())).toEqual(expected);
}

describe.each(['float32', 'float64'] as const)('outputs written whole into recycled memory (%s)', (dtype) => {
  it('matmul, 2-D and batched', () => {
    const [a, b] = [filled([128, 40], dtype, 1), filled([40, 160], dtype, 2)];
    expectWritesEveryElement(() => matmul(a, b), dtype);
    const [p, q] = [filled([4, 64, 24], dtype, 3), filled([4, 24, 80], dtype, 4)];
    expectWritesEveryElement(() => matmul(p, q), dtype);
  });

  it('linear with and without bias', () => {
    const [x, w, bias] = [filled([130, 72], dtype, 5), filled([150, 72], dtype, 6), filled([150], dtype, 7)];
    expectWritesEveryElement(() => linear(x, w, bias), dtype);
    expectWritesEveryElement(() => linear(x, w), dtype);
  });

  it('conv2d: padded 3x3 (Winograd in float32), one input channel, strided, pointwise and grouped', () => {
    const gray = filled([8, 1, 28, 28], dtype, 15);
    expectWritesEveryElement(
      () => conv2d(gray, filled([32, 1, 3, 3], dtype, 16), undefined, { padding: 1 }),
      dtype,
    );
    const x = filled([4, 4, 30, 30], dtype, 8);
    const bias = filled([8], dtype, 9);
    expectWritesEveryElement(() => conv2d(x, filled([8, 4, 3, 3], dtype, 10), bias, { padding: 1 }), dtype);
    const wide = filled([4, 4, 60, 60], dtype, 11);
    expectWritesEveryElement(() => conv2d(wide, filled([8, 4, 3, 3], dtype, 12), bias, { stride: 2 }), dtype);
    expectWritesEveryElement(() => conv2d(x, filled([20, 4, 1, 1], dtype, 13)), dtype);
    expectWritesEveryElement(() => conv2d(x, filled([8, 2, 3, 3], dtype, 14), bias, { groups: 2 }), dtype);
  });
});
