import type { AttentionAttrs } from '../../kernel/attrs/attention';
import { allocate, type TypedArray } from '../../kernel/dtype';
import { registerKernel } from '../../kernel/registry';
import { hostView, type TensorView } from '../../kernel/view';

// Fused scaled-dot-product attention, flash-attention style: the scores of one block of query rows against
// one block of keys live in a small tile, the softmax is carried online (running max and sum per row), and
// the backward recomputes each tile from the saved logsumexp. Nothing of size L*S is ever allocated, so long
// sequences cost O(L*E + S*E) memory. Arithmetic is float64 whatever the input dtype.

/** Query rows per tile. */
export const ATTENTION_BLOCK_ROWS = 32;
/** Key columns per tile. */
export const ATTENTION_BLOCK_COLS = 64;

let largestScratch = 0;

/**
 * The most float64 elements one call of the fused attention kernels has allocated as scratch since the
 * last reset (tests check it stays far below `L * S`). `reset` starts a new count.
 */
export function attentionScratchElements(reset = false): number {
  const seen = largestScratch;
  if (reset) largestScratch = 0;
  return seen;
}

function scratch(size: number, used: { total: number }): Float64Array {
  used.total += size;
  largestScratch = Math.max(largestScratch, used.total);
  return new Float64Array(size);
}

/** The offset of each batch entry (the dims before the last two) of `x`, row-major over `batch`. */
function batchOffsets(x: TensorView, batch: readonly number[]): number[] {
  let offsets = [x.offset];
  batch.forEach((size, d) => {
    const next: number[] = [];
    for (const o of offsets) for (let i = 0; i < size; i++) next.push(o + i * x.strides[d]!);
    offsets = next;
  });
  return offsets;
}

/** Strided `[rows, cols]` matrices of one tensor, one per batch entry. */
interface Matrices {
  data: TypedArray;
  offsets: number[];
  rowStride: number;
  colStride: number;
}

function matrices(x: TensorView, batch: readonly number[]): Matrices {
  const n = x.shape.length;
  return {
    data: x.storage.data as TypedArray,
    offsets: batchOffsets(x, batch),
    rowStride: x.strides[n - 2]!,
    colStride: x.strides[n - 1]!,
  };
}

/** Copies rows `[r0, r0 + rows)` of batch entry `b` into `into` (row-major, `cols` wide), times `scale`. */
function loadRows(
  m: Matrices,
  b: number,
  r0: number,
  rows: number,
  cols: number,
  into: Float64Array,
  scale = 1,
) {
  const { data, rowStride, colStride } = m;
  for (let r = 0; r < rows; r++) {
    let p = m.offsets[b]! + (r0 + r) * rowStride;
    const base = r * cols;
    for (let c = 0; c < cols; c++, p += colStride) into[base + c] = data[p]! * scale;
  }
}

/** Sizes and operands of one call, shared by the forward and backward kernels. */
interface Problem {
  batch: number[];
  count: number;
  L: number;
  S: number;
  E: number;
  Ev: number;
  q: Matrices;
  k: Matrices;
  v: Matrices;
  mask: Matrices | null;
  boolMask: boolean;
  attrs: AttentionAttrs;
}

function problem(
  q: TensorView,
  k: TensorView,
  v: TensorView,
  mask: TensorView | undefined,
  attrs: AttentionAttrs,
) {
  const n = q.shape.length;
  const batch = q.shape.slice(0, -2);
  return {
    batch,
    count: batch.reduce((a, b) => a * b, 1),
    L: q.shape[n - 2]!,
    S: k.shape[n - 2]!,
    E: q.shape[n - 1]!,
    Ev: v.shape[n - 1]!,
    q: matrices(q, batch),
    k: matrices(k, batch),
    v: matrices(v, batch),
    mask: mask ? matrices(mask, batch) : null,
    boolMask: mask?.dtype === 'bool',
    attrs,
  } satisfies Problem;
}

/** Keys visible to query rows `[i0, i0 + rows)`: all `S`, or `j <= i` with `isCausal`. */
const keyEnd = (p: Problem, i0: number, rows: number) => (p.attrs.isCausal ? Math.min(p.S, i0 + rows) : p.S);

/**
 * Fills `tile` (`rows x cols`, row-major) with the scores of query rows `i0..` (pre-scaled in `qs`) against
 * keys `j0..` of batch entry `b` (keys in `ks`, `E` wide), plus the mask; hidden positions get -Infinity.
 */
function scoreTile(
  p: Problem,
  b: number,
  qs: Float64Array,
  ks: Float64Array,
  i0: number,
  rows: number,
  j0: number,
  cols: number,
  tile: Float64Array,
): void {
  const { E, mask } = p;
  for (let r = 0; r < rows; r++) {
    const qBase = r * E;
    const maskRow = mask ? mask.offsets[b]! + (i0 + r) * mask.rowStride : 0;
    for (let c = 0; c < cols; c++) {
      const j = j0 + c;
      let s: number;
      if (p.attrs.isCausal && j > i0 + r) {
        s = Number.NEGATIVE_INFINITY;
      } else {
        const kBase = j * E;
        s = 0;
        for (let e = 0; e < E; e++) s += qs[qBase + e]! * ks[kBase + e]!;
        if (mask) {
          const m = mask.data[maskRow + j * mask.colStride]!;
          if (p.boolMask) {
            if (!m) s = Number.NEGATIVE_INFINITY;
          } else {
            s += m;
          }
        }
      }
      tile[r * cols + c] = s;
    }
  }
}

function forward(p: Problem, dtype: TensorView['dtype']): [TypedArray, TypedArray] {
  const { count, L, S, E, Ev } = p;
  const out = allocate(dtype, count * L * Ev);
  const lse = allocate(dtype, count * L);
  const used = { total: 0 };
  const BR = ATTENTION_BLOCK_ROWS;
  const BC = ATTENTION_BLOCK_COLS;
  const ks = scratch(S * E, used);
  const vs = scratch(S * Ev, used);
  const qs = scratch(BR * E, used);
  const tile = scratch(BR * BC, used);
  const acc = scratch(BR * Ev, used);
  const rowMax = scratch(BR, used);
  const rowSum = scratch(BR, used);
  for (let b = 0; b < count; b++) {
    loadRows(p.k, b, 0, S, E, ks);
    loadRows(p.v, b, 0, S, Ev, vs);
    for (let i0 = 0; i0 < L; i0 += BR) {
      const rows = Math.min(BR, L - i0);
      loadRows(p.q, b, i0, rows, E, qs, p.attrs.scale);
      rowMax.fill(Number.NEGATIVE_INFINITY);
      rowSum.fill(0);
      acc.fill(0);
      const end = keyEnd(p, i0, rows);
      for (let j0 = 0; j0 < end; j0 += BC) {
        const cols = Math.min(BC, end - j0);
        scoreTile(p, b, qs, ks, i0, rows, j0, cols, tile);
        for (let r = 0; r < rows; r++) {
          const t = r * cols;
          let max = rowMax[r]!;
          for (let c = 0; c < cols; c++) if (tile[t + c]! > max) max = tile[t + c]!;
          if (max === Number.NEGATIVE_INFINITY) continue; // every score so far is masked out
          const rescale = Math.exp(rowMax[r]! - max);
          const a = r * Ev;
          if (rescale !== 1) for (let e = 0; e < Ev; e++) acc[a + e]! *= rescale;
          let sum = rowSum[r]! * rescale;
          for (let c = 0; c < cols; c++) {
            const w = Math.exp(tile[t + c]! - max);
            if (w === 0) continue;
            sum += w;
            const vBase = (j0 + c) * Ev;
            for (let e = 0; e < Ev; e++) acc[a + e]! += w * vs[vBase + e]!;
          }
          rowMax[r] = max;
          rowSum[r] = sum;
        }
      }
      for (let r = 0; r < rows; r++) {
        const row = b * L + i0 + r;
        // no keys at all: an empty weighted sum (0), as softmax(empty) @ value; all masked: 0/0 = NaN, as torch
        const sum = S === 0 ? 1 : rowSum[r]!;
        for (let e = 0; e < Ev; e++) out[row * Ev + e] = acc[r * Ev + e]! / sum;
        lse[row] = rowMax[r]! + Math.log(rowSum[r]!);
      }
    }
  }
  return [out, lse];
}

function backward(
  p: Problem,
  grad: TensorView,
  out: TensorView,
  logsumexp: TensorView,
  dtype: TensorView['dtype'],
): [TypedArray, TypedArray, TypedArray] {
  const { count, L, S, E, Ev } = p;
  const scale = p.attrs.scale;
  const g = matrices(grad, p.batch);
  const o = matrices(out, p.batch);
  const lseData = logsumexp.storage.data as TypedArray;
  const lseOffsets = batchOffsets(logsumexp, p.batch);
  const lseStride = logsumexp.strides[logsumexp.shape.length - 1] ?? 1;
  const gradQ = allocate(dtype, count * L * E);
  const gradK = allocate(dtype, count * S * E);
  const gradV = allocate(dtype, count * S * Ev);
  const used = { total: 0 };
  const BR = ATTENTION_BLOCK_ROWS;
  const BC = ATTENTION_BLOCK_COLS;
  const ks = scratch(S * E, used);
  const vs = scratch(S * Ev, used);
  const dk = scratch(S * E, used);
  const dv = scratch(S * Ev, used);
  const qs = scratch(BR * E, used);
  const gs = scratch(BR * Ev, used);
  const os = scratch(BR * Ev, used);
  const dq = scratch(BR * E, used);
  const tile = scratch(BR * BC, used);
  const delta = scratch(BR, used);
  const lse = scratch(BR, used);
  for (let b = 0; b < count; b++) {
    loadRows(p.k, b, 0, S, E, ks);
    loadRows(p.v, b, 0, S, Ev, vs);
    dk.fill(0);
    dv.fill(0);
    for (let i0 = 0; i0 < L; i0 += BR) {
      const rows = Math.min(BR, L - i0);
      loadRows(p.q, b, i0, rows, E, qs, scale);
      loadRows(g, b, i0, rows, Ev, gs);
      loadRows(o, b, i0, rows, Ev, os);
      for (let r = 0; r < rows; r++) {
        let d = 0;
        for (let e = 0; e < Ev; e++) d += gs[r * Ev + e]! * os[r * Ev + e]!;
        delta[r] = d;
        lse[r] = lseData[lseOffsets[b]! + (i0 + r) * lseStride]!;
      }
      dq.fill(0);
      const end = keyEnd(p, i0, rows);
      for (let j0 = 0; j0 < end; j0 += BC) {
        const cols = Math.min(BC, end - j0);
        scoreTile(p, b, qs, ks, i0, rows, j0, cols, tile);
        for (let r = 0; r < rows; r++) {
          for (let c = 0; c < cols; c++) {
            const prob = Math.exp(tile[r * cols + c]! - lse[r]!);
            if (prob === 0) continue;
            const j = j0 + c;
            // dV[j] += P[r, j] dO[r];  dP[r, j] = dO[r] . V[j]
            let dp = 0;
            for (let e = 0; e < Ev; e++) {
              dv[j * Ev + e]! += prob * gs[r * Ev + e]!;
              dp += gs[r * Ev + e]! * vs[j * Ev + e]!;
            }
            // dS = P (dP - rowsum(dO * O)); the scores were (q * scale) . k
            const ds = prob * (dp - delta[r]!);
            for (let e = 0; e < E; e++) {
              dq[r * E + e]! += ds * ks[j * E + e]!;
              dk[j * E + e]! += ds * qs[r * E + e]!;
            }
          }
        }
      }
      const qBase = (b * L + i0) * E;
      for (let x = 0; x < rows * E; x++) gradQ[qBase + x] = dq[x]! * scale;
    }
    gradK.set(dk, b * S * E);
    gradV.set(dv, b * S * Ev);
  }
  return [gradQ, gradK, gradV];
}

/** Registers the CPU `scaledDotProductAttention` kernel and its backward. */
export function registerCpuAttention(): void {
  registerKernel('scaledDotProductAttention', 'cpu', ([q, k, v, mask], attrs) => {
    const p = problem(q!, k!, v!, mask, attrs);
    const [out, lse] = forward(p, q!.dtype);
    return [hostView(out, [...p.batch, p.L, p.Ev], q!.dtype), hostView(lse, [...p.batch, p.L], q!.dtype)];
  });
  registerKernel('scaledDotProductAttentionBackward', 'cpu', ([grad, q, k, v, out, lse, mask], attrs) => {
    const p = problem(q!, k!, v!, mask, attrs);
    const [dq, dk, dv] = backward(p, grad!, out!, lse!, q!.dtype);
    return [
      hostView(dq, q!.shape, q!.dtype),
      hostView(dk, k!.shape, k!.dtype),
      hostView(dv, v!.shape, v!.dtype),
    ];
  });
}
