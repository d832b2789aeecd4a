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
