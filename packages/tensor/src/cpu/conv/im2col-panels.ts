import type { PanelSource } from '../gemm/panel-source';
import type { FloatArray } from '../gemm/types';
import type { ResolvedConv2d } from './geometry';

/**
 * The im2col matrix of images `first + item` (channels of `group`) as a GEMM B operand: lines are output
 * pixels, depth is (input channel, kernel row, kernel column). Packs panels straight from the image, so
 * the im2col matrix is never materialised. For each depth row it walks the pixels in order — a
 * contiguous (strided by the conv stride) run of the image per output row, zeros where the tap falls in
 * the padding — writing `width` lanes of one panel, then jumping to the same row of the next panel.
 */
export function im2colPanels(g: ResolvedConv2d, image: FloatArray, first: number, group: number): PanelSource {
  const { inHeight: H, inWidth: W, outWidth: OW, strideH, strideW, groupIn, kernelHeight, kernelWidth } = g;
  const plane = H * W;
  return {
    shared: false,
    pack(dst, offset, item, firstLine, count, width) {
      const end = firstLine + count;
      const jump = (g.patch - 1) * width + 1;
      const firstRow = Math.floor(firstLine / OW);
      let row = 0;
      for (let ci = 0; ci < groupIn; ci++) {
        const channel = ((first + item) * g.inChannels + group * groupIn + ci) * plane;
        for (let kh = 0; kh < kernelHeight; kh++) {
          const dy = kh * g.dilationH - g.padTop;
          for (let kw = 0; kw < kernelWidth; kw++, row++) {
            const dx = kw * g.dilationW - g.padLeft;
            // Output columns whose input column 0 <= ow * strideW + dx < W.
            const owStart = Math.min(OW, Math.max(0, Math.ceil(-dx / strideW)));
            const owEnd = Math.max(owStart, Math.min(OW, Math.ceil((W - dx) / strideW)));
            let d = offset + row * width;
            let lane = 0;
            for (let q = firstLine, oh = firstRow; q < end; oh++) {
              const from = q - oh * OW;
              const to = Math.min(OW, from + end - q);
              const ih = oh * strideH + dy;
              const inside = ih >= 0 && ih < H;
              const lo = inside ? Math.max(from, owStart) : to;
              const hi = inside ? Math.min(to, owEnd) : to;
              const src = channel + ih * W + dx;
              for (let ow = from; ow < to; ow++) {
                dst[d] = ow >= lo && ow < hi ? (image[src + ow * strideW] as number) : 0;
                if (++lane === width) {
                  lane = 0;
                  d += jump;
                } else d++;
              }
              q += to - from;
            }
            for (; lane > 0 && lane < width; lane++) dst[d++] = 0;
          }
        }
      }
    },
  };
}
