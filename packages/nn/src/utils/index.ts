// `utils`: gradient clipping and parameter/vector conversion, as torch.nn.utils, and gradient
// checkpointing (torch.utils.checkpoint.checkpoint, from @nn/autograd).
export { checkpoint } from '@nn/autograd';
export { type ClipGradNormOptions, clipGradNorm_, clipGradValue_ } from './clip-grad';
export { parametersToVector, vectorToParameters } from './convert-parameters';
