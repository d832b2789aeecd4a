import { describe, expect, it } from 'vitest';
import { linear, linspace, manualSeed, matmul, randn } from '../src';
import { gemm } from '../src/backends/cpu/gemm/batched-gemm';
import { gemvApplies } from '../src/backends/cpu/gemm/gemv';

// One-row float32 products skip the blocked GEMM's packing (gemv.ts) yet must give its exact bits: row 0
// of a two-row product (which takes the blocked path) is the reference.

const bits = (values: ArrayLike<number>) => Buffer.from(Float32Array.from(values).buffer).toString('hex');

describe('one-row float32 products (gemv)', () => {
  // k across the 256-deep block boundary (784: four blocks of 196), n not a multiple of 4.
  for (const [k, n] of [
    [1, 1],
    [7, 5],
    [257, 130],
    [784, 128],
    [1000, 3],
  ] as const) {
    it(`[1,${k}] @ [${k},${n}] equals the blocked GEMM's row bit for bit, B plain, transposed and sliced, with and without a bias`, () => {
      manualSeed(k * 31 + n);
      const x = randn([1, k]).mul(3);
      const w = randn([n, k]); // a Linear weight: B = w.t() is strided
      const b = randn([k, n]);
      // A weight whose rows are not back to back (a slice of a wider one): B's columns strided apart.
      const sliced = randn([n, k + 3]).narrow(1, 0, k);
      for (const right of [w.t(), b, sliced.t()]) {
        const one = matmul(x, right).dataSync();
        const two = matmul(x.expand([2, k]).contiguous(), right)
          .select(0, 0)
          .dataSync();
        expect(bits(one)).toBe(bits(two));
      }
      // A Linear layer's product with its bias, which the blocked kernel adds as it stores the first k block.
      const bias = randn([n]);
      const one = linear(x, w, bias).dataSync();
      const two = linear(x.expand([2, k]).contiguous(), w, bias)
        .select(0, 0)
        .dataSync();
      expect(bits(one)).toBe(bits(two));
    });
  }

  it('is taken only where its arithmetic is the blocked path’s', () => {
    const operand = { data: new Float32Array(4), offset: 0, rowStride: 2, colStride: 1 };
    const c = { data: new Float32Array(2), offset: 0, rowStride: 2 };
    const params = { m: 1, n: 2, k: 2, a: operand, b: operand, c };
    expect(gemvApplies(params)).toBe(true);
    expect(gemvApplies({ ...params, m: 2 })).toBe(false);
    expect(gemvApplies({ ...params, alpha: 2 })).toBe(false);
    expect(gemvApplies({ ...params, beta: 1 })).toBe(false);
    expect(gemvApplies({ ...params, colBias: { data: new Float32Array(2), offset: 0 } })).toBe(true);
    expect(gemvApplies({ ...params, rowBias: { data: new Float32Array(1), offset: 0 } })).toBe(false);
    expect(gemvApplies({ ...params, c: { ...c, data: new Float64Array(2) } })).toBe(false);
  });

  it('writes only its row of C, at the output offset', () => {
    const x = linspace(-1, 1, 6).dataSync() as Float32Array;
    const out = new Float32Array(10).fill(7);
    gemm({
      m: 1,
      n: 2,
      k: 3,
      a: { data: x, offset: 3, rowStride: 3, colStride: 1 },
      b: { data: x, offset: 0, rowStride: 2, colStride: 1 },
      c: { data: out, offset: 4, rowStride: 2 },
    });
    const [a, b] = [x.subarray(3, 6), x];
    const expected = [0, 1].map((j) =>
      Math.fround(
        Math.fround(Math.fround(a[0]! * b[j]!) + Math.fround(a[1]! * b[2 + j]!)) +
          Math.fround(a[2]! * b[4 + j]!),
      ),
    );
    expect([...out]).toEqual([7, 7, 7, 7, ...expected, 7, 7, 7, 7]);
  });
});
