import { MEMORY_BYTES, simdKernels } from '../simd/module';
import { residentWeight } from '../simd/weight-cache';
import { accumulatesInOutputType } from './engine-for';
import { kBlockDepth } from './multiply';
import type { BiasVector, GemmParams } from './types';

// A one-row product `c = a @ B` (batch-1 inference through a Linear layer) without the GEMM's packing:
// the blocked driver pads the row to a whole register tile and repacks all of B on every call, which
// cost 64% of a [1,784]x[784,128] product. Here four output columns accumulate side by side straight
// from B's strided storage, in the WebAssembly float32 kernel's exact order and rounding (each product
// and sum rounded; k in the same blocks, each block's sum added to the previous ones), so the results
// are bit-identical to the blocked path's.

/**
 * Whether {@link gemv} computes `params` with the blocked GEMM's bits: one float32 row, plain alpha/beta,
 * no row bias (a column bias is added to the first k block's sums, as the blocked kernel stores them).
 */
export function gemvApplies(params: GemmParams & { batch?: number }): boolean {
  const { m, c, alpha = 1, beta = 0, rowBias, batch = 1 } = params;
  return (
    m === 1 &&
    batch === 1 &&
    alpha === 1 &&
    beta === 0 &&
    !rowBias &&
    c.data instanceof Float32Array &&
    accumulatesInOutputType(c.data)
  );
}

const f = Math.fround;

/** A first k block's sum for column j as the blocked kernel stores it: plus the column's bias, if any. */
const withBias = (sum: number, bias: BiasVector | undefined, j: number) =>
  bias ? f(sum + (bias.data[bias.offset + j] as number)) : sum;

/** Byte addresses in the SIMD kernels' memory: x, a chunk of B's columns (as rows), the groups' sums. */
const [X_AT, COLUMNS_AT, SUMS_AT] = [0, 1 << 16, 3 << 16];
/** Floats of B's columns one chunk holds. */
const CHUNK_FLOATS = 1 << 15;
/** Groups of four columns whose sums fit between SUMS_AT and the end of the fixed memory. */
const SUMS_GROUPS = (MEMORY_BYTES - SUMS_AT) / 16;

/**
 * Columns `[0, 4g)` of `c = x @ B` with WebAssembly SIMD, four at a time, where B's columns are contiguous
 * (a Linear weight's rows) and x is too; returns how many columns it computed (0 where it does not
 * apply). Same arithmetic and order as the JS loop below, so the same bits. A weight the framework owns
 * stays in the kernels' memory between calls (weight-cache); any other is copied in chunk by chunk.
 */
function gemvSimd({ n, k, a, b, c, colBias }: GemmParams): number {
  const { data: x, offset: xAt, colStride: xStep } = a;
  const { data: w, offset: wAt, rowStride: wRow, colStride: wCol } = b;
  const kernels = simdKernels();
  const groupsPerChunk = Math.floor(CHUNK_FLOATS / (4 * k));
  if (!kernels || wRow !== 1 || xStep !== 1 || n < 4 || groupsPerChunk === 0) return 0;
  if (!(x instanceof Float32Array) || !(w instanceof Float32Array)) return 0;
  const allGroups = Math.floor(n / 4);
  const resident = wCol === k ? residentWeight(w, b.storage, wAt, 4 * allGroups * k) : undefined;
  const { memory, run } = kernels;
  memory.set(x.subarray(xAt, xAt + k), X_AT / 4);
  const kc = kBlockDepth(k);
  /** Groups `[g0, g0 + groups)`, their columns as rows of k floats from byte `columnsAt`. */
  const accumulate = (columnsAt: number, g0: number, groups: number) => {
    const columns = columnsAt / 4;
    for (let p0 = 0; p0 < k; p0 += kc) {
      const end = Math.min(k, p0 + kc);
      const vectors = (end - p0) & ~3;
      if (vectors > 0) run.gemvBlock!(columnsAt + 4 * p0, 4 * k, X_AT + 4 * p0, SUMS_AT, 4 * vectors, groups);
      for (let i = 0; i < 4 * groups; i++) {
        // The block's last (length mod 4) products, then the block sum into C as the JS loop does.
        let s = vectors > 0 ? (memory[SUMS_AT / 4 + i] as number) : 0;
        for (let p = p0 + vectors; p < end; p++) {
          s = f(s + f((memory[X_AT / 4 + p] as number) * (memory[columns + i * k + p] as number)));
        }
        const j = 4 * g0 + i;
        const o = c.offset + j;
        c.data[o] = p0 === 0 ? withBias(s, colBias, j) : f((c.data[o] as number) + s);
      }
    }
  };
  if (resident !== undefined) {
    for (let g0 = 0; g0 < allGroups; g0 += SUMS_GROUPS) {
      accumulate(resident + 16 * g0 * k, g0, Math.min(SUMS_GROUPS, allGroups - g0));
    }
    return 4 * allGroups;
  }
  for (let g0 = 0; g0 < allGroups; g0 += groupsPerChunk) {
    const groups = Math.min(groupsPerChunk, allGroups - g0);
    const first = wAt + 4 * g0 * wCol;
    if (wCol === k) {
      // A contiguous weight: the chunk's rows in one copy.
      memory.set(w.subarray(first, first + 4 * groups * k), COLUMNS_AT / 4);
    } else {
      for (let i = 0; i < 4 * groups; i++) {
        memory.set(w.subarray(first + i * wCol, first + i * wCol + k), COLUMNS_AT / 4 + i * k);
      }
    }
    accumulate(COLUMNS_AT, g0, groups);
  }
  return 4 * allGroups;
}

/** `c[0, :] = a[0, :] @ B` for a float32 product {@link gemvApplies} accepts. */
export function gemv(params: GemmParams): void {
  const { n, k, a, b, c, colBias } = params;
  const { data: x, offset: xAt, colStride: xStep } = a;
  const { data: w, offset: wAt, rowStride: wRow, colStride: wCol } = b;
  const out = c.data;
  const kc = kBlockDepth(k);
  let j = gemvSimd(params);
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
      if (p0 === 0) {
        [c0, c1, c2, c3] = [
          withBias(s0, colBias, j),
          withBias(s1, colBias, j + 1),
          withBias(s2, colBias, j + 2),
          withBias(s3, colBias, j + 3),
        ];
      } else [c0, c1, c2, c3] = [f(c0 + s0), f(c1 + s1), f(c2 + s2), f(c3 + s3)];
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
      cj = p0 === 0 ? withBias(s, colBias, j) : f(cj + s);
    }
    out[c.offset + j] = cj;
  }
}
