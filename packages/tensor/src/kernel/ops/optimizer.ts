import type {
  AdadeltaStepAttrs,
  AdagradStepAttrs,
  AdamaxStepAttrs,
  AdamStepAttrs,
  AsgdStepAttrs,
  NadamStepAttrs,
  RadamStepAttrs,
  RmspropStepAttrs,
  RpropStepAttrs,
  SgdStepAttrs,
} from '../attrs/optimizer';
import { defineOp, type OpDef, type TensorMeta } from '../op-def';

/**
 * A fused optimizer update: inputs `[param, grad, ...state]`; the parameter and state are updated in place
 * and returned as the outputs `[param, ...state]`.
 */
function step<A>(optimizer: string, state: readonly string[]): OpDef<A> {
  return defineOp<A>({
    summary: `one ${optimizer} update of a parameter and its state, in place`,
    inputs: ['param', 'grad', ...state],
    outputs: ['param', ...state.map((s) => s.replace('?', ''))],
    dtypeRule: "the parameter's dtype",
    meta: (inputs) =>
      inputs.filter((_, i) => i !== 1).map((t): TensorMeta => ({ shape: t.shape, dtype: t.dtype })),
    inplace: true,
    differentiable: false,
  });
}

/** The fused optimizer updates @nn/optim runs (and device backends may implement natively). */
export const optimizerOps = {
  sgdStep: step<SgdStepAttrs>('SGD', ['momentumBuffer?']),
  adamStep: step<AdamStepAttrs>('Adam/AdamW', ['expAvg', 'expAvgSq', 'maxExpAvgSq?']),
  adagradStep: step<AdagradStepAttrs>('Adagrad', ['sum']),
  adamaxStep: step<AdamaxStepAttrs>('Adamax', ['expAvg', 'expInf']),
  nadamStep: step<NadamStepAttrs>('NAdam', ['expAvg', 'expAvgSq']),
  rmspropStep: step<RmspropStepAttrs>('RMSprop', ['squareAvg', 'gradAvg?', 'momentumBuffer?']),
  adadeltaStep: step<AdadeltaStepAttrs>('Adadelta', ['squareAvg', 'accDelta']),
  radamStep: step<RadamStepAttrs>('RAdam', ['expAvg', 'expAvgSq']),
  rpropStep: step<RpropStepAttrs>('Rprop', ['prev', 'stepSize']),
  asgdStep: step<AsgdStepAttrs>('ASGD', ['ax']),
};
