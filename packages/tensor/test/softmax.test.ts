import { loadFixtures } from '@nn/tooling/test-utils';
import { describe, expect, it } from 'vitest';
import { arange, DTypeError, logSoftmax, softmax, type Tensor, tensor } from '../src';
import { isResident } from '../src/kernel/resident-arena';
import { checkCase, type ReductionCase } from './reduction-fixtures';

const { cases } = loadFixtures<ReductionCase>(new URL('./fixtures/softmax.jsonl', import.meta.url));

describe('softmax and logSoftmax match PyTorch', () => {
  for (const [name, c] of Object.entries(cases)) it(name, () => checkCase(name, c));
});

describe('softmax stability and errors', () => {
  it('stays finite for logits of 1e4', () => {
    const x = tensor([
      [1e4, -1e4, 0],
      [1e4, 1e4, 1e4],
    ]).float();
    for (const out of [softmax(x, 1), logSoftmax(x, 1)]) {
      expect([...out.dataSync()].every(Number.isFinite)).toBe(true);
    }
    expect(softmax(x, 1).sum(1).tolist()).toEqual([1, 1]);
  });

  it('refuses integer input and bad dims', () => {
    expect(() => arange(3).softmax(0)).toThrow(DTypeError);
    expect(() => arange(3).softmax(0)).toThrow('softmax: expected a floating point input, got int32');
    expect(() => tensor([1.5]).logSoftmax(1)).toThrow(
      'logSoftmax: dimension out of range (expected to be in range of [-1, 0], but got 1)',
    );
  });

  it('handles empty tensors', () => {
    expect(softmax(tensor([[], []]), 1).shape).toEqual([2, 0]);
  });
});

describe('float32 softmax rows in SIMD', () => {
  /**
   * Seeded logits in [-spread / 2, spread / 2) with a NaN in row 0 and -Infinity in row 1 (when there are
   * two rows). Past a spread of ~87 some e^(x - max) are subnormal or zero: the fast pass flags those rows
   * and the full-range kernel redoes them.
   */
  const logits = (rows: number, length: number, spread: number) => {
    let seed = rows * 7919 + length;
    const values = Float32Array.from({ length: rows * length }, () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return (seed / 2 ** 31 - 0.5) * spread;
    });
    values[3] = Number.NaN;
    if (rows > 1) values[length + 1] = Number.NEGATIVE_INFINITY;
    return values;
  };

  // At least 1024 elements each, the SIMD path's threshold.
  it.each([
    [512, 4, 20],
    [300, 5, 20],
    [200, 7, 20],
    [40, 1000, 20],
    [20, 1001, 20],
    [2, 16380, 20],
    [64, 17, 20],
    [40, 1000, 120],
    [64, 33, 170],
  ])(
    '%i rows of %i, spread %i: within 2 ulp of the float64 softmax, NaN rows NaN',
    (rows, length, spread) => {
      const x = tensor(logits(rows, length, spread)).reshape([rows, length]);
      const got = softmax(x, 1).dataSync();
      const reference = softmax(x.double(), 1).dataSync();
      let worst = 0;
      for (let i = 0; i < got.length; i++) {
        const want = Math.fround(reference[i]!);
        if (Number.isNaN(want)) {
          expect(got[i]).toBeNaN();
          continue;
        }
        worst = Math.max(worst, Math.abs(got[i]! - want) / Math.max(Math.abs(want) * 2 ** -23, 2 ** -149));
      }
      expect(worst).toBeLessThanOrEqual(2);
      // Row 1 holds -Infinity and finite values: finite probabilities summing to 1.
      if (rows > 1) {
        const row = Array.from(got.subarray(length, 2 * length));
        expect(row[1]).toBe(0);
        expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      }
    },
  );

  it('computes resident rows in cache-sized passes to the bits of rows copied through the scratch', () => {
    // 300 rows of 1000 floats: ~10 passes in place; spread 120 makes some rows redo in full range.
    const x = tensor(logits(300, 1000, 120)).reshape([300, 1000]);
    const inWasmMemory = (t: Tensor) => isResident(t.storage.data);
    const copied = softmax(x, 1);
    expect(inWasmMemory(copied)).toBe(false); // no array of this size was disposed before
    const expected = Array.from(copied.dataSync());
    softmax(x, 1).dispose(); // now the next output of this size lives in the kernels' memory, beside x
    const resident = softmax(x, 1);
    expect([inWasmMemory(x), inWasmMemory(resident)]).toEqual([true, true]);
    const got = resident.dataSync();
    expect(expected.findIndex((value, i) => !Object.is(value, got[i]))).toBe(-1); // the first differing element
  });

  it('reads rows from a view starting inside its memory, as from a copy', () => {
    const x = tensor(logits(41, 1000, 20))
      .reshape([41, 1000])
      .narrow(0, 1, 40);
    expect(Array.from(softmax(x, 1).dataSync())).toEqual(Array.from(softmax(x.clone(), 1).dataSync()));
  });
});
