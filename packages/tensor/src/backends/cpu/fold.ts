import type { SlidingBlockAttrs } from '../../kernel/attrs/spatial';
import { allocate } from '../../kernel/dtype';
import { registerKernel } from '../../kernel/registry';
import { hostView, type TensorView } from '../../kernel/view';
import { dense } from './conv';
import { col2im } from './conv/col2im';
import { type ResolvedConv2d, resolveConv2d } from './conv/geometry';
import { walkTap } from './conv/im2col-panels';
import type { FloatArray } from './gemm/types';

/** The sliding blocks as the geometry of an ungrouped convolution, so conv's im2col walks serve F.unfold/F.fold. */
function blockGeometry(batch: number, channels: number, a: SlidingBlockAttrs): ResolvedConv2d {
  return resolveConv2d({
    batch,
    inChannels: channels,
    inHeight: a.imageSize[0],
    inWidth: a.imageSize[1],
    outChannels: channels,
    kernelHeight: a.kernelSize[0],
    kernelWidth: a.kernelSize[1],
    strideH: a.stride[0],
    strideW: a.stride[1],
    padTop: a.padding[0],
    padBottom: a.padding[0],
    padLeft: a.padding[1],
    padRight: a.padding[1],
    dilationH: a.dilation[0],
    dilationW: a.dilation[1],
  });
}

/** `[N, C, H, W]` to `[N, C*kh*kw, L]`: row (c, ki, kj) holds that tap of every block, zeros in the padding. */
function im2col(x: TensorView, a: SlidingBlockAttrs): TensorView {
  const [n, c] = x.shape as [number, number];
  const g = blockGeometry(n, c, a);
  const image = dense(x);
  const rows = c * g.kernelHeight * g.kernelWidth;
  const out = allocate(x.dtype, n * rows * g.pixels) as FloatArray;
  let d = 0;
  for (let b = 0; b < n; b++) {
    for (let ci = 0; ci < c; ci++) {
      const channel = (b * c + ci) * g.inHeight * g.inWidth;
      for (let kh = 0; kh < g.kernelHeight; kh++) {
        for (let kw = 0; kw < g.kernelWidth; kw++) {
          d = walkTap(g, image, channel, kh, kw, 0, g.pixels, out, d, 1);
        }
      }
    }
  }
  return hostView(out, [n, rows, g.pixels], x.dtype);
}

/** `[N, C*kh*kw, L]` to `[N, C, H, W]`, summing overlapping taps (the adjoint of {@link im2col}). */
function col2imKernel(cols: TensorView, a: SlidingBlockAttrs): TensorView {
  const [n, rows] = cols.shape as [number, number];
  const c = rows / (a.kernelSize[0] * a.kernelSize[1]);
  const g = blockGeometry(n, c, a);
  const out = allocate(cols.dtype, n * c * g.inHeight * g.inWidth) as FloatArray;
  col2im(g, dense(cols), 0, g.pixels, rows * g.pixels, out, 0, n, 0);
  return hostView(out, [n, c, g.inHeight, g.inWidth], cols.dtype);
}

/** Registers im2col and col2im (F.unfold and F.fold). */
export function registerCpuFold(): void {
  registerKernel('im2col', 'cpu', ([x], attrs) => im2col(x!, attrs));
  registerKernel('col2im', 'cpu', ([x], attrs) => col2imKernel(x!, attrs));
}
