import { gemm } from '../gemm/batched-gemm';
import type { FloatArray } from '../gemm/types';
import { type Conv2dGeometry, resolveConv2d } from './geometry';
import { allocLike, forEachImageRun } from './image-chunks';
import { im2col } from './im2col';

/**
 * Gradient of {@link conv2d} with respect to its weight: per group,
 * `gradWeight[o, (c,kh,kw)] = sum over images and pixels of gradOut[n, o, p] * im2col[(c,kh,kw), (n,p)]`,
 * one GEMM whose depth runs over all images of a run (im2col laid out `[patch][images * pixels]`), so the
 * batch sum happens inside the product. `gradWeight` (`[outChannels, inChannels / groups, kernelHeight,
 * kernelWidth]`) is fully overwritten. The bias gradient is a plain sum of `gradOut` over (n, h, w).
 */
export function conv2dBackwardWeight<T extends FloatArray>(
  geometry: Conv2dGeometry,
  input: T,
  gradOut: T,
  gradWeight: T,
): void {
  const g = resolveConv2d(geometry);
  const { patch, pixels, groupOut } = g;
  const outImage = g.outChannels * pixels;
  let rows: FloatArray | undefined;
  for (let group = 0; group < g.groups; group++) {
    forEachImageRun(g, gradWeight, (first, count, scratch) => {
      const depth = count * pixels;
      im2col(g, input, scratch, { offset: 0, rowStride: depth, imageStride: pixels }, first, count, group, false);
      // gradOut of this group as one [groupOut][images * pixels] matrix.
      if (!rows || rows.length < groupOut * depth) rows = allocLike(scratch, groupOut * depth);
      for (let o = 0; o < groupOut; o++) {
        for (let n = 0; n < count; n++) {
          const s = (first + n) * outImage + (group * groupOut + o) * pixels;
          rows.set(gradOut.subarray(s, s + pixels), o * depth + n * pixels);
        }
      }
      gemm({
        m: groupOut,
        n: patch,
        k: depth,
        a: { data: rows, offset: 0, rowStride: depth, colStride: 1 },
        b: { data: scratch, offset: 0, rowStride: 1, colStride: depth },
        c: { data: gradWeight, offset: group * groupOut * patch, rowStride: patch },
        beta: first === 0 ? 0 : 1,
      });
    });
  }
}
