// `utils`: gradient clipping, parameter/vector conversion and reparametrizations, as torch.nn.utils, and
// gradient checkpointing (torch.utils.checkpoint.checkpoint, from @nn/autograd).
export { checkpoint } from '@nn/autograd';
export { type ClipGradNormOptions, clipGradNorm_, clipGradValue_ } from './clip-grad';
export { parametersToVector, vectorToParameters } from './convert-parameters';
export * as parametrize from './parametrize';
export * as prune from './prune';
export { removeSpectralNorm, type SpectralNormOptions, spectralNorm } from './spectral-norm';
export { removeWeightNorm, type WeightNormOptions, weightNorm } from './weight-norm';
