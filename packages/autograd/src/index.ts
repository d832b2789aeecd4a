/**
 * Reverse-mode automatic differentiation for @nn/tensor with PyTorch semantics.
 *
 * @module @nn/autograd
 */
// The public face of @nn/autograd: re-exports only. Importing anything from it (or `import '@nn/autograd'`)
// installs autograd into @nn/tensor's dispatcher.
export { detectAnomaly, isAnomalyEnabled, setDetectAnomaly } from './anomaly-mode';
export {
  type BackwardCallOptions,
  type BackwardOptions,
  backward,
  type GradOptions,
  grad,
} from './backward';
export { checkpoint } from './checkpoint';
export {
  differentiableKernels,
  type Formula,
  type FormulaContext,
  registerFormula,
  registerNonDifferentiable,
} from './formula';
export { freeTemporaries } from './free-temporaries';
export { Function, FunctionCtx, type FunctionGrad } from './function';
export * as functional from './functional';
export {
  type FunctionalOptions,
  hessian,
  hvp,
  type JacobianOptions,
  jacobian,
  jvp,
  type TensorFunction,
  vhp,
  vjp,
} from './functional';
export { enableGrad, inferenceMode, isInferenceMode, noGrad, setGradEnabled } from './grad-mode';
export { isGradEnabled } from './grad-state';
export { type GradcheckOptions, gradcheck, gradgradcheck } from './gradcheck';
export { ensureInstalled as installAutograd } from './install';
export { AccumulateGrad, type BackwardFn, type Edge, type GradThunk, Node } from './node';
export { sumToShape } from './sum-to-shape';
