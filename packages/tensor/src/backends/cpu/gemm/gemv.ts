import { accumulatesInOutputType } from './engine-for';
import { kBlockDepth } from './multiply';
import type { GemmParams } from './types';

// A one-row product `c = a @ B` (batch-1 inference through a Linear layer) without the GEMM's packing:
// the blocked driver pads the row to a whole register tile and repacks all of B on every call, which
// cost 64% of a [1,784]x[784,128] product. Here four output columns accumulate side by side straight
// from B's strided storage, in the WebAssembly float32 kernel's exact order and rounding (each product
// and sum rounded; k in the same blocks, each block's sum added to the previous ones), so the results
// are bit-identical to the blocked path's.

/** Whether {@link gemv} computes `params` with the blocked GEMM's bits: one float32 row, plain alpha/beta, no bias. */
export function gemvApplies(params: GemmParams & { batch?: number }): boolean {
  const { m, c, alpha = 1, beta = 0, rowBias, colBias, batch = 1 } = params;
  return (
    m === 1 &&
    batch === 1 &&
    alpha === 1 &&
    beta === 0 &&
    !rowBias &&
    !colBias &&
    c.data instanceof Float32Array &&
    accumulatesInOutputType(c.data)
  );
}

const f = Math.fround;

/** `c[0, :] = a[0, :] @ B` for a float32 product {@link gemvApplies} accepts. */
export function gemv({ n, k, a, b, c }: GemmParams): void {
  const { data: x, offset: xAt, colStride: xStep } = a;
  const { data: w, offset: wAt, rowStride: wRow, colStride: wCol } = b;
  const out = c.data;
  const kc = kBlockDepth(k);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    let c0 = 0;
    let c1 = 0;
    let c2 = 0;
    let c3 = 0;
    for (let p0 = 0; p0 < k; p0 += kc) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let q = wAt + p0 * wRow + j * wCol;
      let xp = xAt + p0 * xStep;
      for (let p = p0, end = Math.min(k, p0 + kc); p < end; p++, q += wRow, xp += xStep) {
        const xv = x[xp] as number;
        s0 = f(s0 + f(xv * (w[q] as number)));
        s1 = f(s1 + f(xv * (w[q + wCol] as number)));
        s2 = f(s2 + f(xv * (w[q + 2 * wCol] as number)));
        s3 = f(s3 + f(xv * (w[q + 3 * wCol] as number)));
      }
      // The first block is stored, later ones added to it.
      if (p0 === 0) [c0, c1, c2, c3] = [s0, s1, s2, s3];
      else [c0, c1, c2, c3] = [f(c0 + s0), f(c1 + s1), f(c2 + s2), f(c3 + s3)];
    }
    const o = c.offset + j;
    out[o] = c0;
    out[o + 1] = c1;
    out[o + 2] = c2;
    out[o + 3] = c3;
  }
  for (; j < n; j++) {
    let cj = 0;
    for (let p0 = 0; p0 < k; p0 += kc) {
      let s = 0;
      for (let p = p0, end = Math.min(k, p0 + kc); p < end; p++) {
        s = f(s + f((x[xAt + p * xStep] as number) * (w[wAt + p * wRow + j * wCol] as number)));
      }
      cj = p0 === 0 ? s : f(cj + s);
    }
    out[c.offset + j] = cj;
  }
}
