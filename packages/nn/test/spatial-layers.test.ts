import {
  AdaptiveAvgPool1d,
  AdaptiveMaxPool1d,
  AdaptiveMaxPool2d,
  AvgPool1d,
  AvgPool3d,
  Conv3d,
  ConvTranspose1d,
  F,
  Fold,
  LPPool1d,
  LPPool2d,
  MaxPool1d,
  MaxPool3d,
  MaxUnpool2d,
  Module,
  PixelShuffle,
  PixelUnshuffle,
  Unfold,
  Upsample,
  UpsamplingBilinear2d,
  UpsamplingNearest2d,
} from '@nn/nn';
import type { DType, Tensor } from '@nn/tensor';
import { loadFixtures } from '@nn/tooling/test-utils';
import { describe, it } from 'vitest';
import { checkLayerCase, type LayerCase } from './layer-case';

const { cases } = loadFixtures<LayerCase>(new URL('./fixtures/spatial-layers.jsonl', import.meta.url));

/** `F.interpolate` with fixed options, as the fixtures' `Interpolate` module (for `antialias`). */
class Interpolate extends Module {
  constructor(private readonly options: F.InterpolateOptions) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return F.interpolate(x, this.options);
  }
}
const aa = (options: F.InterpolateOptions) => new Interpolate({ ...options, antialias: true });

/** The @nn layer of each case of tooling/fixtures/cases/nn_spatial.py (each also run as `<name>_f64`). */
const builders: Record<string, (dtype: DType) => Module> = {
  upsample_nearest_scale2: () => new Upsample({ scaleFactor: 2 }),
  upsample_nearest_size_odd: () => new Upsample({ size: [5, 7] }),
  upsample_nearest_1d_frac_scale: () => new Upsample({ scaleFactor: 1.7 }),
  upsample_nearest_down: () => new Upsample({ size: [3, 2] }),
  upsample_nearest_exact: () => new Upsample({ size: [5, 3], mode: 'nearest-exact' }),
  upsample_nearest_exact_scale: () => new Upsample({ scaleFactor: 0.6, mode: 'nearest-exact' }),
  upsample_nearest_3d: () => new Upsample({ scaleFactor: [2, 1.5, 3] }),
  upsample_linear: () => new Upsample({ size: 7, mode: 'linear' }),
  upsample_linear_align: () => new Upsample({ scaleFactor: 2.5, mode: 'linear', alignCorners: true }),
  upsample_bilinear: () => new Upsample({ scaleFactor: 2, mode: 'bilinear' }),
  upsample_bilinear_align: () => new Upsample({ size: [5, 6], mode: 'bilinear', alignCorners: true }),
  upsample_bilinear_down: () => new Upsample({ size: [3, 2], mode: 'bilinear' }),
  upsample_bilinear_frac_scale: () => new Upsample({ scaleFactor: 1.3, mode: 'bilinear' }),
  upsample_bilinear_recompute: () =>
    new Upsample({ scaleFactor: 1.3, mode: 'bilinear', recomputeScaleFactor: true }),
  upsample_bicubic: () => new Upsample({ scaleFactor: 2, mode: 'bicubic' }),
  upsample_bicubic_align: () => new Upsample({ size: [7, 3], mode: 'bicubic', alignCorners: true }),
  upsample_bicubic_down: () => new Upsample({ size: [3, 4], mode: 'bicubic' }),
  upsample_trilinear: () => new Upsample({ size: [3, 4, 5], mode: 'trilinear' }),
  upsample_trilinear_align: () => new Upsample({ scaleFactor: 2, mode: 'trilinear', alignCorners: true }),
  upsample_area: () => new Upsample({ size: [3, 2], mode: 'area' }),
  upsample_area_1d: () => new Upsample({ scaleFactor: 0.5, mode: 'area' }),
  upsample_area_3d: () => new Upsample({ size: [2, 3, 2], mode: 'area' }),
  upsampling_nearest2d: () => new UpsamplingNearest2d({ scaleFactor: 3 }),
  upsampling_bilinear2d: () => new UpsamplingBilinear2d({ size: [4, 5] }),
  interpolate_aa_bilinear_down2: () => aa({ scaleFactor: 0.5, mode: 'bilinear' }),
  interpolate_aa_bilinear_down3: () => aa({ size: [3, 4], mode: 'bilinear' }),
  interpolate_aa_bilinear_frac: () => aa({ size: [4, 3], mode: 'bilinear' }),
  interpolate_aa_bilinear_frac_scale: () => aa({ scaleFactor: [0.4, 0.7], mode: 'bilinear' }),
  interpolate_aa_bilinear_up: () => aa({ size: [7, 9], mode: 'bilinear' }),
  interpolate_aa_bilinear_mixed: () => aa({ size: [9, 4], mode: 'bilinear' }),
  interpolate_aa_bilinear_align: () => aa({ size: [3, 5], mode: 'bilinear', alignCorners: true }),
  interpolate_aa_bilinear_align_up: () => aa({ scaleFactor: 2, mode: 'bilinear', alignCorners: true }),
  interpolate_aa_bilinear_one_axis: () => aa({ scaleFactor: [0.5, 1.05], mode: 'bilinear' }),
  interpolate_aa_bicubic_same_size: () => aa({ scaleFactor: 1.05, mode: 'bicubic' }),
  interpolate_aa_bilinear_to_1: () => aa({ size: [1, 2], mode: 'bilinear' }),
  interpolate_aa_bicubic_down2: () => aa({ scaleFactor: 0.5, mode: 'bicubic' }),
  interpolate_aa_bicubic_down3: () => aa({ size: [3, 4], mode: 'bicubic' }),
  interpolate_aa_bicubic_frac_scale: () =>
    aa({ scaleFactor: 0.45, mode: 'bicubic', recomputeScaleFactor: true }),
  interpolate_aa_bicubic_up: () => aa({ scaleFactor: [2, 1.5], mode: 'bicubic' }),
  interpolate_aa_bicubic_align: () => aa({ size: [4, 6], mode: 'bicubic', alignCorners: true }),
  conv_transpose1d: (dtype) =>
    new ConvTranspose1d(3, 4, 3, { stride: 2, padding: 1, outputPadding: 1, dtype }),
  conv_transpose1d_groups: (dtype) =>
    new ConvTranspose1d(4, 6, 2, { groups: 2, dilation: 2, bias: false, dtype }),
  conv_transpose1d_unbatched: (dtype) => new ConvTranspose1d(2, 3, 4, { stride: 3, dtype }),
  conv3d: (dtype) => new Conv3d(2, 3, 3, { padding: 1, dtype }),
  conv3d_strided_groups: (dtype) =>
    new Conv3d(4, 6, [2, 3, 2], {
      stride: [2, 1, 2],
      padding: [1, 0, 1],
      dilation: [1, 2, 1],
      groups: 2,
      dtype,
    }),
  conv3d_same: (dtype) => new Conv3d(2, 2, [2, 3, 4], { padding: 'same', bias: false, dtype }),
  conv3d_reflect_unbatched: (dtype) => new Conv3d(2, 3, 3, { padding: 1, paddingMode: 'reflect', dtype }),
  max_pool1d: () => new MaxPool1d(3, { stride: 2, padding: 1 }),
  max_pool1d_ceil_dilation: () => new MaxPool1d(2, { stride: 2, dilation: 2, ceilMode: true }),
  max_pool1d_indices: () => new MaxPool1d(3, { stride: 2, returnIndices: true }),
  avg_pool1d: () => new AvgPool1d(3, { stride: 2, padding: 1 }),
  avg_pool1d_exclude_pad_ceil: () =>
    new AvgPool1d(3, { stride: 2, padding: 1, countIncludePad: false, ceilMode: true }),
  adaptive_avg_pool1d: () => new AdaptiveAvgPool1d(4),
  adaptive_max_pool1d: () => new AdaptiveMaxPool1d(3),
  adaptive_max_pool1d_indices: () => new AdaptiveMaxPool1d(5, { returnIndices: true }),
  adaptive_max_pool2d: () => new AdaptiveMaxPool2d([3, null]),
  adaptive_max_pool2d_up: () => new AdaptiveMaxPool2d(4),
  adaptive_max_pool2d_indices: () => new AdaptiveMaxPool2d([2, 3], { returnIndices: true }),
  max_pool3d: () => new MaxPool3d(2),
  max_pool3d_pad_ceil: () =>
    new MaxPool3d([3, 2, 3], { stride: [2, 1, 2], padding: [1, 0, 1], ceilMode: true }),
  max_pool3d_dilation: () => new MaxPool3d(2, { stride: 1, dilation: [2, 1, 2] }),
  max_pool3d_indices: () => new MaxPool3d(2, { stride: [1, 2, 2], padding: 1, returnIndices: true }),
  avg_pool3d: () => new AvgPool3d(2),
  avg_pool3d_exclude_pad_ceil: () =>
    new AvgPool3d(3, { stride: 2, padding: 1, countIncludePad: false, ceilMode: true }),
  avg_pool3d_divisor: () =>
    new AvgPool3d([2, 2, 3], { stride: [1, 2, 2], padding: [1, 1, 0], divisorOverride: 5 }),
  max_unpool2d: () => new MaxUnpool2d(2),
  max_unpool2d_strided_unbatched: () => new MaxUnpool2d(3, { stride: 2, padding: 1 }),
  lp_pool1d: () => new LPPool1d(3, 2),
  lp_pool2d: () => new LPPool2d(2, [2, 3], { stride: [2, 1] }),
  lp_pool2d_ceil: () => new LPPool2d(1.5, 2, { ceilMode: true }),
  pixel_shuffle: () => new PixelShuffle(2),
  pixel_shuffle_5d: () => new PixelShuffle(3),
  pixel_unshuffle: () => new PixelUnshuffle(2),
  unfold: () => new Unfold([2, 3], { dilation: [1, 2], padding: 1, stride: [2, 1] }),
  unfold_unbatched: () => new Unfold(2),
  fold: () => new Fold([5, 6], 2, { padding: [1, 0] }),
  fold_strided_unbatched: () => new Fold(7, 3, { stride: 2, padding: 1 }),
};

describe('spatial layers match PyTorch (forward, indices, input and weight gradients; float32 and float64)', () => {
  for (const [name, c] of Object.entries(cases)) {
    const f64 = name.endsWith('_f64');
    const build = builders[f64 ? name.slice(0, -4) : name];
    it(name, () => {
      if (!build) throw new Error(`no @nn builder for fixture case ${name}`);
      checkLayerCase(build(f64 ? 'float64' : 'float32'), name, 'train', c, c.train!);
    });
  }
});
