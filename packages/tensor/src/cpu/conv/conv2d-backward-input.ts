import { batchedGemm } from '../gemm/batched-gemm';
import type { FloatArray } from '../gemm/types';
import { type Conv2dGeometry, resolveConv2d } from './geometry';
import { forEachImageRun, isPointwise } from './image-chunks';
import { im2col } from './im2col';

/**
 * Gradient of {@link conv2d} with respect to its input: per group and image,
 * `cols = weight^T @ gradOut`, then col2im adds every column back onto the pixels it was gathered from.
 * `gradOut` is `[batch, outChannels, outHeight, outWidth]`; `gradInput` (`[batch, inChannels, inHeight,
 * inWidth]`) is fully overwritten. This is also the forward pass of a transposed convolution.
 */
export function conv2dBackwardInput<T extends FloatArray>(
  geometry: Conv2dGeometry,
  gradOut: T,
  weight: T,
  gradInput: T,
): void {
  const g = resolveConv2d(geometry);
  const { patch, pixels, groupOut } = g;
  const inImage = g.inChannels * g.inHeight * g.inWidth;
  const outImage = g.outChannels * pixels;
  const pointwise = isPointwise(g);
  if (!pointwise) gradInput.fill(0, 0, g.batch * inImage);
  for (let group = 0; group < g.groups; group++) {
    forEachImageRun(g, gradInput, (first, count, scratch) => {
      batchedGemm({
        m: patch,
        n: pixels,
        k: groupOut,
        batch: count,
        a: { data: weight, offset: group * groupOut * patch, rowStride: 1, colStride: patch, batchStride: 0 },
        b: {
          data: gradOut,
          offset: first * outImage + group * groupOut * pixels,
          rowStride: pixels,
          colStride: 1,
          batchStride: outImage,
        },
        c: pointwise
          ? { data: gradInput, offset: first * inImage + group * patch * pixels, rowStride: pixels, batchStride: inImage }
          : { data: scratch, offset: 0, rowStride: pixels, batchStride: patch * pixels },
      });
      if (!pointwise) {
        im2col(g, gradInput, scratch, { offset: 0, rowStride: pixels, imageStride: patch * pixels }, first, count, group, true);
      }
    });
  }
}
