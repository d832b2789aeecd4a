import { COMMAND_SIZE, type GemmEngine } from './engine';
import { engineFor } from './engine-for';
import type { IndirectSource, PanelSource, StridedLines } from './panel-source';
import type { BiasVector, FloatArray, OutputMatrix } from './types';

/** Depth of one k block: a `KC x nr` B micro-panel stays in L1 (16 KB for f32 x 16, 8 KB for f64 x 4). */
const KC = 256;
/** Rows of A per block: a `MC x k` packed A block stays in L2 while B panels stream past it. */
const MC = 128;
/** Bytes of packed B per column block: bounds L2 traffic and lets threads start before all of B is packed. */
const NC_BYTES = 1 << 19;

/** The depth of each k block the kernels sum separately (the last may be shorter): blocks as even as KC allows. */
export function kBlockDepth(k: number): number {
  return Math.ceil(k / Math.max(1, Math.ceil(k / KC)));
}

/** A batched product over operands that pack themselves; see {@link multiply}. */
export interface Product<T extends FloatArray> {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly batch: number;
  readonly a: PanelSource;
  /** Packed panels, or (engines with `indirect`) a matrix read in place through a row-offset table. */
  readonly b: PanelSource | IndirectSource;
  /** Where the result goes: a matrix (alpha, beta and biases applied), or a consumer of the raw accumulators. */
  readonly c: OutputMatrix<T> | AccumulatorSink<T>;
  readonly alpha: number;
  readonly beta: number;
  /** Added to row i of C: `rowBias.data[rowBias.offset + i]` (a convolution's channel bias). */
  readonly rowBias?: BiasVector;
  /** Added to column j of C: `colBias.data[colBias.offset + j]` (a linear layer's bias). */
  readonly colBias?: BiasVector;
}

/**
 * Receives the accumulated products instead of a C matrix (alpha 1, no beta or bias): row i of batch
 * item b is at `acc[base + b * itemStride + i * ldc]`. Lets a caller fuse its own output pass, such as
 * col2im for a convolution's input gradient.
 */
export interface AccumulatorSink<T extends FloatArray> {
  /** Any array of the output float type (selects float32 or float64 kernels). */
  readonly like: T;
  consume(acc: FloatArray, base: number, ldc: number, itemStride: number): void;
}

/**
 * The blocked GEMM driver: `C[b] = alpha * A[b] @ B[b] + beta * C[b] (+ biases)` for every batch item.
 * Operands are packed block by block into the engine's scratch (or, for an indirect B, copied once per
 * item); each (item, row block, column block) unit accumulates its k blocks with the engine's
 * micro-kernel, the first block storing rather than adding (so accumulators need no zeroing) and adding
 * the biases. An operand the engine packs natively is first copied into scratch, an item at a time, by
 * the first step that packs from it. Packing steps are ordered so the first units start on helper
 * threads while the calling thread packs the rest. Finally the accumulators are copied into C with
 * alpha/beta, or handed to a sink.
 */
export function multiply<T extends FloatArray>(p: Product<T>): void {
  const { m, n, k, batch, a, b, c, alpha } = p;
  if (m <= 0 || n <= 0 || batch <= 0) return;
  const sink = 'consume' in c ? c : undefined;
  const like = sink ? sink.like : (c as OutputMatrix<T>).data;
  const engine = engineFor(like);
  const { mr, nr } = engine;
  const indirect = 'rowOffsets' in b ? b : undefined;
  const packed = 'rowOffsets' in b ? undefined : b;
  if (indirect && !engine.indirect)
    throw new Error('gemm: this engine cannot read B through an offset table');
  const mTiles = Math.ceil(m / mr);
  const nTiles = Math.ceil(n / nr);
  const ldc = nTiles * nr;
  const aItem = mTiles * mr * k;
  const bItem = indirect ? indirect.size : nTiles * nr * k;
  const cItem = mTiles * mr * ldc;
  const aCount = a.shared ? 1 : batch;
  const bCount = packed?.shared ? 1 : batch;
  // The indirect kernel's row-offset table: k int32 in scratch.
  const tableElements = indirect ? Math.ceil((k * 4) / like.BYTES_PER_ELEMENT) : 0;

  const threads = engine.threadsFor(2 * m * n * k * batch);
  const mcTiles = Math.max(1, Math.floor(MC / mr));
  const mBlocks = Math.ceil(mTiles / mcTiles);
  let ncTiles = Math.max(1, Math.floor(NC_BYTES / (Math.max(k, 1) * like.BYTES_PER_ELEMENT * nr)));
  if (batch * mBlocks * Math.ceil(nTiles / ncTiles) < 2 * threads) {
    ncTiles = Math.ceil(nTiles / Math.ceil((2 * threads) / (batch * mBlocks)));
  }
  const nBlocks = Math.ceil(nTiles / ncTiles);
  const kBlocks = Math.max(1, Math.ceil(k / KC));
  const kc = kBlockDepth(k);
  const units = k === 0 || alpha === 0 ? 0 : batch * mBlocks * nBlocks;

  const aLines = nativeLines(engine, a, like, m * k, aCount);
  const bLines = packed && nativeLines(engine, packed, like, n * k, bCount);
  const aStaged = aLines ? aCount * aLines.span : 0;
  const bStaged = bLines ? bCount * bLines.span : 0;

  const { view, base, commands } = engine.reserve(
    mTiles * mr + ldc + tableElements + aCount * aItem + bCount * bItem + batch * cItem + aStaged + bStaged,
    units * kBlocks,
    units,
    threads,
  );
  // Biases are added by the kernel when it stores the first k block, unless alpha would scale them.
  const biasInKernel = units > 0 && alpha === 1;
  const rowBase = base;
  const colBase = rowBase + mTiles * mr;
  const tableBase = colBase + ldc;
  const aBase = tableBase + tableElements;
  const bBase = aBase + aCount * aItem;
  const cBase = bBase + bCount * bItem;
  const packA = packer(engine, view, a, aLines, cBase + batch * cItem, aCount, k, mr);
  const packB =
    packed && packer(engine, view, packed, bLines, cBase + batch * cItem + aStaged, bCount, k, nr);
  view.fill(0, rowBase, aBase);
  if (p.rowBias && biasInKernel) copyBias(view, rowBase, p.rowBias, m);
  if (p.colBias && biasInKernel) copyBias(view, colBase, p.colBias, n);
  if (units === 0) view.fill(0, cBase, cBase + batch * cItem);
  const tableIndex = (tableBase * like.BYTES_PER_ELEMENT) / 4;
  if (indirect) {
    const table = new Int32Array(view.buffer, view.byteOffset + tableIndex * 4, k);
    for (let i = 0; i < k; i++) table[i] = (indirect.rowOffsets[i] as number) * like.BYTES_PER_ELEMENT;
  }

  const steps: (() => void)[] = [];
  const aStep = new Int32Array(aCount * mBlocks).fill(-1);
  const bBlocks = indirect ? 1 : nBlocks; // an indirect item is filled whole
  const bStep = new Int32Array(bCount * bBlocks).fill(-1);
  const unitBounds = [0];
  const unitNeeds: number[] = [];
  let w = 0;
  for (let unit = 0; unit < units; unit++) {
    const item = Math.floor(unit / (mBlocks * nBlocks));
    const jBlock = Math.floor(unit / mBlocks) % nBlocks;
    const iBlock = unit % mBlocks;
    const aAt = a.shared ? 0 : item;
    const bAt = bCount === 1 ? 0 : item;
    const it = iBlock * mcTiles;
    const jt = jBlock * ncTiles;
    const aPanels = aBase + aAt * aItem + it * mr * k;
    const bPanels = bBase + bAt * bItem + jt * nr * (indirect ? 1 : k);
    const bBlock = bAt * bBlocks + (indirect ? 0 : jBlock);
    if (bStep[bBlock] === -1) {
      bStep[bBlock] = steps.length;
      if (packB) steps.push(() => packB(bPanels, bAt, jt * nr, Math.min(ncTiles * nr, n - jt * nr)));
      else if (indirect) steps.push(() => indirect.fill(view, bBase + bAt * bItem, bAt));
    }
    if (aStep[aAt * mBlocks + iBlock] === -1) {
      aStep[aAt * mBlocks + iBlock] = steps.length;
      steps.push(() => packA(aPanels, aAt, it * mr, Math.min(mcTiles * mr, m - it * mr)));
    }
    unitNeeds.push(steps.length);
    for (let depth = 0; depth < k; depth += kc) {
      commands[w++] = aPanels + depth * mr;
      commands[w++] = indirect ? bPanels : bPanels + depth * nr;
      commands[w++] = cBase + item * cItem + it * mr * ldc + jt * nr;
      commands[w++] = depth === 0 ? -Math.min(kc, k) : Math.min(kc, k - depth); // negative: first block stores
      commands[w++] = Math.min(mcTiles, mTiles - it);
      commands[w++] = Math.min(ncTiles, nTiles - jt);
      commands[w++] = mr * k;
      commands[w++] = indirect ? tableIndex + depth : nr * k;
      commands[w++] = ldc;
      commands[w++] = rowBase + it * mr;
      commands[w++] = colBase + jt * nr;
    }
    unitBounds.push(w / COMMAND_SIZE);
  }
  engine.execute({ kernel: indirect ? 'indirect' : 'packed', steps, unitBounds, unitNeeds }, threads);
  if (sink) sink.consume(view, cBase, ldc, cItem);
  else storeOutput(view, cBase, cItem, ldc, c as OutputMatrix<T>, p, biasInKernel);
}

/**
 * Most elements of an operand (all its items) copied into the scratch for native packing. The copies
 * stay in the scratch's touched pages for good: uncapped, evaluating MNIST in batches of 1000 added
 * ~10 MB to `pnpm start`'s peak; a training step's operands fit (a batch-256 MLP's largest is 200K),
 * and larger ones are out of cache, where native packing gained little over JS (matmul 1024: none).
 */
const STAGED_MAX = 1 << 18;

/**
 * The lines of `source` if the engine should pack them natively from a copy in its scratch: a strided
 * operand of the output's float type whose items span at most twice their `values` (not a narrow slice
 * of a wide matrix), `items` copies of at most {@link STAGED_MAX} elements.
 */
function nativeLines(
  engine: GemmEngine,
  source: PanelSource,
  like: FloatArray,
  values: number,
  items: number,
): StridedLines | undefined {
  const lines = source.strided;
  if (!engine.packLines || !lines || lines.data.constructor !== like.constructor) return undefined;
  return lines.span <= 2 * values && items * lines.span <= STAGED_MAX ? lines : undefined;
}

/**
 * `pack(at, item, first, count)`: lines `[first, first + count)` of batch item `item` into panels of
 * `width` at `view[at]`, by the source's own packing, or natively from a copy of the item placed at
 * `stage` (item i at `stage + i * span`, copied on first use).
 */
function packer(
  engine: GemmEngine,
  view: FloatArray,
  source: PanelSource,
  lines: StridedLines | undefined,
  stage: number,
  items: number,
  k: number,
  width: number,
): (at: number, item: number, first: number, count: number) => void {
  if (!lines) return (at, item, first, count) => source.pack(view, at, item, first, count, width);
  const { data, offset, batchStride, lineStride, depthStride, span } = lines;
  const copied = new Uint8Array(items);
  return (at, item, first, count) => {
    const from = stage + item * span;
    if (!copied[item]) {
      const start = offset + item * batchStride;
      view.set(data.subarray(start, start + span), from);
      copied[item] = 1;
    }
    engine.packLines!(from + first * lineStride, at, count, k, lineStride, depthStride, width, k * width);
  };
}

function copyBias(view: FloatArray, at: number, bias: BiasVector, length: number): void {
  for (let i = 0; i < length; i++) view[at + i] = bias.data[bias.offset + i] as number;
}

/** Rows shorter than this are copied out of the accumulators by a loop, not `set`. */
const SHORT_ROW = 64;

/**
 * Writes `alpha * acc + beta * C` into the caller's C, plus the biases unless the kernel added them;
 * beta 0 never reads C, so NaN there is ignored, as in BLAS.
 */
function storeOutput(
  acc: FloatArray,
  accBase: number,
  accItem: number,
  ldc: number,
  c: OutputMatrix,
  p: Product<FloatArray>,
  biasInKernel: boolean,
): void {
  const { m, n, batch, alpha, beta } = p;
  const out = c.data;
  const outBatchStride = c.batchStride ?? 0;
  const rowBias = biasInKernel ? undefined : p.rowBias;
  const colBias = biasInKernel ? undefined : p.colBias;
  const plain = alpha === 1 && beta === 0 && !rowBias && !colBias;
  if (plain && ldc === n && c.rowStride === n) {
    // Rows back to back on both sides: one copy per item. Copies out of the (shared) GEMM memory cost
    // twice a private one's, and a thousand row-sized ones as much again.
    for (let item = 0; item < batch; item++) {
      const s = accBase + item * accItem;
      out.set(acc.subarray(s, s + m * n), c.offset + item * outBatchStride);
    }
    return;
  }
  for (let item = 0; item < batch; item++) {
    for (let i = 0; i < m; i++) {
      const o = c.offset + item * outBatchStride + i * c.rowStride;
      const s = accBase + item * accItem + i * ldc;
      if (plain) {
        // A short row is copied element by element rather than through a view made for it.
        if (n < SHORT_ROW) for (let j = 0; j < n; j++) out[o + j] = acc[s + j] as number;
        else out.set(acc.subarray(s, s + n), o);
        continue;
      }
      const add = rowBias ? (rowBias.data[rowBias.offset + i] as number) : 0;
      for (let j = 0; j < n; j++) {
        let value = alpha * (acc[s + j] as number) + add;
        if (beta !== 0) value += beta * (out[o + j] as number);
        if (colBias) value += colBias.data[colBias.offset + j] as number;
        out[o + j] = value;
      }
    }
  }
}
