import type { PanelSource } from '../gemm/panel-source';
import type { FloatArray } from '../gemm/types';
import type { ResolvedConv2d } from './geometry';
import { tapColumns } from './tap-range';

/**
 * Writes the im2col values of one kernel tap (input channel plane `channel`, kernel row `kh`, column `kw`)
 * for output pixels `[from, to)` of one image: a run of the image per output row (strided by the conv
 * stride), zeros where the tap reads padding. Each value goes to `dst[d]`, then `d` advances by `step`,
 * except after every `wrap` values (counted from `from`) where it advances by `jump` instead — which is
 * how one walk fills either pixel-major panels (forward) or tap-major panels (weight gradient, `wrap`
 * infinite). Returns the final `d`. Runs are split into zero / copy / zero spans and chunks between
 * wraps, so the inner loops carry no bounds checks.
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
  wrap: number,
  jump: number,
): number {
  const { inHeight: H, inWidth: W, outWidth: OW, strideW } = g;
  const dy = kh * g.dilationH - g.padTop;
  const [owStart, owEnd] = tapColumns(g, kw);
  const src0 = channel + kw * g.dilationW - g.padLeft;
  let room = wrap;
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
      while (at < until) {
        const chunk = Math.min(until - at, room);
        if (span === 1) for (let t = 0; t < chunk; t++, d += step, s += strideW) dst[d] = image[s] as number;
        else for (let t = 0; t < chunk; t++, d += step) dst[d] = 0;
        at += chunk;
        room -= chunk;
        if (room === 0) {
          room = wrap;
          d += jump - step;
        }
      }
    }
    q += rowTo - rowFrom;
  }
  return d;
}

/** Offset of channel `ci` of `group` in image `n` of the NCHW input. */
const channelOffset = (g: ResolvedConv2d, n: number, group: number, ci: number) =>
  (n * g.inChannels + group * g.groupIn + ci) * g.inHeight * g.inWidth;

/**
 * The im2col matrix of image `first + item` (channels of `group`) as the B operand of the forward GEMM:
 * lines are output pixels, depth is (input channel, kernel row, kernel column). Packed straight from the
 * image, so the im2col matrix is never materialised.
 */
export function pixelPanels(g: ResolvedConv2d, image: FloatArray, first: number, group: number): PanelSource {
  return {
    shared: false,
    pack(dst, offset, item, firstLine, count, width) {
      const tail = count % width;
      let row = 0;
      for (let ci = 0; ci < g.groupIn; ci++) {
        const channel = channelOffset(g, first + item, group, ci);
        for (let kh = 0; kh < g.kernelHeight; kh++) {
          for (let kw = 0; kw < g.kernelWidth; kw++, row++) {
            const jump = (g.patch - 1) * width + 1; // from the last lane of a panel row to the next panel
            const end = walkTap(
              g,
              image,
              channel,
              kh,
              kw,
              firstLine,
              firstLine + count,
              dst,
              offset + row * width,
              1,
              width,
              jump,
            );
            if (tail > 0) dst.fill(0, end, end + width - tail);
          }
        }
      }
    },
  };
}

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
          d = walkTap(
            g,
            image,
            channelOffset(g, n, group, ci),
            kh,
            kw,
            0,
            g.pixels,
            dst,
            d,
            width,
            Number.POSITIVE_INFINITY,
            0,
          );
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
