import { multiply } from '../gemm/multiply';
import { columnsOf, rowsOf } from '../gemm/panel-source';
import type { FloatArray } from '../gemm/types';
import { col2im } from './col2im';
import { conv2d } from './conv2d';
import { type Conv2dGeometry, type ResolvedConv2d, resolveConv2d } from './geometry';
import { imagesPerRun } from './image-chunks';

/**
 * Gradient of {@link conv2d} with respect to its input. Stride 1: a forward convolution of gradOut with
 * the flipped kernels. Otherwise, per group and image, `cols = weight^T @ gradOut`, then col2im adds
 * every column back onto the pixels it was gathered from, straight from the GEMM's accumulators. `gradOut` is `[batch, outChannels, outHeight, outWidth]`;
 * `gradInput` (`[batch, inChannels, inHeight, inWidth]`) is fully overwritten. This is also the forward
 * pass of a transposed convolution.
 */
export function conv2dBackwardInput<T extends FloatArray>(
  geometry: Conv2dGeometry,
  gradOut: T,
  weight: T,
  gradInput: T,
): void {
  const g = resolveConv2d(geometry);
  if (asForwardConv(g, gradOut, weight, gradInput)) return;
  const { patch, pixels, groupOut } = g;
  const inImage = g.inChannels * g.inHeight * g.inWidth;
  const outImage = g.outChannels * pixels;
  const run = imagesPerRun(g);
  gradInput.fill(0, 0, g.batch * inImage);
  for (let group = 0; group < g.groups; group++) {
    const a = rowsOf(
      { data: weight, offset: group * groupOut * patch, rowStride: 1, colStride: patch },
      patch,
      groupOut,
    );
    for (let first = 0; first < g.batch; first += run) {
      const count = Math.min(run, g.batch - first);
      multiply({
        m: patch,
        n: pixels,
        k: groupOut,
        batch: count,
        a,
        b: columnsOf(
          {
            data: gradOut,
            offset: first * outImage + group * groupOut * pixels,
            rowStride: pixels,
            colStride: 1,
            batchStride: outImage,
          },
          groupOut,
          pixels,
        ),
        c: {
          like: gradInput,
          consume: (acc, base, ldc, itemStride) =>
            col2im(g, acc, base, ldc, itemStride, gradInput, first, count, group),
        },
        alpha: 1,
        beta: 0,
      });
    }
  }
}

/**
 * For stride 1 the input gradient is itself a convolution: gradOut correlated with the spatially flipped
 * kernels, input and output channels swapped, padded so every tap that reached a pixel reaches it back.
 * Running it through {@link conv2d} reuses the forward fast paths instead of a col2im scatter. Returns
 * false (nothing done) when the stride, an over-wide padding or too few input channels rule it out.
 */
function asForwardConv<T extends FloatArray>(
  g: ResolvedConv2d,
  gradOut: T,
  weight: T,
  gradInput: T,
): boolean {
  const reachH = g.dilationH * (g.kernelHeight - 1);
  const reachW = g.dilationW * (g.kernelWidth - 1);
  const pads = [reachH - g.padTop, reachH - g.padBottom, reachW - g.padLeft, reachW - g.padRight];
  // Its GEMMs have groupIn rows: too few (MNIST's single input channel, depthwise) waste most of a
  // micro-tile, and the col2im route is faster.
  if (g.strideH !== 1 || g.strideW !== 1 || g.groupIn < 8 || pads.some((p) => p < 0)) return false;
  const taps = g.kernelHeight * g.kernelWidth;
  const flipped =
    gradInput instanceof Float32Array ? new Float32Array(weight.length) : new Float64Array(weight.length);
  for (let group = 0; group < g.groups; group++) {
    for (let o = 0; o < g.groupOut; o++) {
      for (let c = 0; c < g.groupIn; c++) {
        const from = ((group * g.groupOut + o) * g.groupIn + c) * taps;
        const to = ((group * g.groupIn + c) * g.groupOut + o) * taps;
        for (let t = 0; t < taps; t++) flipped[to + taps - 1 - t] = weight[from + t] as number;
      }
    }
  }
  const [padTop, padBottom, padLeft, padRight] = pads as [number, number, number, number];
  conv2d(
    {
      batch: g.batch,
      inChannels: g.outChannels,
      inHeight: g.outHeight,
      inWidth: g.outWidth,
      outChannels: g.inChannels,
      kernelHeight: g.kernelHeight,
      kernelWidth: g.kernelWidth,
      padTop,
      padBottom,
      padLeft,
      padRight,
      dilationH: g.dilationH,
      dilationW: g.dilationW,
      groups: g.groups,
    },
    gradOut,
    flipped as T,
    undefined,
    gradInput,
  );
  return true;
}
