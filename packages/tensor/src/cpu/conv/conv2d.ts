import { multiply } from '../gemm/multiply';
import { columnsOf, rowsOf } from '../gemm/panel-source';
import type { FloatArray } from '../gemm/types';
import { type Conv2dGeometry, resolveConv2d } from './geometry';
import { im2colPanels } from './im2col-panels';
import { imagesPerRun, isPointwise } from './image-chunks';

/**
 * 2-D convolution forward (cross-correlation, as PyTorch): `out[n, o] = bias[o] + sum over the group's
 * input channels and kernel taps`. All arrays are contiguous NCHW / OIHW of the same float type; `out` is
 * `[batch, outChannels, outHeight, outWidth]` (see {@link resolveConv2d}) and fully overwritten.
 * Each group is one batched GEMM `weight[o, (c,kh,kw)] @ im2col[(c,kh,kw), pixel]` over the images, with
 * the im2col operand packed straight from the input.
 */
export function conv2d<T extends FloatArray>(
  geometry: Conv2dGeometry,
  input: T,
  weight: T,
  bias: T | undefined,
  out: T,
): void {
  const g = resolveConv2d(geometry);
  const { patch, pixels, groupOut } = g;
  const inImage = g.inChannels * g.inHeight * g.inWidth;
  const outImage = g.outChannels * pixels;
  const run = imagesPerRun(g);
  for (let group = 0; group < g.groups; group++) {
    const a = rowsOf({ data: weight, offset: group * groupOut * patch, rowStride: patch, colStride: 1 }, patch);
    for (let first = 0; first < g.batch; first += run) {
      const b = isPointwise(g)
        ? columnsOf(
            { data: input, offset: first * inImage + group * patch * pixels, rowStride: pixels, colStride: 1, batchStride: inImage },
            patch,
          )
        : im2colPanels(g, input, first, group);
      multiply({
        m: groupOut,
        n: pixels,
        k: patch,
        batch: Math.min(run, g.batch - first),
        a,
        b,
        c: { data: out, offset: first * outImage + group * groupOut * pixels, rowStride: pixels, batchStride: outImage },
        alpha: 1,
        beta: 0,
        rowBias: bias && { data: bias, offset: group * groupOut },
      });
    }
  }
}
