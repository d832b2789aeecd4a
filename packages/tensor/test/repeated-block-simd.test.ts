import { describe, expect, it } from 'vitest';
import { tensor, where } from '../src';
import { repeatedBlockSize } from '../src/backends/cpu/strided-loop';

// A float32 operand broadcast along leading dims only (a bias row over a batch) repeats one block of
// values; the SIMD kernels take it as a dense stream with the block tiled once into its slot and chunks
// of whole blocks (backends/cpu/simd/elementwise.ts). Every result must have the JS loop's bits.

const bitsOf = (values: ArrayLike<number>) => Array.from(new Uint32Array(Float32Array.from(values).buffer));
const f32 = Math.fround;

/** A [rows, cols] matrix and a [cols] row of awkward float32 values (-0, NaN, subnormals, large). */
function operands(rows: number, cols: number) {
  const matrix = new Float32Array(rows * cols);
  const row = new Float32Array(cols);
  for (let i = 0; i < matrix.length; i++) matrix[i] = i % 97 === 0 ? -0 : Math.sin(i) * 10 ** ((i % 9) - 4);
  for (let j = 0; j < cols; j++) row[j] = j % 13 === 0 ? Number.NaN : j % 17 === 0 ? 1e-40 : Math.cos(j) * 3;
  return { matrix, row };
}

describe('elementwise ops with an operand repeated over the leading dims', () => {
  // 3000 does not divide the 16384-value chunk: chunks hold 5 whole rows; 7 rows span two chunks.
  for (const [rows, cols] of [
    [7, 3000],
    [256, 128],
    [3, 16384],
  ] as const) {
    const { matrix, row } = operands(rows, cols);
    const expected = (f: (a: number, b: number) => number) =>
      Array.from(matrix, (v, i) => f32(f(v, row[i % cols]!)));

    it(`adds, subtracts, multiplies and divides a [${cols}] row into [${rows}, ${cols}] on either side`, () => {
      const m = tensor(matrix).reshape([rows, cols]);
      const r = tensor(row);
      expect(bitsOf(m.add(r).dataSync())).toEqual(bitsOf(expected((a, b) => a + b)));
      expect(bitsOf(r.sub(m).dataSync())).toEqual(bitsOf(expected((a, b) => b - a)));
      expect(bitsOf(m.mul(r).dataSync())).toEqual(bitsOf(expected((a, b) => a * b)));
      expect(bitsOf(r.div(m).dataSync())).toEqual(bitsOf(expected((a, b) => b / a)));
    });
  }

  it('compares against a repeated row and picks through where', () => {
    const { matrix, row } = operands(9, 2500);
    const m = tensor(matrix).reshape([9, 2500]);
    const r = tensor(row);
    const greater = m.gt(r);
    const expectedGreater = Array.from(matrix, (v, i) => (v > row[i % 2500]! ? 1 : 0));
    expect(Array.from(greater.dataSync())).toEqual(expectedGreater);
    const picked = where(greater, r, m).dataSync();
    expect(bitsOf(picked)).toEqual(
      bitsOf(Array.from(matrix, (v, i) => (expectedGreater[i] ? row[i % 2500]! : v))),
    );
  });

  it('repeats a multi-dim block over two leading dims, and writes in place', () => {
    const { matrix, row } = operands(2 * 3, 40 * 50);
    const m = tensor(matrix).reshape([2, 3, 40, 50]);
    const block = tensor(row).reshape([1, 40, 50]);
    const expected = Array.from(matrix, (v, i) => f32(v + row[i % 2000]!));
    expect(bitsOf(m.add(block).dataSync())).toEqual(bitsOf(expected));
    const target = tensor(matrix.slice()).reshape([2, 3, 40, 50]);
    target.add_(block);
    expect(bitsOf(target.dataSync())).toEqual(bitsOf(expected));
  });

  it('leaves other broadcasts to the strided loop with the same values (a column, a block past a chunk)', () => {
    const { matrix } = operands(64, 200);
    const column = Float32Array.from({ length: 64 }, (_, i) => i / 3);
    const byColumn = tensor(matrix)
      .reshape([64, 200])
      .add(tensor(column).reshape([64, 1]));
    expect(bitsOf(byColumn.dataSync())).toEqual(
      bitsOf(Array.from(matrix, (v, i) => f32(v + column[Math.floor(i / 200)]!))),
    );
    const wide = operands(2, 20000);
    const big = tensor(wide.matrix).reshape([2, 20000]).add(tensor(wide.row));
    expect(bitsOf(big.dataSync())).toEqual(
      bitsOf(Array.from(wide.matrix, (v, i) => f32(v + wide.row[i % 20000]!))),
    );
  });

  it('finds the repeated block of a layout', () => {
    expect(repeatedBlockSize([0, 1], [256, 128])).toBe(128);
    expect(repeatedBlockSize([0, 0, 50, 1], [2, 3, 40, 50])).toBe(2000);
    expect(repeatedBlockSize([128, 1], [256, 128])).toBe(256 * 128); // contiguous: one block
    expect(repeatedBlockSize([0, 0], [4, 5])).toBe(1); // a single value
    expect(repeatedBlockSize([1, 0], [64, 200])).toBeUndefined(); // a column repeats each value
    expect(repeatedBlockSize([0, 2], [4, 5])).toBeUndefined(); // strided block
  });
});
