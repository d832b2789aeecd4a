import type { FloatArray } from './types';

/** Tile sizes of the pure-JS micro-kernel: 4x4 keeps all 16 accumulators in registers. */
export const JS_MR = 4;
export const JS_NR = 4;

/**
 * Macro-kernel over packed panels (element indices into `v`): for each of `jTiles` B panels and each of
 * `iTiles` A panels, accumulates the `4x4` product over `|kc|` steps into the accumulator tile at
 * `c + it * 4 * ldc + jt * 4` — added to it, or, when `kc < 0` (the first k block, so accumulators need
 * no zeroing), stored plus the row and column biases at `v[rowBias + i]` and `v[colBias + j]` (block
 * relative). The B panel stays in L1 across the inner loop over A panels.
 */
export function jsTiles(
  v: FloatArray,
  a: number,
  b: number,
  c: number,
  kc: number,
  iTiles: number,
  jTiles: number,
  aPanel: number,
  bPanel: number,
  ldc: number,
  rowBias: number,
  colBias: number,
): void {
  const keep = kc > 0;
  kc = Math.abs(kc);
  for (let jt = 0; jt < jTiles; jt++) {
    for (let it = 0; it < iTiles; it++) {
      let ap = a + it * aPanel;
      let bp = b + jt * bPanel;
      // biome-ignore format: the 4x4 register tile reads best as a grid
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0,
        c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let p = 0; p < kc; p++, ap += 4, bp += 4) {
        const a0 = v[ap] as number;
        const a1 = v[ap + 1] as number;
        const a2 = v[ap + 2] as number;
        const a3 = v[ap + 3] as number;
        const b0 = v[bp] as number;
        const b1 = v[bp + 1] as number;
        const b2 = v[bp + 2] as number;
        const b3 = v[bp + 3] as number;
        c00 += a0 * b0;
        c01 += a0 * b1;
        c02 += a0 * b2;
        c03 += a0 * b3;
        c10 += a1 * b0;
        c11 += a1 * b1;
        c12 += a1 * b2;
        c13 += a1 * b3;
        c20 += a2 * b0;
        c21 += a2 * b1;
        c22 += a2 * b2;
        c23 += a2 * b3;
        c30 += a3 * b0;
        c31 += a3 * b1;
        c32 += a3 * b2;
        c33 += a3 * b3;
      }
      const o = c + it * 4 * ldc + jt * 4;
      const rb = rowBias + it * 4;
      const cb = colBias + jt * 4;
      storeRow(v, o, keep, rb, cb, c00, c01, c02, c03);
      storeRow(v, o + ldc, keep, rb + 1, cb, c10, c11, c12, c13);
      storeRow(v, o + 2 * ldc, keep, rb + 2, cb, c20, c21, c22, c23);
      storeRow(v, o + 3 * ldc, keep, rb + 3, cb, c30, c31, c32, c33);
    }
  }
}

/**
 * Adds four accumulators to `v[o..o+3]` (keep), or stores them plus row bias `v[rb]` and column biases
 * `v[cb..cb+3]`; storing never reads the stale tile, even NaN.
 */
function storeRow(
  v: FloatArray,
  o: number,
  keep: boolean,
  rb: number,
  cb: number,
  x0: number,
  x1: number,
  x2: number,
  x3: number,
): void {
  const base = keep ? o : cb;
  const row = keep ? 0 : (v[rb] as number);
  v[o] = x0 + row + (v[base] as number);
  v[o + 1] = x1 + row + (v[base + 1] as number);
  v[o + 2] = x2 + row + (v[base + 2] as number);
  v[o + 3] = x3 + row + (v[base + 3] as number);
}
