import { engineFor } from '../gemm/engine-for';
import { type AccumulatorSink, multiply } from '../gemm/multiply';
import { columnsOf, rowsOf } from '../gemm/panel-source';
import type { FloatArray } from '../gemm/types';
import { type Conv2dGeometry, type ResolvedConv2d, resolveConv2d } from './geometry';
import { im2colRows, im2colRowsApply } from './im2col-rows';
import { imagesPerRun, isPointwise } from './image-chunks';
import { paddedImage, paddedWidth } from './padded-image';
import { pixelPanels } from './pixel-panels';
import { allFinite, usesWinograd, winogradConv2d } from './winograd';

/**
 * 2-D convolution forward (cross-correlation, as PyTorch): `out[n, o] = bias[o] + sum over the group's
 * input channels and kernel taps`. All arrays are contiguous NCHW / OIHW of the same float type; `out` is
 * `[batch, outChannels, outHeight, outWidth]` (see {@link resolveConv2d}) and fully overwritten.
 * Large float32 3x3 stride-1 convolutions of finite values run Winograd F(2x2, 3x3) ({@link usesWinograd}),
 * the rest {@link directConv2d}.
 */
export function conv2d<T extends FloatArray>(
  geometry: Conv2dGeometry,
  input: T,
  weight: T,
  bias: T | undefined,
  out: T,
): void {
  const g = resolveConv2d(geometry);
  if (usesWinograd(g, out) && allFinite(input) && allFinite(weight))
    winogradConv2d(g, input, weight, bias, out);
  else directConv2d(g, input, weight, bias, out);
}

/**
 * {@link conv2d} as GEMMs: each group is one batched GEMM `weight[o, (c,kh,kw)] @ im2col[(c,kh,kw),
 * pixel]` over the images. The im2col operand is never materialised: a 1x1 convolution reads the input
 * as is, a stride-1 one reads a zero-padded copy through row offsets (WebAssembly engine), any other
 * packs panels from the input.
 */
export function directConv2d<T extends FloatArray>(
  g: ResolvedConv2d,
  input: T,
  weight: T,
  bias: T | undefined,
  out: T,
): void {
  const { patch, pixels, groupOut } = g;
  const inImage = g.inChannels * g.inHeight * g.inWidth;
  const outImage = g.outChannels * pixels;
  const run = imagesPerRun(g);
  // The shifted view saves packing patch x pixels values but costs a compaction pass over groupOut x
  // pixels outputs (and ~(kernelWidth - 1) / paddedWidth wasted columns): worth it for deep patches.
  const engine = engineFor(out);
  const shifted =
    !isPointwise(g) && g.strideH === 1 && g.strideW === 1 && patch >= groupOut && engine.indirect;
  for (let group = 0; group < g.groups; group++) {
    const a = rowsOf(
      { data: weight, offset: group * groupOut * patch, rowStride: patch, colStride: 1 },
      groupOut,
      patch,
    );
    for (let first = 0; first < g.batch; first += run) {
      const count = Math.min(run, g.batch - first);
      const c = {
        data: out,
        offset: first * outImage + group * groupOut * pixels,
        rowStride: pixels,
        batchStride: outImage,
      };
      const common = {
        m: groupOut,
        k: patch,
        batch: count,
        a,
        alpha: 1,
        beta: 0,
        rowBias: bias && { data: bias, offset: group * groupOut },
      };
      if (shifted) {
        multiply({
          ...common,
          n: g.outHeight * paddedWidth(g),
          b: paddedImage(g, input, first, group),
          c: paddedGridSink(g, out, c.offset, count),
        });
      } else if (isPointwise(g)) {
        const b = columnsOf(
          {
            data: input,
            offset: first * inImage + group * patch * pixels,
            rowStride: pixels,
            colStride: 1,
            batchStride: inImage,
          },
          patch,
          pixels,
        );
        multiply({ ...common, n: pixels, b, c });
      } else if (engine.indirect && engine.copyRows && im2colRowsApply(g)) {
        multiply({
          ...common,
          n: pixels,
          b: im2colRows(g, input, first, group, engine.copyRows, engine.nr),
          c,
        });
      } else {
        multiply({ ...common, n: pixels, b: pixelPanels(g, input, first, group), c });
      }
    }
  }
}

/**
 * Copies the valid columns of `count` products computed on the padded grid into the NCHW output at
 * `offset`: squeezed to the output's width inside the scratch by the engine (WebAssembly), then one copy
 * per image; element by element where the engine cannot.
 */
function paddedGridSink<T extends FloatArray>(
  g: ResolvedConv2d,
  out: T,
  offset: number,
  count: number,
): AccumulatorSink<T> {
  const { outHeight: OH, outWidth: OW, groupOut, pixels } = g;
  const Wp = paddedWidth(g);
  const engine = engineFor(out);
  return {
    like: out,
    consume(acc, base, ldc, itemStride) {
      for (let item = 0, image = offset; item < count; item++, image += g.outChannels * pixels) {
        const from = base + item * itemStride;
        if (engine.copyRows) {
          // Every output element moves to an index at or before its own: pixels <= ldc, OW <= Wp.
          const strides = { fromRow: Wp, toRow: OW, fromPlane: ldc, toPlane: pixels };
          engine.copyRows(from, from, groupOut, OH, OW, strides);
          out.set(acc.subarray(from, from + groupOut * pixels), image);
          continue;
        }
        for (let o = 0; o < groupOut; o++) {
          for (let oh = 0; oh < OH; oh++) {
            const s = from + o * ldc + oh * Wp;
            const d = image + o * pixels + oh * OW;
            for (let ow = 0; ow < OW; ow++) out[d + ow] = acc[s + ow] as number;
          }
        }
      }
    },
  };
}
