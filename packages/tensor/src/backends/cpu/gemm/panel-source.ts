import { packPanels } from './pack';
import type { FloatArray, MatrixOperand } from './types';

/**
 * One GEMM operand as something that packs itself: lines (rows of A, columns of B) into zero-padded
 * panels of `width` lines, each panel k-major (`width` values per depth step), `k * width` long.
 * Strided matrices and im2col views of an image both implement it, so a convolution feeds the GEMM
 * straight from its input without materialising the im2col matrix.
 */
export interface PanelSource {
  /** True when every batch item uses the same matrix, so it is packed once. */
  readonly shared: boolean;
  /** Packs lines `[first, first + count)` of batch item `item` starting at `dst[offset]`. */
  pack(dst: FloatArray, offset: number, item: number, first: number, count: number, width: number): void;
  /**
   * Where the lines sit, for a strided matrix: lets an engine with `packLines` copy an item into its
   * scratch with one native copy and pack it there.
   */
  readonly strided?: StridedLines;
}

/** A strided operand's lines in memory (see {@link PanelSource.strided}). */
export interface StridedLines {
  readonly data: FloatArray;
  /** Index of batch item 0's line 0 at depth 0. */
  readonly offset: number;
  readonly batchStride: number;
  readonly lineStride: number;
  readonly depthStride: number;
  /** Elements from an item's first value to just past its last (all strides are >= 0). */
  readonly span: number;
}

/**
 * `lines` lines of a strided operand `lineStride` apart, each running `k` deep with `depthStride` between
 * values.
 */
function stridedLines(
  m: MatrixOperand,
  lines: number,
  k: number,
  lineStride: number,
  depthStride: number,
): PanelSource {
  const batchStride = m.batchStride ?? 0;
  const span = (lines - 1) * lineStride + (k - 1) * depthStride + 1;
  return {
    shared: batchStride === 0,
    strided:
      lines > 0 && k > 0 && lineStride >= 0 && depthStride >= 0
        ? { data: m.data, offset: m.offset, batchStride, lineStride, depthStride, span }
        : undefined,
    pack: (dst, offset, item, first, count, width) =>
      packPanels(
        dst,
        offset,
        m.data,
        m.offset + item * batchStride + first * lineStride,
        count,
        k,
        lineStride,
        depthStride,
        width,
      ),
  };
}

/** A strided `m x k` A operand, packed by rows. */
export function rowsOf(a: MatrixOperand, m: number, k: number): PanelSource {
  return stridedLines(a, m, k, a.rowStride, a.colStride);
}

/** A strided `k x n` B operand, packed by columns. */
export function columnsOf(b: MatrixOperand, k: number, n: number): PanelSource {
  return stridedLines(b, n, k, b.colStride, b.rowStride);
}

/**
 * A B operand the indirect kernel reads in place (engines with `indirect`): per batch item, `size`
 * elements copied into scratch by `fill`; depth row p starts at element `rowOffsets[p]` of that copy
 * and is contiguous along columns. Columns past `n` may be read (up to the next multiple of the tile
 * width), so `size` must leave room for them; their results are discarded.
 */
export interface IndirectSource {
  readonly size: number;
  readonly rowOffsets: Int32Array;
  fill(dst: FloatArray, offset: number, item: number): void;
}
