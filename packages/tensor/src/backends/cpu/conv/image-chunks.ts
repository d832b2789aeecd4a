import type { FloatArray } from '../gemm/types';
import type { ResolvedConv2d } from './geometry';

/** Cap on packed im2col elements per GEMM, so large batches run in runs of images with bounded memory. */
const SCRATCH_LIMIT = 1 << 22;

/** Images per run so that a run's im2col matrix stays under the scratch cap (at least one image). */
export function imagesPerRun(g: ResolvedConv2d): number {
  return Math.max(1, Math.min(g.batch, Math.floor(SCRATCH_LIMIT / (g.patch * g.pixels))));
}

/** True when im2col is the identity (1x1 kernel, stride 1, no padding), so the input is the GEMM operand. */
export function isPointwise(g: ResolvedConv2d): boolean {
  return (
    g.kernelHeight === 1 &&
    g.kernelWidth === 1 &&
    g.strideH === 1 &&
    g.strideW === 1 &&
    g.padTop + g.padBottom + g.padLeft + g.padRight === 0
  );
}

/** Adds `bias[o]` to every pixel of channel o of the NCHW `out` with `pixels` values per plane. */
export function addChannelBias(
  out: FloatArray,
  bias: FloatArray,
  batch: number,
  channels: number,
  pixels: number,
): void {
  for (let n = 0; n < batch; n++) {
    for (let o = 0; o < channels; o++) {
      const value = bias[o] as number;
      const start = (n * channels + o) * pixels;
      for (let p = start; p < start + pixels; p++) out[p] = (out[p] as number) + value;
    }
  }
}
