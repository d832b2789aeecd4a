import type { FloatArray } from './types';

/**
 * Packs `count` lines of a strided operand into zero-padded panels of `width` lines, each panel stored
 * k-major (`width` consecutive values per k step) — the layout the micro-kernels stream through.
 * For A the lines are rows (panelStride = rowStride, kStride = colStride); for B they are columns.
 * Panels are `k * width` long; padding lines are zero so edge tiles need no special kernel.
 */
export function packPanels(
  dst: FloatArray,
  dstOffset: number,
  src: FloatArray,
  srcOffset: number,
  count: number,
  k: number,
  panelStride: number,
  kStride: number,
  width: number,
): void {
  let d = dstOffset;
  for (let first = 0; first < count; first += width) {
    const lines = Math.min(width, count - first);
    const base = srcOffset + first * panelStride;
    if (lines === width && panelStride === 1) {
      // Lines contiguous in memory (B row-major, A column-major): a straight copy per k step.
      for (let p = 0; p < k; p++, d += width) {
        const s = base + p * kStride;
        for (let r = 0; r < width; r++) dst[d + r] = src[s + r] as number;
      }
      continue;
    }
    for (let p = 0; p < k; p++, d += width) {
      const s = base + p * kStride;
      for (let r = 0; r < lines; r++) dst[d + r] = src[s + r * panelStride] as number;
      for (let r = lines; r < width; r++) dst[d + r] = 0;
    }
  }
}
