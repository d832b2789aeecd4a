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

/** One tap of the resampling: output `i` adds `weights[i] * input[index[i]]`. */
export interface AntialiasTap {
  index: number[];
  weights: number[];
}

/**
 * The taps of one axis's antialiased resampling, as torch 1.13's CPU `_compute_weights_aa`: output `i` is
 * centred at `scale * (i + 0.5)` in input pixels, the filter is stretched by the scale when downsampling (so
 * every input pixel contributes) and each output's weights are normalised to sum to 1. `scale` is torch's
 * `area_pixel_compute_scale`, rounded to the dtype; outputs with fewer taps than the widest get zero weights.
 */
export function antialiasTaps(
  mode: AntialiasMode,
  input: number,
  output: number,
  scale: number,
  round: (v: number) => number,
): AntialiasTap[] {
  const { width, at } = FILTERS[mode];
  const support = round(scale >= 1 ? (width / 2) * scale : width / 2);
  const invScale = scale >= 1 ? round(1 / scale) : 1;
  const rows = Array.from({ length: output }, (_, i) => {
    const center = round(scale * (i + 0.5));
    const xmin = Math.max(Math.trunc(round(center - support) + 0.5), 0);
    const xmax = Math.min(Math.trunc(round(center + support) + 0.5), input);
    const w: number[] = [];
    for (let j = xmin; j < xmax; j++) w.push(at(round(round(round(j) - center) + 0.5) * invScale, round));
    const total = w.reduce((a, b) => round(a + b), 0);
    return { xmin, w: total === 0 ? w : w.map((v) => round(v / total)) };
  });
  const taps = Math.max(...rows.map((r) => r.w.length));
  return Array.from({ length: taps }, (_, k) => ({
    index: rows.map(({ xmin, w }) => (k < w.length ? xmin + k : xmin)),
    weights: rows.map(({ w }) => w[k] ?? 0),
  }));
}
