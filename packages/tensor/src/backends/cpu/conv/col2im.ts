import type { FloatArray } from '../gemm/types';
import type { ResolvedConv2d } from './geometry';
import { tapColumns } from './tap-range';

/**
 * col2im, the adjoint of im2col: adds every entry of the im2col-shaped matrices of images
 * `[first, first + count)` (rows (channel of `group`, kernel row, kernel column), columns output pixels;
 * row r of image n at `cols[offset + n * imageStride + r * rowStride]`) onto the input pixel it was
 * gathered from, skipping taps that read padding. Used by the input gradient.
 */
export function col2im(
  g: ResolvedConv2d,
  cols: FloatArray,
  offset: number,
  rowStride: number,
  imageStride: number,
  image: FloatArray,
  first: number,
  count: number,
  group: number,
): void {
  const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW, strideH, strideW } = g;
  for (let n = 0; n < count; n++) {
    let row = offset + n * imageStride;
    for (let ci = 0; ci < g.groupIn; ci++) {
      const channel = ((first + n) * g.inChannels + group * g.groupIn + ci) * H * W;
      for (let kh = 0; kh < g.kernelHeight; kh++) {
        for (let kw = 0; kw < g.kernelWidth; kw++, row += rowStride) {
          const [owStart, owEnd] = tapColumns(g, kw);
          const dx = kw * g.dilationW - g.padLeft;
          for (let oh = 0; oh < OH; oh++) {
            const ih = oh * strideH + kh * g.dilationH - g.padTop;
            if (ih < 0 || ih >= H) continue;
            const s = channel + ih * W + dx;
            const d = row + oh * OW;
            for (let ow = owStart; ow < owEnd; ow++) {
              const i = s + ow * strideW;
              image[i] = (image[i] as number) + (cols[d + ow] as number);
            }
          }
        }
      }
    }
  }
}
