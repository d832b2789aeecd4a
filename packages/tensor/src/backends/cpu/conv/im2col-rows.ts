import type { GemmEngine } from '../gemm/engine';
import type { IndirectSource } from '../gemm/panel-source';
import type { FloatArray } from '../gemm/types';
import type { ResolvedConv2d } from './geometry';
import { paddedWidth } from './padded-image';

/**
 * Whether {@link im2colRows} beats packing panels for `g`: stride 1, few taps and a small output per
 * image. Measured (batch x in -> out channels, image, kernel; medians against packed panels): 32 x 1->32,
 * 28x28, 3x3 0.785 -> 0.615 ms; 8 x 1->64, 28x28, 3x3 0.35 -> 0.30; 32 x 1->16, 28x28, 3x3 0.57 -> 0.45.
 * Deep patches (1->32 5x5: 1.23 -> 1.87) and large outputs per image (4 x 1->128 64x64 3x3: 2.6 -> 4.9;
 * 2 x 1->32 128x128: 1.8 -> 2.6) ran slower through the indirect kernel than packed.
 */
export const im2colRowsApply = (g: ResolvedConv2d): boolean =>
  g.strideH === 1 && g.strideW === 1 && g.patch <= 16 && g.groupOut * g.pixels <= 65536;

/**
 * The im2col matrix of a stride-1 convolution's image `first + item` (channels of `group`), materialised
 * in the GEMM scratch by the engine's row copies and read by the indirect kernel: row (c, kh, kw) is
 * contiguous and `rowPitch` floats from the next, so the output comes out at the output's own width. The
 * image is copied in whole, spread into a zero-padded grid, and each tap's rows copied out of the grid
 * (OH runs of OW floats) — for shallow patches, where packing panels in JS cost 0.22 ms of a 0.8 ms
 * 1->32 channel 3x3 convolution. Scratch per item: the matrix, then the grid, then the image.
 */
export function im2colRows(
  g: ResolvedConv2d,
  input: FloatArray,
  first: number,
  group: number,
  copyRows: NonNullable<GemmEngine['copyRows']>,
  nr: number,
): IndirectSource {
  const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW, kernelHeight: KH, kernelWidth: KW } = g;
  const Wp = paddedWidth(g);
  const plane = (H + g.padTop + g.padBottom) * Wp;
  // Tiles read up to the next multiple of nr columns; those columns' results are discarded.
  const rowPitch = Math.ceil(g.pixels / nr) * nr;
  const rowOffsets = new Int32Array(g.patch).map((_, p) => p * rowPitch);
  const matrix = g.patch * rowPitch;
  const grid = g.groupIn * plane;
  const image = g.groupIn * H * W;
  return {
    size: matrix + grid + image,
    rowOffsets,
    fill(dst, offset, item) {
      const gridAt = offset + matrix;
      const imageAt = gridAt + grid;
      const source = ((first + item) * g.inChannels + group * g.groupIn) * H * W;
      dst.set(input.subarray(source, source + image), imageAt);
      dst.fill(0, gridAt, imageAt);
      copyRows(imageAt, gridAt + g.padTop * Wp + g.padLeft, g.groupIn, H, W, {
        fromRow: W,
        toRow: Wp,
        fromPlane: H * W,
        toPlane: plane,
      });
      for (let ci = 0; ci < g.groupIn; ci++) {
        for (let kh = 0; kh < KH; kh++) {
          copyRows(
            gridAt + ci * plane + kh * g.dilationH * Wp,
            offset + (ci * KH + kh) * KW * rowPitch,
            KW,
            OH,
            OW,
            {
              fromRow: Wp,
              toRow: OW,
              fromPlane: g.dilationW,
              toPlane: rowPitch,
            },
          );
        }
      }
    },
  };
}
