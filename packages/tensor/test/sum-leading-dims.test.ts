import { describe, expect, it } from 'vitest';
import { tensor } from '../src';

// A float sum over the leading dims of a contiguous tensor (a bias gradient summing a batch) adds rows
// side by side into float64 accumulators (backends/cpu/reduce.ts) instead of walking one column per
// output. Each output must still be the float64 sum of its column in row order, from +0, then rounded.

/** The fold's result: per column, 0 + v0 + v1 + ... in float64, rounded to the output's type. */
function columnSums(values: ArrayLike<number>, rows: number, cols: number, round: (v: number) => number) {
  return Array.from({ length: cols }, (_, c) => {
    let acc = 0;
    for (let r = 0; r < rows; r++) acc += values[r * cols + c]!;
    return round(acc);
  });
}

const bits = (values: ArrayLike<number>) => Array.from(values, (v) => (Object.is(v, -0) ? '-0' : String(v)));

describe('sum over leading dims', () => {
  // Rows not a multiple of 4 (the tail rows), a column of -0 (sums to +0), NaN, infinities, and values
  // whose float64 sum order matters once rounded to float32.
  const rows = 67;
  const cols = 13;
  const values = Array.from({ length: rows * cols }, (_, i) => {
    const c = i % cols;
    if (c === 0) return -0;
    if (c === 1 && i === 40 * cols + 1) return Number.NaN;
    if (c === 2 && i === 3 * cols + 2) return Number.POSITIVE_INFINITY;
    return Math.fround(Math.sin(i) * 10 ** ((i % 7) - 3));
  });

  it('float32: the float64 column sums in row order, rounded once', () => {
    const got = tensor(Float32Array.from(values)).reshape([rows, cols]).sum(0);
    expect(got.shape).toEqual([cols]);
    expect(bits(got.dataSync())).toEqual(bits(columnSums(values, rows, cols, Math.fround)));
  });

  it('float64, keepdim, and two leading dims merged into one walk', () => {
    const x = tensor(Float64Array.from(values)).reshape([rows, cols]);
    expect(bits(x.sum(0, { keepdim: true }).dataSync())).toEqual(
      bits(columnSums(values, rows, cols, (v) => v)),
    );
    const four = values.slice(0, 4 * 5 * 6);
    const y = tensor(Float32Array.from(four)).reshape([4, 5, 6]).sum([0, 1]);
    expect(bits(y.dataSync())).toEqual(bits(columnSums(four, 20, 6, Math.fround)));
  });

  it('sums a column slice side by side and every other column through the fold, alike', () => {
    const wide = tensor(Float32Array.from(values)).reshape([rows, cols]);
    const all = columnSums(values, rows, cols, Math.fround);
    expect(bits(wide.slice(1, 1, 9).sum(0).dataSync())).toEqual(bits(all.slice(1, 9)));
    expect(bits(wide.slice(1, 0, cols, 2).sum(0).dataSync())).toEqual(
      bits(all.filter((_, c) => c % 2 === 0)),
    );
  });
});
