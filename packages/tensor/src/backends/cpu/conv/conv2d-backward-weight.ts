import { engineFor } from '../gemm/engine-for';
import { multiply } from '../gemm/multiply';
import type { FloatArray } from '../gemm/types';
import { channelPanels } from './channel-panels';
import { channelsLastImage } from './channels-last-image';
import { type Conv2dGeometry, type ResolvedConv2d, resolveConv2d } from './geometry';
import { tapPanels } from './im2col-panels';
import { imagesPerRun } from './image-chunks';
import { paddedWidth } from './padded-image';

/**
 * Gradient of {@link conv2d} with respect to its weight: per group,
 * `gradWeight[o, (c,kh,kw)] = sum over images and pixels of im2col[(c,kh,kw), (n,p)] * gradOut[n, o, p]`,
 * GEMMs whose depth runs over all pixels of a run of images, so the batch sum happens inside the
 * product. gradOut is packed straight from its planes. When the engine reads B through row offsets,
 * a kernel row's taps are wide enough to fill its tiles and im2col is several times the input (see
 * below), im2col is a view of a channels-last copy of the input ({@link channelsLastImage}): one
 * product per kernel row, channels x (kw, c), with no im2col packing at all. Otherwise im2col panels
 * are packed from the input and the product is computed transposed (taps x channels: kernels usually
 * have more taps than a tile is tall, fewer channels than a tile is wide). `gradWeight` (`[outChannels, inChannels / groups, kernelHeight, kernelWidth]`) is
 * fully overwritten.
 */
export function conv2dBackwardWeight<T extends FloatArray>(
  geometry: Conv2dGeometry,
  input: T,
  gradOut: T,
  gradWeight: T,
): void {
  const g = resolveConv2d(geometry);
  const { patch, groupOut, groupIn, kernelHeight: KH, kernelWidth: KW } = g;
  const engine = engineFor(gradWeight);
  // Packing im2col costs a JS copy per tap and pixel, often more than the product; the channels-last
  // view costs one (cache-unfriendly) transposing copy per padded input value plus native shifted copies.
  // Worth it when im2col is several times the padded input (3x3 stride 1, not stride 2 or 1x1) and a
  // kernel row's taps fill most of a tile.
  const paddedInput = groupIn * (g.inHeight + g.padTop + g.padBottom) * paddedWidth(g);
  const byKernelRow =
    engine.indirect && g.dilationW === 1 && KW * groupIn >= engine.nr && patch * g.pixels >= 4 * paddedInput;
  const run = imagesPerRun(g);
  for (let group = 0; group < g.groups; group++) {
    for (let first = 0; first < g.batch; first += run) {
      const count = Math.min(run, g.batch - first);
      const store = (at: number, value: number) => {
        gradWeight[at] = first === 0 ? value : (gradWeight[at] as number) + value;
      };
      const gradOutPanels = channelPanels(g, gradOut, first, count, group);
      const k = count * g.pixels;
      if (byKernelRow) {
        multiply({
          m: groupOut,
          n: KW * groupIn,
          k,
          batch: KH,
          a: gradOutPanels,
          b: channelsLastImage(g, input, first, count, group),
          c: {
            like: gradWeight,
            consume(acc, base, ldc, itemStride) {
              for (let o = 0; o < groupOut; o++) {
                for (let kh = 0; kh < KH; kh++) {
                  for (let kw = 0, j = base + kh * itemStride + o * ldc; kw < KW; kw++) {
                    for (let c = 0; c < groupIn; c++, j++)
                      store(weightIndex(g, group, o, c, kh, kw), acc[j] as number);
                  }
                }
              }
            },
          },
          alpha: 1,
          beta: 0,
        });
      } else {
        multiply({
          m: patch,
          n: groupOut,
          k,
          batch: 1,
          a: tapPanels(g, input, first, count, group),
          b: gradOutPanels,
          c: {
            like: gradWeight,
            consume(acc, base, ldc) {
              for (let o = 0; o < groupOut; o++) {
                const row = (group * groupOut + o) * patch;
                for (let r = 0; r < patch; r++) store(row + r, acc[base + r * ldc + o] as number);
              }
            },
          },
          alpha: 1,
          beta: 0,
        });
      }
    }
  }
}

/** Index of weight element `[group * groupOut + o, c, kh, kw]` in OIHW order. */
const weightIndex = (g: ResolvedConv2d, group: number, o: number, c: number, kh: number, kw: number) =>
  (((group * g.groupOut + o) * g.groupIn + c) * g.kernelHeight + kh) * g.kernelWidth + kw;
