import type { IndirectSource } from '../gemm/panel-source';
import type { FloatArray } from '../gemm/types';
import type { ResolvedConv2d } from './geometry';
import { paddedWidth } from './padded-image';

/**
 * The transposed im2col matrix of images `[first, first + count)` (channels of `group`) as an indirect
 * GEMM operand for the weight gradient, never materialised: the images are copied once, zero-padded and
 * channels-last (`[image, row, column, channel]`), so for one output pixel and one kernel row the taps
 * (kernel column, channel) are `kernelWidth * groupIn` consecutive values (kernel columns adjacent needs
 * `dilationW` 1). Depth row p (pixel `(image, oh, ow)` of the run) starts where that pixel's window
 * does; batch item `kh` is the copy shifted down by kernel row `kh`, so columns are `(kw, channel)`.
 */
export function channelsLastImage(
  g: ResolvedConv2d,
  input: FloatArray,
  first: number,
  count: number,
  group: number,
): IndirectSource {
  const { inHeight: H, inWidth: W, groupIn: C } = g;
  const Wp = paddedWidth(g);
  const image = (H + g.padTop + g.padBottom) * Wp * C;
  const rowShift = g.dilationH * Wp * C;
  // Tiles may read up to a tile width past the last tap column; those columns are discarded.
  const size = count * image + 64;
  const copy =
    input instanceof Float32Array
      ? new Float32Array(size + (g.kernelHeight - 1) * rowShift)
      : new Float64Array(size + (g.kernelHeight - 1) * rowShift);
  for (let n = 0; n < count; n++) {
    for (let ci = 0; ci < C; ci++) {
      for (let ih = 0; ih < H; ih++) {
        const s = ((first + n) * g.inChannels + group * C + ci) * H * W + ih * W;
        let d = n * image + ((ih + g.padTop) * Wp + g.padLeft) * C + ci;
        for (let iw = 0; iw < W; iw++, d += C) copy[d] = input[s + iw] as number;
      }
    }
  }
  const rowOffsets = new Int32Array(count * g.pixels);
  for (let n = 0, p = 0; n < count; n++) {
    for (let oh = 0; oh < g.outHeight; oh++) {
      for (let ow = 0; ow < g.outWidth; ow++) {
        rowOffsets[p++] = n * image + (oh * g.strideH * Wp + ow * g.strideW) * C;
      }
    }
  }
  return {
    size,
    rowOffsets,
    fill(dst, offset, kh) {
      dst.set(copy.subarray(kh * rowShift, kh * rowShift + size), offset);
    },
  };
}
