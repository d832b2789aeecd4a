import { multiply } from '../gemm/multiply';
import type { FloatArray } from '../gemm/types';
import { channelPanels } from './channel-panels';
import { type Conv2dGeometry, resolveConv2d } from './geometry';
import { tapPanels } from './im2col-panels';
import { imagesPerRun } from './image-chunks';

/**
 * Gradient of {@link conv2d} with respect to its weight: per group,
 * `gradWeight[o, (c,kh,kw)] = sum over images and pixels of im2col[(c,kh,kw), (n,p)] * gradOut[n, o, p]`,
 * one GEMM whose depth runs over all pixels of a run of images, so the batch sum happens inside the
 * product. Both operands are packed straight from input and gradOut. The product is computed
 * transposed (taps x channels: kernels usually have more taps than a tile is tall, fewer channels
 * than a tile is wide) and written back transposed. `gradWeight` (`[outChannels, inChannels / groups,
 * kernelHeight, kernelWidth]`) is fully overwritten. The bias gradient is a plain sum of `gradOut`
 * over (n, h, w).
 */
export function conv2dBackwardWeight<T extends FloatArray>(
  geometry: Conv2dGeometry,
  input: T,
  gradOut: T,
  gradWeight: T,
): void {
  const g = resolveConv2d(geometry);
  const { patch, groupOut } = g;
  const run = imagesPerRun(g);
  for (let group = 0; group < g.groups; group++) {
    for (let first = 0; first < g.batch; first += run) {
      const count = Math.min(run, g.batch - first);
      const consume = (acc: FloatArray, base: number, ldc: number) => {
        for (let o = 0; o < groupOut; o++) {
          const row = (group * groupOut + o) * patch;
          for (let r = 0; r < patch; r++) {
            const value = acc[base + r * ldc + o] as number;
            gradWeight[row + r] = first === 0 ? value : (gradWeight[row + r] as number) + value;
          }
        }
      };
      multiply({
        m: patch,
        n: groupOut,
        k: count * g.pixels,
        batch: 1,
        a: tapPanels(g, input, first, count, group),
        b: channelPanels(g, gradOut, first, count, group),
        c: { like: gradWeight, consume },
        alpha: 1,
        beta: 0,
      });
    }
  }
}
