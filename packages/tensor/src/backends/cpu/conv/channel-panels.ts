import { packPanels } from '../gemm/pack';
import type { PanelSource } from '../gemm/panel-source';
import type { FloatArray } from '../gemm/types';
import type { ResolvedConv2d } from './geometry';

/**
 * The output-channel planes of `group` in images `[first, first + count)` of an NCHW `[batch,
 * outChannels, outHeight, outWidth]` array (a gradOut) as one GEMM operand: lines are the group's
 * channels, depth runs over every pixel of every image of the run — read in place, image by image.
 */
export function channelPanels(
  g: ResolvedConv2d,
  planes: FloatArray,
  first: number,
  count: number,
  group: number,
): PanelSource {
  const { pixels } = g;
  const depth = count * pixels;
  return {
    shared: true,
    pack(dst, offset, _item, firstLine, lines, width) {
      for (let n = 0; n < count; n++) {
        const src = ((first + n) * g.outChannels + group * g.groupOut + firstLine) * pixels;
        packPanels(
          dst,
          offset + n * pixels * width,
          planes,
          src,
          lines,
          pixels,
          pixels,
          1,
          width,
          depth * width,
        );
      }
    },
  };
}
