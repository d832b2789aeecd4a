// Learning-rate schedulers (torch.optim.lr_scheduler), exported from @nn/optim as the `lrScheduler` namespace.
export { ChainedScheduler, SequentialLR, type SequentialLROptions } from './composite';
export {
  CosineAnnealingLR,
  type CosineAnnealingLROptions,
  CosineAnnealingWarmRestarts,
  type CosineAnnealingWarmRestartsOptions,
} from './cosine';
export {
  CyclicLR,
  type CyclicLROptions,
  OneCycleLR,
  type OneCycleLROptions,
  type OneCyclePhase,
} from './cyclic';
export {
  ConstantLR,
  type ConstantLROptions,
  ExponentialLR,
  type ExponentialLROptions,
  LambdaLR,
  type LambdaLROptions,
  LinearLR,
  type LinearLROptions,
  MultiStepLR,
  type MultiStepLROptions,
  StepLR,
  type StepLROptions,
} from './multiplicative';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './plateau';
export { type AnyOptimizer, LRScheduler, type Scheduler, type SchedulerOptions } from './scheduler';
export { SWALR, type SWALROptions } from './swalr';
