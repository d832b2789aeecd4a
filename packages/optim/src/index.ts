/**
 * Optimizers and learning-rate schedulers whose trajectories match torch.optim.
 *
 * @module @nn/optim
 */
// The public face of @nn/optim: re-exports only.
export { Adadelta, type AdadeltaOptions, type AdadeltaState } from './adadelta';
export { Adagrad, type AdagradOptions, type AdagradState } from './adagrad';
export { Adam, type AdamOptions, type AdamState, AdamW } from './adam';
export { Adamax, type AdamaxOptions, type AdamaxState } from './adamax';
export { ASGD, type ASGDOptions, type ASGDState } from './asgd';
export { LBFGS, type LBFGSOptions, type LBFGSState } from './lbfgs';
export * as lrScheduler from './lr-scheduler/index';
export { NAdam, type NAdamOptions, type NAdamState } from './nadam';
export {
  type BaseOptions,
  type ForeachOption,
  Optimizer,
  type OptimizerStateDict,
  type ParamGroup,
  type ParamGroupInput,
  type Params,
  type StateValue,
} from './optimizer';
export { RAdam, type RAdamOptions, type RAdamState } from './radam';
export { RMSprop, type RMSpropOptions, type RMSpropState } from './rmsprop';
export { Rprop, type RpropOptions, type RpropState } from './rprop';
export { SGD, type SGDOptions, type SGDState } from './sgd';
export { SparseAdam, type SparseAdamOptions, type SparseAdamState } from './sparse-adam';
