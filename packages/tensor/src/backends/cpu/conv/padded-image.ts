import type { IndirectSource } from '../gemm/panel-source';
import type { FloatArray } from '../gemm/types';
import type { ResolvedConv2d } from './geometry';

/** Width of the zero-padded input, which is also the row pitch of {@link paddedImage}'s output grid. */
export const paddedWidth = (g: ResolvedConv2d) => g.inWidth + g.padLeft + g.padRight;

/**
 * The im2col matrix of a stride-1 convolution as an indirect GEMM operand, never materialised: each
 * image's channels of `group` are copied once, zero-padded, into scratch; the output is computed on the
 * padded grid (pixel `oh * paddedWidth + ow`, the columns with `ow >= outWidth` being discarded), where
 * im2col row (c, kh, kw) is simply the padded image shifted by `c * plane + kh * dilationH * paddedWidth
 * + kw * dilationW`. GEMM columns: `outHeight * paddedWidth`.
 */
export function paddedImage(
  g: ResolvedConv2d,
  input: FloatArray,
  first: number,
  group: number,
): IndirectSource {
  const { inHeight: H, inWidth: W, kernelHeight: KH, kernelWidth: KW } = g;
  const Wp = paddedWidth(g);
  const plane = (H + g.padTop + g.padBottom) * Wp;
  const rowOffsets = new Int32Array(g.patch);
  for (let ci = 0, r = 0; ci < g.groupIn; ci++) {
    for (let kh = 0; kh < KH; kh++) {
      for (let kw = 0; kw < KW; kw++) rowOffsets[r++] = ci * plane + kh * g.dilationH * Wp + kw * g.dilationW;
    }
  }
  return {
    // Tiles may read a tile width past the last grid column, beyond the bottom-right tap.
    size: g.groupIn * plane + (KW - 1) * g.dilationW + 64,
    rowOffsets,
    fill(dst, offset, item) {
      dst.fill(0, offset, offset + this.size);
      const image = ((first + item) * g.inChannels + group * g.groupIn) * H * W;
      for (let ci = 0; ci < g.groupIn; ci++) {
        for (let ih = 0; ih < H; ih++) {
          const s = image + (ci * H + ih) * W;
          const d = offset + ci * plane + (ih + g.padTop) * Wp + g.padLeft;
          for (let iw = 0; iw < W; iw++) dst[d + iw] = input[s + iw] as number;
        }
      }
    },
  };
}
