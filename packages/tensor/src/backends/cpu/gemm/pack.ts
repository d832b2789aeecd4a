import type { FloatArray } from './types';

/**
 * Packs `count` lines of a strided operand into zero-padded panels of `width` lines, each panel stored
 * k-major (`width` consecutive values per k step) — the layout the micro-kernels stream through.
 * For A the lines are rows (lineStride = rowStride, kStride = colStride); for B they are columns.
 * Panels start `panelSize` apart (default `k * width`; larger when this call fills only part of the
 * depth of each panel); padding lines are zero so edge tiles need no special kernel.
 */
export function packPanels(
  dst: FloatArray,
  dstOffset: number,
  src: FloatArray,
  srcOffset: number,
  count: number,
  k: number,
  lineStride: number,
  kStride: number,
  width: number,
  panelSize = k * width,
): void {
  for (let first = 0, panel = dstOffset; first < count; first += width, panel += panelSize) {
    const lines = Math.min(width, count - first);
    const base = srcOffset + first * lineStride;
    if (kStride === 1) {
      // Lines contiguous along k (A row-major, B transposed): read each line in one sweep.
      for (let r = 0; r < lines; r++) {
        const s = base + r * lineStride;
        for (let p = 0, d = panel + r; p < k; p++, d += width) dst[d] = src[s + p] as number;
      }
    } else {
      for (let p = 0, d = panel; p < k; p++, d += width) {
        const s = base + p * kStride;
        for (let r = 0; r < lines; r++) dst[d + r] = src[s + r * lineStride] as number;
      }
    }
    if (lines < width) {
      for (let p = 0, d = panel; p < k; p++, d += width) dst.fill(0, d + lines, d + width);
    }
  }
}
