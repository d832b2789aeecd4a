import { COMMAND_SIZE } from './engine';
import { engineFor } from './engine-for';
import type { PanelSource } from './panel-source';
import type { FloatArray, OutputMatrix } from './types';

/** Depth of one k block: a `KC x nr` B micro-panel stays in L1 (8 KB for f32 x 8, f64 x 4). */
const KC = 256;
/** Rows of A per block: a `MC x k` packed A block stays in L2 while B panels stream past it. */
const MC = 128;
/** Bytes of packed B per column block: bounds L2 traffic and lets threads start before all of B is packed. */
const NC_BYTES = 1 << 19;

/** A batched product over operands that pack themselves; see {@link multiply}. */
export interface Product<T extends FloatArray> {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly batch: number;
  readonly a: PanelSource;
  readonly b: PanelSource;
  readonly c: OutputMatrix<T>;
  readonly alpha: number;
  readonly beta: number;
}

/**
 * The blocked GEMM driver: `C[b] = alpha * A[b] @ B[b] + beta * C[b]` for every batch item. Operands are
 * packed block by block into the engine's scratch; each (item, row block, column block) unit accumulates
 * its k blocks with the engine's micro-kernel. Packing steps are ordered so the first units can start on
 * helper threads while the calling thread packs the rest. Finally alpha/beta are applied while copying
 * into C.
 */
export function multiply<T extends FloatArray>(p: Product<T>): void {
  const { m, n, k, batch, a, b, c, alpha, beta } = p;
  if (m <= 0 || n <= 0 || batch <= 0) return;
  const engine = engineFor(c.data);
  const { mr, nr } = engine;
  const mTiles = Math.ceil(m / mr);
  const nTiles = Math.ceil(n / nr);
  const ldc = nTiles * nr;
  const aItem = mTiles * mr * k;
  const bItem = nTiles * nr * k;
  const cItem = mTiles * mr * ldc;
  const aCount = a.shared ? 1 : batch;
  const bCount = b.shared ? 1 : batch;

  const threads = engine.threadsFor(2 * m * n * k * batch);
  const mcTiles = Math.max(1, Math.floor(MC / mr));
  const mBlocks = Math.ceil(mTiles / mcTiles);
  let ncTiles = Math.max(1, Math.floor(NC_BYTES / (k * c.data.BYTES_PER_ELEMENT * nr)));
  if (batch * mBlocks * Math.ceil(nTiles / ncTiles) < 2 * threads) {
    ncTiles = Math.ceil(nTiles / Math.ceil((2 * threads) / (batch * mBlocks)));
  }
  const nBlocks = Math.ceil(nTiles / ncTiles);
  const kBlocks = Math.max(1, Math.ceil(k / KC));
  const kc = Math.ceil(k / kBlocks);
  const units = k === 0 || alpha === 0 ? 0 : batch * mBlocks * nBlocks;

  const { view, base, commands } = engine.reserve(
    aCount * aItem + bCount * bItem + batch * cItem,
    units * kBlocks,
    units,
  );
  const aBase = base;
  const bBase = aBase + aCount * aItem;
  const cBase = bBase + bCount * bItem;
  view.fill(0, cBase, cBase + batch * cItem);

  const steps: (() => void)[] = [];
  const aStep = new Int32Array(aCount * mBlocks).fill(-1);
  const bStep = new Int32Array(bCount * nBlocks).fill(-1);
  const unitBounds = [0];
  const unitNeeds: number[] = [];
  let w = 0;
  for (let unit = 0; unit < units; unit++) {
    const item = Math.floor(unit / (mBlocks * nBlocks));
    const jBlock = Math.floor(unit / mBlocks) % nBlocks;
    const iBlock = unit % mBlocks;
    const aAt = a.shared ? 0 : item;
    const bAt = b.shared ? 0 : item;
    const it = iBlock * mcTiles;
    const jt = jBlock * ncTiles;
    const aPanels = aBase + aAt * aItem + it * mr * k;
    const bPanels = bBase + bAt * bItem + jt * nr * k;
    if (bStep[bAt * nBlocks + jBlock] === -1) {
      bStep[bAt * nBlocks + jBlock] = steps.length;
      steps.push(() => b.pack(view, bPanels, bAt, jt * nr, Math.min(ncTiles * nr, n - jt * nr), nr));
    }
    if (aStep[aAt * mBlocks + iBlock] === -1) {
      aStep[aAt * mBlocks + iBlock] = steps.length;
      steps.push(() => a.pack(view, aPanels, aAt, it * mr, Math.min(mcTiles * mr, m - it * mr), mr));
    }
    unitNeeds.push(steps.length);
    for (let depth = 0; depth < k; depth += kc) {
      commands[w++] = aPanels + depth * mr;
      commands[w++] = bPanels + depth * nr;
      commands[w++] = cBase + item * cItem + it * mr * ldc + jt * nr;
      commands[w++] = Math.min(kc, k - depth);
      commands[w++] = Math.min(mcTiles, mTiles - it);
      commands[w++] = Math.min(ncTiles, nTiles - jt);
      commands[w++] = mr * k;
      commands[w++] = nr * k;
      commands[w++] = ldc;
    }
    unitBounds.push(w / COMMAND_SIZE);
  }
  engine.execute({ steps, unitBounds, unitNeeds }, threads);
  storeOutput(view, cBase, cItem, ldc, c, m, n, batch, alpha, beta);
}

/** Writes `alpha * acc + beta * C` into the caller's C (beta 0 never reads C, so NaN there is ignored). */
function storeOutput(
  acc: FloatArray,
  accBase: number,
  accItem: number,
  ldc: number,
  c: OutputMatrix,
  m: number,
  n: number,
  batch: number,
  alpha: number,
  beta: number,
): void {
  const out = c.data;
  const outBatchStride = c.batchStride ?? 0;
  for (let item = 0; item < batch; item++) {
    for (let i = 0; i < m; i++) {
      const o = c.offset + item * outBatchStride + i * c.rowStride;
      const s = accBase + item * accItem + i * ldc;
      if (beta === 0 && alpha === 1) out.set(acc.subarray(s, s + n), o);
      else if (beta === 0) for (let j = 0; j < n; j++) out[o + j] = alpha * (acc[s + j] as number);
      else for (let j = 0; j < n; j++) out[o + j] = alpha * (acc[s + j] as number) + beta * (out[o + j] as number);
    }
  }
}
