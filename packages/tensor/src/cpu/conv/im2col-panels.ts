import type { PanelSource } from '../gemm/panel-source';
import type { FloatArray } from '../gemm/types';
import type { ResolvedConv2d } from './geometry';

/**
 * The im2col matrix of images `first + item` (channels of `group`) as a GEMM B operand: lines are output
 * pixels, depth is (input channel, kernel row, kernel column). Packs panels straight from the image, so
 * the im2col matrix is never materialised; panels whose pixels all keep a kernel tap inside the image
 * skip the bounds checks.
 */
export function im2colPanels(g: ResolvedConv2d, image: FloatArray, first: number, group: number): PanelSource {
  const { inHeight: H, inWidth: W, outWidth: OW, strideH, strideW, padTop, padLeft } = g;
  const plane = H * W;
  let rowOf = new Int32Array(0);
  let colOf = new Int32Array(0);
  let offsetOf = new Int32Array(0);
  return {
    shared: false,
    pack(dst, offset, item, firstLine, count, width) {
      if (rowOf.length < width) [rowOf, colOf, offsetOf] = [new Int32Array(width), new Int32Array(width), new Int32Array(width)];
      const channels = ((first + item) * g.inChannels + group * g.groupIn) * plane;
      let d = offset;
      for (let q = firstLine; q < firstLine + count; q += width) {
        const lines = Math.min(width, firstLine + count - q);
        let rowMin = H;
        let rowMax = -H;
        let colMin = W;
        let colMax = -W;
        for (let j = 0; j < lines; j++) {
          const oh = Math.floor((q + j) / OW);
          const row = oh * strideH - padTop;
          const col = (q + j - oh * OW) * strideW - padLeft;
          rowOf[j] = row;
          colOf[j] = col;
          offsetOf[j] = row * W + col;
          rowMin = Math.min(rowMin, row);
          rowMax = Math.max(rowMax, row);
          colMin = Math.min(colMin, col);
          colMax = Math.max(colMax, col);
        }
        for (let ci = 0; ci < g.groupIn; ci++) {
          for (let kh = 0; kh < g.kernelHeight; kh++) {
            const dy = kh * g.dilationH;
            const rowsInside = rowMin + dy >= 0 && rowMax + dy < H;
            for (let kw = 0; kw < g.kernelWidth; kw++, d += width) {
              const dx = kw * g.dilationW;
              const base = channels + ci * plane + dy * W + dx;
              if (rowsInside && colMin + dx >= 0 && colMax + dx < W) {
                for (let j = 0; j < lines; j++) dst[d + j] = image[base + (offsetOf[j] as number)] as number;
              } else {
                for (let j = 0; j < lines; j++) {
                  const inside = ((rowOf[j] as number) + dy) >>> 0 < H && ((colOf[j] as number) + dx) >>> 0 < W;
                  dst[d + j] = inside ? (image[base + (offsetOf[j] as number)] as number) : 0;
                }
              }
              for (let j = lines; j < width; j++) dst[d + j] = 0;
            }
          }
        }
      }
    },
  };
}
