// The valid keys of the spatial layers' and functions' options, for checkOptions (typed against each
// interface, so TypeScript fails the build when an option is added to a type but not here).
import type { FoldOptions, OptionKeys } from '@nn/tensor';
import type { ConvTranspose1dOptions } from '../functional/conv';
import type { Conv3dOptions } from '../functional/conv3d';
import type { InterpolateOptions } from '../functional/interpolate';
import type { LpPoolOptions } from '../functional/lp-pool';
import type { MaxUnpool2dOptions } from '../functional/max-unpool';
import type { AvgPool1dOptions, MaxPool1dOptions } from '../functional/pooling-1d';
import type { AvgPool3dOptions, MaxPool3dOptions } from '../functional/pooling-3d';
import type { MaxUnpool2dLayerOptions } from '../layers/max-unpool';
import type { AdaptiveMaxPoolOptions, MaxPool1dLayerOptions } from '../layers/pooling-1d';
import type { MaxPool3dLayerOptions } from '../layers/pooling-3d';
import type { UpsampleOptions } from '../layers/upsample';

export const UPSAMPLE_KEYS: OptionKeys<UpsampleOptions> = {
  size: true,
  scaleFactor: true,
  mode: true,
  alignCorners: true,
  recomputeScaleFactor: true,
};
export const INTERPOLATE_KEYS: OptionKeys<InterpolateOptions> = { ...UPSAMPLE_KEYS, antialias: true };
export const CONV_TRANSPOSE1D_KEYS: OptionKeys<ConvTranspose1dOptions> = {
  stride: true,
  padding: true,
  outputPadding: true,
  groups: true,
  dilation: true,
};
export const CONV3D_KEYS: OptionKeys<Conv3dOptions> = {
  stride: true,
  padding: true,
  dilation: true,
  groups: true,
};
export const MAX_POOL1D_KEYS: OptionKeys<MaxPool1dOptions> = {
  stride: true,
  padding: true,
  dilation: true,
  ceilMode: true,
};
export const MAX_POOL1D_LAYER_KEYS: OptionKeys<MaxPool1dLayerOptions<boolean>> = {
  ...MAX_POOL1D_KEYS,
  returnIndices: true,
};
export const AVG_POOL1D_KEYS: OptionKeys<AvgPool1dOptions> = {
  stride: true,
  padding: true,
  ceilMode: true,
  countIncludePad: true,
};
export const MAX_POOL3D_KEYS: OptionKeys<MaxPool3dOptions> = {
  stride: true,
  padding: true,
  dilation: true,
  ceilMode: true,
};
export const MAX_POOL3D_LAYER_KEYS: OptionKeys<MaxPool3dLayerOptions<boolean>> = {
  ...MAX_POOL3D_KEYS,
  returnIndices: true,
};
export const AVG_POOL3D_KEYS: OptionKeys<AvgPool3dOptions> = {
  stride: true,
  padding: true,
  ceilMode: true,
  countIncludePad: true,
  divisorOverride: true,
};
export const ADAPTIVE_MAX_POOL_KEYS: OptionKeys<AdaptiveMaxPoolOptions<boolean>> = { returnIndices: true };
export const MAX_UNPOOL2D_KEYS: OptionKeys<MaxUnpool2dOptions> = {
  stride: true,
  padding: true,
  outputSize: true,
};
export const MAX_UNPOOL2D_LAYER_KEYS: OptionKeys<MaxUnpool2dLayerOptions> = { stride: true, padding: true };
export const LP_POOL_KEYS: OptionKeys<LpPoolOptions<number>> = { stride: true, ceilMode: true };
export const FOLD_KEYS: OptionKeys<FoldOptions> = { dilation: true, padding: true, stride: true };
