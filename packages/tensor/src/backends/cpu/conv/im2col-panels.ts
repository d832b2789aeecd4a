import type { PanelSource } from '../gemm/panel-source';
import type { FloatArray } from '../gemm/types';
import type { ResolvedConv2d } from './geometry';
import { tapColumns } from './tap-range';

/**
 * Writes the im2col values of one kernel tap (input channel plane `channel`, kernel row `kh`, column `kw`)
 * for output pixels `[from, to)` of one image: a run of the image per output row (strided by the conv
 * stride), zeros where the tap reads padding. Each value goes to `dst[d]`, then `d` advances by `step`
 * (the panel width in tap-major panels, 1 in a plain im2col row). Returns the final `d`. Each output row
 * is split into zero / copy / zero spans, so the inner loops carry no bounds checks.
 */
export function walkTap(
  g: ResolvedConv2d,
  image: FloatArray,
  channel: number,
  kh: number,
  kw: number,
  from: number,
  to: number,
  dst: FloatArray,
  d: number,
  step: number,
): number {
  const { inHeight: H, inWidth: W, outWidth: OW, strideW } = g;
  const dy = kh * g.dilationH - g.padTop;
  const [owStart, owEnd] = tapColumns(g, kw);
  const src0 = channel + kw * g.dilationW - g.padLeft;
  for (let q = from, oh = Math.floor(from / OW); q < to; oh++) {
    const rowFrom = q - oh * OW;
    const rowTo = Math.min(OW, rowFrom + to - q);
    const ih = oh * g.strideH + dy;
    const inside = ih >= 0 && ih < H;
    const lo = inside ? Math.min(rowTo, Math.max(rowFrom, owStart)) : rowTo;
    const hi = inside ? Math.max(lo, Math.min(rowTo, owEnd)) : rowTo;
    for (let span = 0; span < 3; span++) {
      let at = span === 0 ? rowFrom : span === 1 ? lo : hi;
      const until = span === 0 ? lo : span === 1 ? hi : rowTo;
      let s = src0 + ih * W + at * strideW;
      if (span === 1) for (; at < until; at++, d += step, s += strideW) dst[d] = image[s] as number;
      else for (; at < until; at++, d += step) dst[d] = 0;
    }
    q += rowTo - rowFrom;
  }
  return d;
}

/** Offset of channel `ci` of `group` in image `n` of the NCHW input. */
const channelOffset = (g: ResolvedConv2d, n: number, group: number, ci: number) =>
  (n * g.inChannels + group * g.groupIn + ci) * g.inHeight * g.inWidth;

/**
 * The transposed im2col matrix of images `[first, first + count)` (channels of `group`) as the B operand
 * of the weight-gradient GEMM: lines are kernel taps (input channel, kernel row, kernel column), depth
 * runs over every output pixel of every image of the run.
 */
export function tapPanels(
  g: ResolvedConv2d,
  image: FloatArray,
  first: number,
  count: number,
  group: number,
): PanelSource {
  const taps = g.kernelHeight * g.kernelWidth;
  const depth = count * g.pixels;
  return {
    shared: true,
    pack(dst, offset, _item, firstLine, lines, width) {
      for (let line = firstLine; line < firstLine + lines; line++) {
        const ci = Math.floor(line / taps);
        const kh = Math.floor((line % taps) / g.kernelWidth);
        const kw = line % g.kernelWidth;
        const local = line - firstLine;
        let d = offset + Math.floor(local / width) * depth * width + (local % width);
        for (let n = first; n < first + count; n++) {
          d = walkTap(g, image, channelOffset(g, n, group, ci), kh, kw, 0, g.pixels, dst, d, width);
        }
      }
      const tail = lines % width;
      if (tail > 0) {
        const panel = offset + Math.floor(lines / width) * depth * width;
        for (let p = 0; p < depth; p++) dst.fill(0, panel + p * width + tail, panel + (p + 1) * width);
      }
    },
  };
}
