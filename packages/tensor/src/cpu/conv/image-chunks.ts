import type { FloatArray } from '../gemm/types';
import type { ResolvedConv2d } from './geometry';

/** Cap on im2col scratch elements, so large batches are processed in runs of images with bounded memory. */
const SCRATCH_LIMIT = 1 << 22;

/** Images per run so that a run's im2col matrix stays under the scratch cap (at least one image). */
export function imagesPerRun(g: ResolvedConv2d): number {
  return Math.max(1, Math.min(g.batch, Math.floor(SCRATCH_LIMIT / (g.patch * g.pixels))));
}

/**
 * Calls `body(first, count, scratch)` for consecutive runs of {@link imagesPerRun} images; `scratch` has
 * room for the run's im2col matrix (`count * patch * pixels` values of the same float type as `like`).
 */
export function forEachImageRun(
  g: ResolvedConv2d,
  like: FloatArray,
  body: (first: number, count: number, scratch: FloatArray) => void,
): void {
  const run = imagesPerRun(g);
  const scratch = allocLike(like, run * g.patch * g.pixels);
  for (let first = 0; first < g.batch; first += run) body(first, Math.min(run, g.batch - first), scratch);
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
export function addChannelBias(out: FloatArray, bias: FloatArray, batch: number, channels: number, pixels: number): void {
  for (let n = 0; n < batch; n++) {
    for (let o = 0; o < channels; o++) {
      const value = bias[o] as number;
      const start = (n * channels + o) * pixels;
      for (let p = start; p < start + pixels; p++) out[p] = (out[p] as number) + value;
    }
  }
}

/** A zeroed array of `length` values of the same float type as `like`. */
export function allocLike(like: FloatArray, length: number): FloatArray {
  return like instanceof Float32Array ? new Float32Array(length) : new Float64Array(length);
}
