import { type Tensor, tensor } from '@nn/tensor';

/** The modes with an antialiased form (torch's `_upsample_bilinear2d_aa` / `_upsample_bicubic2d_aa`). */
export type AntialiasMode = 'bilinear' | 'bicubic';

/**
 * torch's antialias filters: the triangle (bilinear, 2 px wide) and Keys' cubic with A = -0.5 (bicubic,
 * 4 px wide; Pillow's, not the -0.75 of plain bicubic), evaluated in the input's precision.
 */
const FILTERS: Record<
  AntialiasMode,
  { width: number; at: (x: number, round: (v: number) => number) => number }
> = {
  bilinear: { width: 2, at: (x, round) => (Math.abs(x) < 1 ? round(1 - Math.abs(x)) : 0) },
  bicubic: {
    width: 4,
    at: (x, round) => {
      const A = -0.5;
      const t = Math.abs(x);
      if (t < 1) return round(round(round(round(round((A + 2) * t) - (A + 3)) * t) * t) + 1);
      if (t < 2) return round(round(round(round(round(round(A * t) - 5 * A) * t) + 8 * A) * t) - 4 * A);
      return 0;
    },
  },
};

/**
 * The `[input, output]` matrix of one axis's antialiased resampling, as torch 1.13's CPU
 * `_compute_weights_aa`: output `i` is centred at `scale * (i + 0.5)` in input pixels, the filter is
 * stretched by the scale when downsampling (so every input pixel contributes), and each output's weights
 * are normalised to sum to 1. `scale` is torch's `area_pixel_compute_scale` (already rounded to the dtype).
 */
function weights(
  mode: AntialiasMode,
  input: number,
  output: number,
  scale: number,
  round: (v: number) => number,
): number[] {
  const { width, at } = FILTERS[mode];
  const support = round(scale >= 1 ? (width / 2) * scale : width / 2);
  const invScale = scale >= 1 ? round(1 / scale) : 1;
  const matrix = Array<number>(input * output).fill(0);
  for (let i = 0; i < output; i++) {
    const center = round(scale * (i + 0.5));
    const xmin = Math.max(Math.trunc(round(center - support) + 0.5), 0);
    const xmax = Math.min(Math.trunc(round(center + support) + 0.5), input);
    const w: number[] = [];
    for (let j = xmin; j < xmax; j++) w.push(at(round(round(round(j) - center) + 0.5) * invScale, round));
    const total = w.reduce((a, b) => round(a + b), 0);
    for (let j = xmin; j < xmax; j++)
      matrix[j * output + i] = total !== 0 ? round(w[j - xmin]! / total) : w[j - xmin]!;
  }
  return matrix;
}

/**
 * Antialiased resampling of `[N, C, H, W]` input to `output` (torch's `interpolate(..., antialias=True)`):
 * each axis whose size changes is one matmul with its weight matrix (width first, as torch), which is the
 * kernel's weighted sum exactly and gives the gradient (torch's `_upsample_*_aa_backward`) through autograd.
 */
export function antialiasResample(
  x: Tensor,
  mode: AntialiasMode,
  output: readonly number[],
  scaleOf: (dim: number) => number,
  round: (v: number) => number,
): Tensor {
  const [h, w] = x.shape.slice(2) as [number, number];
  // torch resamples an axis whose size is kept too (a scale of 1.05 on 10 px still blurs); only a scale
  // of exactly 1 is the identity.
  const matrix = (input: number, size: number, dim: number) => {
    const scale = scaleOf(dim);
    if (size === input && scale === 1) return undefined;
    const m = weights(mode, input, size, scale, round);
    return tensor(m, { dtype: x.dtype, device: x.device }).reshape([input, size]);
  };
  const ww = matrix(w, output[1]!, 1);
  const wh = matrix(h, output[0]!, 0);
  let out = ww ? x.matmul(ww) : x;
  if (wh) out = wh.transpose(0, 1).matmul(out);
  return out;
}
