import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { batchedGemm, gemm } from '../src/backends/cpu/gemm/batched-gemm';
import { type GemmSettings, gemmSettings } from '../src/backends/cpu/gemm/settings';
import type { FloatArray, MatrixOperand } from '../src/backends/cpu/gemm/types';
import { gemmThreads } from '../src/backends/cpu/gemm/wasm-engine';

/** Deterministic pseudo-random values in [-1, 1). */
function fill<T extends FloatArray>(out: T, seed: number): T {
  let s = seed * 2654435761;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x9e3779b9) | 0;
    out[i] = ((s >>> 8) / (1 << 24)) * 2 - 1;
  }
  return out;
}

const at = (op: MatrixOperand, item: number, i: number, j: number) =>
  op.data[op.offset + item * (op.batchStride ?? 0) + i * op.rowStride + j * op.colStride] as number;

/** float64 reference of one batch item of alpha * A @ B + beta * C0, plus the scale of |A||B| for tolerances. */
function reference(
  a: MatrixOperand,
  b: MatrixOperand,
  c0: FloatArray,
  cOffset: number,
  ldc: number,
  item: number,
  m: number,
  n: number,
  k: number,
  alpha: number,
  beta: number,
  rowBias: Float64Array | undefined,
  colBias: Float64Array | undefined,
) {
  const value = new Float64Array(m * n);
  const scale = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      let abs = 0;
      for (let p = 0; p < k; p++) {
        const prod = at(a, item, i, p) * at(b, item, p, j);
        sum += prod;
        abs += Math.abs(prod);
      }
      const old =
        (beta === 0 ? 0 : beta * (c0[cOffset + i * ldc + j] as number)) +
        (rowBias?.[i] ?? 0) +
        (colBias?.[j] ?? 0);
      value[i * n + j] = alpha * sum + old;
      scale[i * n + j] = Math.abs(alpha) * abs + Math.abs(old) + 1e-30;
    }
  }
  return { value, scale };
}

interface Case {
  m: number;
  n: number;
  k: number;
  batch?: number;
  transA?: boolean;
  transB?: boolean;
  alpha?: number;
  beta?: number;
  broadcastA?: boolean;
  broadcastB?: boolean;
  /** Row padding of the storage, so operands are slices of wider matrices. */
  pad?: number;
  bias?: 'row' | 'col' | 'both';
}

function runCase(Ctor: Float32ArrayConstructor | Float64ArrayConstructor, cs: Case): void {
  const { m, n, k, alpha = 1, beta = 0, pad = 0 } = cs;
  const batch = cs.batch ?? 1;
  const operand = (rows: number, cols: number, trans: boolean, broadcast: boolean, seed: number) => {
    // Stored as (trans ? cols x rows : rows x cols) with `pad` extra columns and a leading offset.
    const storedCols = (trans ? rows : cols) + pad;
    const item = (trans ? cols : rows) * storedCols;
    const items = broadcast ? 1 : batch;
    const data = fill(new Ctor(3 + items * item), seed);
    const op: MatrixOperand = {
      data,
      offset: 3,
      rowStride: trans ? 1 : storedCols,
      colStride: trans ? storedCols : 1,
      batchStride: broadcast ? 0 : item,
    };
    return op;
  };
  const a = operand(m, k, cs.transA ?? false, cs.broadcastA ?? false, 1);
  const b = operand(k, n, cs.transB ?? false, cs.broadcastB ?? false, 2);
  const ldc = n + pad;
  const cOffset = 2;
  const c = fill(new Ctor(cOffset + batch * m * ldc), 3);
  if (beta === 0) c.fill(Number.NaN); // must be ignored
  const c0 = c.slice();
  const rowBias = cs.bias === 'row' || cs.bias === 'both' ? fill(new Float64Array(m + 1), 4) : undefined;
  const colBias = cs.bias === 'col' || cs.bias === 'both' ? fill(new Float64Array(n + 1), 5) : undefined;
  batchedGemm({
    m,
    n,
    k,
    batch,
    a,
    b,
    c: { data: c, offset: cOffset, rowStride: ldc, batchStride: m * ldc },
    alpha,
    beta,
    rowBias: rowBias && { data: rowBias, offset: 1 },
    colBias: colBias && { data: colBias, offset: 1 },
  });
  const tol = Ctor === Float32Array ? 2e-6 : 1e-13;
  for (let item = 0; item < batch; item++) {
    const base = cOffset + item * m * ldc;
    const ref = reference(
      a,
      b,
      c0,
      base,
      ldc,
      item,
      m,
      n,
      k,
      alpha,
      beta,
      rowBias?.subarray(1),
      colBias?.subarray(1),
    );
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        const got = c[base + i * ldc + j] as number;
        const want = ref.value[i * n + j] as number;
        const err = Math.abs(got - want) / (ref.scale[i * n + j] as number);
        if (!(err <= tol)) {
          throw new Error(`${JSON.stringify(cs)} item ${item} (${i},${j}): got ${got}, want ${want}`);
        }
      }
    }
  }
}

const shapes: Case[] = [
  { m: 1, n: 1, k: 1 },
  { m: 7, n: 13, k: 5 },
  { m: 5, n: 3, k: 1 },
  { m: 1, n: 33, k: 17 },
  { m: 33, n: 1, k: 17 },
  { m: 9, n: 10, k: 0, beta: 0.5 },
  { m: 17, n: 19, k: 300 },
  { m: 64, n: 128, k: 784 },
  { m: 31, n: 29, k: 23, transA: true },
  { m: 31, n: 29, k: 23, transB: true },
  { m: 31, n: 29, k: 23, transA: true, transB: true, pad: 3 },
  { m: 12, n: 18, k: 11, alpha: -0.5, beta: 2 },
  { m: 12, n: 18, k: 11, alpha: 0, beta: 1.5 },
  { m: 6, n: 9, k: 8, batch: 5 },
  { m: 6, n: 9, k: 8, batch: 4, broadcastA: true, transB: true },
  { m: 6, n: 9, k: 8, batch: 3, broadcastB: true, pad: 2, beta: 1 },
  { m: 13, n: 11, k: 7, bias: 'row' },
  { m: 13, n: 11, k: 7, bias: 'col', batch: 2 },
  { m: 13, n: 11, k: 7, bias: 'both', alpha: 0.5, beta: -1 },
  { m: 13, n: 11, k: 0, bias: 'both' },
];

/** Engine configurations every case runs under: wasm with helper threads, wasm on one thread, pure JS. */
const configs: [string, Partial<GemmSettings>][] = [
  ['threaded', { engine: 'auto', maxThreads: Number.POSITIVE_INFINITY }],
  ['one thread', { engine: 'auto', maxThreads: 1 }],
  ['js', { engine: 'js' }],
];

beforeAll(async () => {
  // Helper threads join once booted; give them the time to, so the threaded path is exercised.
  const deadline = Date.now() + 3000;
  while (gemmThreads() < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
});

afterEach(() => {
  gemmSettings({ engine: 'auto', maxThreads: Number.POSITIVE_INFINITY });
});

describe('gemm', () => {
  for (const [name, Ctor] of [
    ['float32', Float32Array],
    ['float64', Float64Array],
  ] as const) {
    for (const [label, settings] of configs) {
      it(`${name}, ${label}: matches the float64 reference over shapes, strides, alpha/beta, bias, batches`, () => {
        gemmSettings(settings);
        for (const cs of shapes) runCase(Ctor, cs);
        // Large enough for helper threads (2^24 flops and up) and several row/column/depth blocks.
        runCase(Ctor, { m: 203, n: 197, k: 300, pad: 1, bias: 'both' });
        runCase(Ctor, { m: 150, n: 140, k: 130, batch: 4, broadcastB: true, transA: true });
      });
    }
  }

  it('gemm writes only the m x n window of C', () => {
    const a = new Float32Array([1, 2, 3, 4]);
    const b = new Float32Array([5, 6, 7, 8]);
    const c = new Float32Array(9).fill(-1);
    gemm({
      m: 2,
      n: 2,
      k: 2,
      a: { data: a, offset: 0, rowStride: 2, colStride: 1 },
      b: { data: b, offset: 0, rowStride: 2, colStride: 1 },
      c: { data: c, offset: 1, rowStride: 3 },
    });
    expect(Array.from(c)).toEqual([-1, 19, 22, -1, 43, 50, -1, -1, -1]);
  });
});
