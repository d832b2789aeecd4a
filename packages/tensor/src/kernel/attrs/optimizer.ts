// Attributes of the fused optimizer-update kernels. @nn/optim registers their CPU implementations and a
// device backend (@nn/backend-gpu) its own; both take the contract from here, the package every backend
// depends on, so neither redeclares it.

/** Attributes of the `sgdStep` kernel (inputs `[param, grad, momentumBuffer?]`). */
export interface SgdStepAttrs {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
  /** The buffer is new: it takes the gradient itself (torch clones `d_p` on the first step). */
  initBuffer: boolean;
}

/** Attributes of the `adamStep` kernel (inputs `[param, grad, expAvg, expAvgSq, maxExpAvgSq?]`). */
export interface AdamStepAttrs {
  beta1: number;
  beta2: number;
  eps: number;
  /** L2 penalty added to the gradient (Adam's `weight_decay`). */
  weightDecay: number;
  /** Factor the parameter is first multiplied by (AdamW's decoupled decay `1 - lr * weight_decay`). */
  paramScale: number;
  /** `lr / (1 - beta1^step)`. */
  stepSize: number;
  /** `sqrt(1 - beta2^step)`. */
  biasCorrection2Sqrt: number;
  amsgrad: boolean;
  maximize: boolean;
}

/** Attributes of the `adagradStep` kernel (inputs `[param, grad, sum]`). */
export interface AdagradStepAttrs {
  /** The decayed learning rate `lr / (1 + (step - 1) * lr_decay)`. */
  clr: number;
  eps: number;
  weightDecay: number;
  maximize: boolean;
}

/** Attributes of the `adamaxStep` kernel (inputs `[param, grad, expAvg, expInf]`). */
export interface AdamaxStepAttrs {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** `lr / (1 - beta1^step)`. */
  clr: number;
  maximize: boolean;
}

/** Attributes of the `nadamStep` kernel (inputs `[param, grad, expAvg, expAvgSq]`). */
export interface NadamStepAttrs {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** `1 - beta2^step`. */
  biasCorrection2: number;
  /** `lr * (1 - mu) / (1 - mu_product)`: the gradient's step. */
  gradStep: number;
  /** `lr * mu_next / (1 - mu_product_next)`: the first moment's step. */
  avgStep: number;
}

/**
 * Attributes of the `rmspropStep` kernel. Inputs: `[param, grad, squareAvg, gradAvg?, momentumBuffer?]`
 * (`gradAvg` when `centered`, `momentumBuffer` when `momentum > 0`).
 */
export interface RmspropStepAttrs {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
  maximize: boolean;
}

/** Attributes of the `adadeltaStep` kernel (inputs `[param, grad, squareAvg, accDelta]`). */
export interface AdadeltaStepAttrs {
  lr: number;
  rho: number;
  eps: number;
  weightDecay: number;
  maximize: boolean;
}

/** Attributes of the `radamStep` kernel (inputs `[param, grad, expAvg, expAvgSq]`). */
export interface RadamStepAttrs {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** `1 - beta1^step`. */
  biasCorrection1: number;
  /** `sqrt(1 - beta2^step)`. */
  biasCorrection2Sqrt: number;
  /**
   * The variance rectification term once the adaptive step is on (rho_t > 5), or undefined before: then
   * the step is momentum SGD with the bias-corrected first moment.
   */
  rect?: number;
}

/** Attributes of the `rpropStep` kernel (inputs `[param, grad, prev, stepSize]`). */
export interface RpropStepAttrs {
  etaminus: number;
  etaplus: number;
  minStep: number;
  maxStep: number;
  maximize: boolean;
}

/** Attributes of the `asgdStep` kernel (inputs `[param, grad, ax]`). */
export interface AsgdStepAttrs {
  /** The current step size (a float32 scalar in torch). */
  eta: number;
  /** The parameter's decay factor `1 - lambd * eta`. */
  decay: number;
  /** The averaging coefficient (a float32 scalar in torch); 1 copies the parameter into `ax`. */
  mu: number;
  weightDecay: number;
  maximize: boolean;
}
