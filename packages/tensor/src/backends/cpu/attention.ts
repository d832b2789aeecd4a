import type { AttentionAttrs } from '../../kernel/attrs/attention';
import { allocate } from '../../kernel/dtype';
import { registerKernel } from '../../kernel/registry';
import { hostView, type TensorView } from '../../kernel/view';
import { gemm } from './gemm/batched-gemm';
import type { FloatArray, MatrixOperand, OutputMatrix } from './gemm/types';

// Fused scaled-dot-product attention, flash-attention style: the scores of one block of query rows against
// one block of keys live in a small tile, the softmax is carried online (running max and sum per row), and
// the backward recomputes each tile from the saved logsumexp. Nothing of size L*S is ever allocated, so long
// sequences cost no more than the inputs and outputs plus two fixed-size tiles. The tile products run on the
// CPU GEMM (float32 or float64 as the inputs); the softmax statistics are float64.

/** Query rows per tile. */
export const ATTENTION_BLOCK_ROWS = 64;
/** Key columns per tile. */
export const ATTENTION_BLOCK_COLS = 128;

let largestScratch = 0;

/**
 * The most elements one call of the fused attention kernels has allocated as scratch since the last reset
 * (tests check it stays far below `L * S`). `reset` starts a new count.
 */
export function attentionScratchElements(reset = false): number {
  const seen = largestScratch;
  if (reset) largestScratch = 0;
  return seen;
}

/** Scratch arrays of one kernel call, counted for {@link attentionScratchElements}. */
function scratchAllocator(dtype: TensorView['dtype']) {
  let total = 0;
  const count = (size: number) => {
    total += size;
    largestScratch = Math.max(largestScratch, total);
  };
  return {
    /** A tile in the compute dtype (what the GEMM writes). */
    tile(size: number): FloatArray {
      count(size);
      return dtype === 'float32' ? new Float32Array(size) : new Float64Array(size);
    },
    /** Per-row statistics, float64 whatever the dtype. */
    rows(size: number): Float64Array {
      count(size);
      return new Float64Array(size);
    },
  };
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
  data: FloatArray;
  offsets: number[];
  rowStride: number;
  colStride: number;
}

function matrices(x: TensorView, batch: readonly number[]): Matrices {
  const n = x.shape.length;
  return {
    data: x.storage.data as FloatArray,
    offsets: batchOffsets(x, batch),
    rowStride: x.strides[n - 2]!,
    colStride: x.strides[n - 1]!,
  };
}

/** Rows `r0..` of batch entry `b` as a GEMM operand (no copy). */
function rowsFrom(m: Matrices, b: number, r0: number): MatrixOperand {
  return {
    data: m.data,
    offset: m.offsets[b]! + r0 * m.rowStride,
    rowStride: m.rowStride,
    colStride: m.colStride,
  };
}

/** The transpose of an operand (strides swapped, no copy). */
const transposed = (a: MatrixOperand): MatrixOperand => ({
  ...a,
  rowStride: a.colStride,
  colStride: a.rowStride,
});

/** A row-major `[rows, cols]` tile as an operand. */
const tileOperand = (data: FloatArray, cols: number): MatrixOperand => ({
  data,
  offset: 0,
  rowStride: cols,
  colStride: 1,
});

/** `C = alpha * A @ B + beta * C` (`m x k` times `k x n`), tolerating empty sizes. */
function product(
  m: number,
  n: number,
  k: number,
  a: MatrixOperand,
  b: MatrixOperand,
  c: OutputMatrix,
  alpha: number,
  beta: number,
): void {
  if (m === 0 || n === 0) return;
  if (k === 0) {
    if (beta === 0)
      for (let i = 0; i < m; i++) c.data.fill(0, c.offset + i * c.rowStride, c.offset + i * c.rowStride + n);
    return;
  }
  gemm({ m, n, k, a, b, c, alpha, beta });
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
): Problem {
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
  };
}

/** Keys visible to query rows `[i0, i0 + rows)`: all `S`, or `j <= i` with `isCausal`. */
const keyEnd = (p: Problem, i0: number, rows: number) => (p.attrs.isCausal ? Math.min(p.S, i0 + rows) : p.S);

/**
 * `tile` holds the scaled scores of query rows `i0..` against keys `j0..` of batch entry `b` (`rows x cols`,
 * row-major): adds a float mask, and sets -Infinity where a bool mask or `isCausal` hides a key.
 */
function applyMask(
  p: Problem,
  b: number,
  i0: number,
  rows: number,
  j0: number,
  cols: number,
  tile: FloatArray,
) {
  const { mask } = p;
  const causal = p.attrs.isCausal;
  if (!mask && !causal) return;
  for (let r = 0; r < rows; r++) {
    const t = r * cols;
    const visible = causal ? Math.max(0, Math.min(cols, i0 + r - j0 + 1)) : cols;
    for (let c = visible; c < cols; c++) tile[t + c] = Number.NEGATIVE_INFINITY;
    if (!mask) continue;
    let at = mask.offsets[b]! + (i0 + r) * mask.rowStride + j0 * mask.colStride;
    for (let c = 0; c < visible; c++, at += mask.colStride) {
      const m = mask.data[at]!;
      if (p.boolMask) {
        if (!m) tile[t + c] = Number.NEGATIVE_INFINITY;
      } else {
        tile[t + c]! += m;
      }
    }
  }
}

function forward(p: Problem, dtype: TensorView['dtype']): [FloatArray, FloatArray] {
  const { count, L, S, E, Ev } = p;
  const out = allocate(dtype, count * L * Ev) as FloatArray;
  const lse = allocate(dtype, count * L) as FloatArray;
  const BR = ATTENTION_BLOCK_ROWS;
  const BC = ATTENTION_BLOCK_COLS;
  const alloc = scratchAllocator(dtype);
  const tile = alloc.tile(BR * BC);
  const acc = alloc.tile(BR * Ev);
  const rowMax = alloc.rows(BR);
  const rowSum = alloc.rows(BR);
  for (let b = 0; b < count; b++) {
    for (let i0 = 0; i0 < L; i0 += BR) {
      const rows = Math.min(BR, L - i0);
      rowMax.fill(Number.NEGATIVE_INFINITY);
      rowSum.fill(0);
      acc.fill(0);
      const end = keyEnd(p, i0, rows);
      for (let j0 = 0; j0 < end; j0 += BC) {
        const cols = Math.min(BC, end - j0);
        const scores = { data: tile, offset: 0, rowStride: cols };
        product(
          rows,
          cols,
          E,
          rowsFrom(p.q, b, i0),
          transposed(rowsFrom(p.k, b, j0)),
          scores,
          p.attrs.scale,
          0,
        );
        applyMask(p, b, i0, rows, j0, cols, tile);
        // online softmax: rescale what was accumulated to the new row max, turn scores into weights
        for (let r = 0; r < rows; r++) {
          const t = r * cols;
          let max = rowMax[r]!;
          for (let c = 0; c < cols; c++) if (tile[t + c]! > max) max = tile[t + c]!;
          if (max === Number.NEGATIVE_INFINITY) {
            tile.fill(0, t, t + cols); // every key so far is hidden: nothing to add
            continue;
          }
          const rescale = Math.exp(rowMax[r]! - max);
          if (rescale !== 1) for (let e = r * Ev; e < (r + 1) * Ev; e++) acc[e]! *= rescale;
          let sum = rowSum[r]! * rescale;
          for (let c = 0; c < cols; c++) {
            const w = Math.exp(tile[t + c]! - max);
            tile[t + c] = w;
            sum += w;
          }
          rowMax[r] = max;
          rowSum[r] = sum;
        }
        const accOut = { data: acc, offset: 0, rowStride: Ev };
        product(rows, Ev, cols, tileOperand(tile, cols), rowsFrom(p.v, b, j0), accOut, 1, 1);
      }
      for (let r = 0; r < rows; r++) {
        const row = b * L + i0 + r;
        // no keys at all: an empty weighted sum (0), as softmax(empty) @ value; all hidden: 0/0 = NaN, as torch
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
): [FloatArray, FloatArray, FloatArray] {
  const { count, L, S, E, Ev } = p;
  const scale = p.attrs.scale;
  const g = matrices(grad, p.batch);
  const o = matrices(out, p.batch);
  const lseData = logsumexp.storage.data as FloatArray;
  const lseOffsets = batchOffsets(logsumexp, p.batch);
  const lseStride = logsumexp.strides[logsumexp.shape.length - 1] ?? 1;
  // accumulated straight into the (zeroed) outputs by the GEMMs
  const gradQ = allocate(dtype, count * L * E) as FloatArray;
  const gradK = allocate(dtype, count * S * E) as FloatArray;
  const gradV = allocate(dtype, count * S * Ev) as FloatArray;
  const BR = ATTENTION_BLOCK_ROWS;
  const BC = ATTENTION_BLOCK_COLS;
  const alloc = scratchAllocator(dtype);
  const probs = alloc.tile(BR * BC);
  const dScores = alloc.tile(BR * BC);
  const delta = alloc.rows(BR);
  const lse = alloc.rows(BR);
  for (let b = 0; b < count; b++) {
    for (let i0 = 0; i0 < L; i0 += BR) {
      const rows = Math.min(BR, L - i0);
      for (let r = 0; r < rows; r++) {
        // D = rowsum(dO * O), the softmax backward's correction term
        let d = 0;
        let at = g.offsets[b]! + (i0 + r) * g.rowStride;
        let ot = o.offsets[b]! + (i0 + r) * o.rowStride;
        for (let e = 0; e < Ev; e++, at += g.colStride, ot += o.colStride) d += g.data[at]! * o.data[ot]!;
        delta[r] = d;
        lse[r] = lseData[lseOffsets[b]! + (i0 + r) * lseStride]!;
      }
      const qRows = rowsFrom(p.q, b, i0);
      const gRows = rowsFrom(g, b, i0);
      const end = keyEnd(p, i0, rows);
      for (let j0 = 0; j0 < end; j0 += BC) {
        const cols = Math.min(BC, end - j0);
        const kRows = rowsFrom(p.k, b, j0);
        product(
          rows,
          cols,
          E,
          qRows,
          transposed(kRows),
          { data: probs, offset: 0, rowStride: cols },
          scale,
          0,
        );
        applyMask(p, b, i0, rows, j0, cols, probs);
        for (let r = 0; r < rows; r++) {
          for (let x = r * cols; x < (r + 1) * cols; x++) probs[x] = Math.exp(probs[x]! - lse[r]!);
        }
        // dV_j += P^T dO_i
        const dv = { data: gradV, offset: (b * S + j0) * Ev, rowStride: Ev };
        product(cols, Ev, rows, transposed(tileOperand(probs, cols)), gRows, dv, 1, 1);
        // dP = dO_i V_j^T, then dS = P (dP - D) in place
        const dp = { data: dScores, offset: 0, rowStride: cols };
        product(rows, cols, Ev, gRows, transposed(rowsFrom(p.v, b, j0)), dp, 1, 0);
        for (let r = 0; r < rows; r++) {
          for (let x = r * cols; x < (r + 1) * cols; x++) dScores[x] = probs[x]! * (dScores[x]! - delta[r]!);
        }
        // the scores were scale * q . k: dQ_i += scale dS K_j, dK_j += scale dS^T Q_i
        const dq = { data: gradQ, offset: (b * L + i0) * E, rowStride: E };
        product(rows, E, cols, tileOperand(dScores, cols), kRows, dq, scale, 1);
        const dk = { data: gradK, offset: (b * S + j0) * E, rowStride: E };
        product(cols, E, rows, transposed(tileOperand(dScores, cols)), qRows, dk, scale, 1);
      }
    }
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
