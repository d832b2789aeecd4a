import type { FloatArray } from '../gemm/types';
import type { ResolvedConv2d } from './geometry';

/** Where the im2col matrix of a run of images lives: row r of image n starts at `offset + r * rowStride + n * imageStride`. */
export interface ColumnLayout {
  readonly offset: number;
  readonly rowStride: number;
  readonly imageStride: number;
}

/**
 * Moves data between images `[first, first + count)` of the NCHW `image` (channels of `group` only) and
 * their im2col matrix (`patch` rows — channel, kernel row, kernel column — by `pixels` columns).
 * `scatter` false gathers (im2col, zeros where the kernel hits padding); true adds the columns back
 * into the image (col2im, the adjoint, used by the input gradient). One walker serves both so the
 * padding bounds are computed in one place, per output row rather than per element.
 */
export function im2col(
  g: ResolvedConv2d,
  image: FloatArray,
  col: FloatArray,
  layout: ColumnLayout,
  first: number,
  count: number,
  group: number,
  scatter: boolean,
): void {
  const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW, strideH, strideW } = g;
  const plane = H * W;
  for (let n = 0; n < count; n++) {
    let row = layout.offset + n * layout.imageStride;
    for (let ci = 0; ci < g.groupIn; ci++) {
      const channel = ((first + n) * g.inChannels + group * g.groupIn + ci) * plane;
      for (let kh = 0; kh < g.kernelHeight; kh++) {
        for (let kw = 0; kw < g.kernelWidth; kw++, row += layout.rowStride) {
          const dx = kw * g.dilationW - g.padLeft;
          // Output columns whose input column 0 <= ow * strideW + dx < W.
          const owStart = Math.min(OW, Math.max(0, Math.ceil(-dx / strideW)));
          const owEnd = Math.max(owStart, Math.min(OW, Math.ceil((W - dx) / strideW)));
          for (let oh = 0; oh < OH; oh++) {
            const ih = oh * strideH + kh * g.dilationH - g.padTop;
            const d = row + oh * OW;
            if (ih < 0 || ih >= H) {
              if (!scatter) col.fill(0, d, d + OW);
              continue;
            }
            const s = channel + ih * W + dx;
            if (scatter) {
              for (let ow = owStart; ow < owEnd; ow++) {
                const i = s + ow * strideW;
                image[i] = (image[i] as number) + (col[d + ow] as number);
              }
            } else {
              col.fill(0, d, d + owStart);
              if (strideW === 1) col.set(image.subarray(s + owStart, s + owEnd), d + owStart);
              else for (let ow = owStart; ow < owEnd; ow++) col[d + ow] = image[s + ow * strideW] as number;
              col.fill(0, d + owEnd, d + OW);
            }
          }
        }
      }
    }
  }
}
