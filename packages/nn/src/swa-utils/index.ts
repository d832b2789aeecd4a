// `swaUtils`: stochastic weight averaging, as torch.optim.swa_utils. AveragedModel and updateBn live in
// @nn/nn because they work on Modules (@nn/optim does not depend on @nn/nn); SWALR, a scheduler, is
// @nn/optim's `lrScheduler.SWALR`.
export { AveragedModel, type AveragedModelOptions, type AvgFn } from './averaged-model';
export { type UpdateBnOptions, updateBn } from './update-bn';
