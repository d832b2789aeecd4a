import type { AdamaxStepAttrs } from '@nn/tensor';
import { type Tensor, zerosLike } from '@nn/tensor';
import { type BaseOptions, type ForeachOption, Optimizer, type ParamGroup, type Params } from './optimizer';
import { runUpdate } from './run-update';
import { checkBetas, checkLr, checkNonNegative, withDefaults } from './validate';

/** Options of {@link Adamax}. */
export interface AdamaxOptions extends BaseOptions, ForeachOption {
  /** Decay rates of the first moment and the infinity norm (default [0.9, 0.999]). */
  betas: readonly [number, number];
  /** Added to the denominator for numerical stability (default 1e-8). */
  eps: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Ascend the objective instead of descending it. */
  maximize: boolean;
}

/** Per-parameter state of {@link Adamax} (torch's key names). */
export interface AdamaxState {
  /** Steps taken. */
  step: number;
  /** First moment estimate. */
  exp_avg: Tensor;
  /** Exponentially weighted infinity norm. */
  exp_inf: Tensor;
}

/** Adamax (Adam with the infinity norm), as torch 1.13's single-tensor `Adamax`; `lr` defaults to 2e-3. */
export class Adamax extends Optimizer<AdamaxOptions, AdamaxState> {
  constructor(params: Params<AdamaxOptions>, options: Partial<AdamaxOptions> = {}) {
    super(
      'Adamax',
      params,
      withDefaults(
        'Adamax',
        { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, maximize: false, foreach: null },
        options,
      ),
    );
  }

  protected validateOptions(o: AdamaxOptions): void {
    checkLr('Adamax', o.lr);
    checkNonNegative('Adamax', 'epsilon', o.eps);
    checkBetas('Adamax', o.betas);
    checkNonNegative('Adamax', 'weightDecay', o.weightDecay);
  }

  protected updateParam(param: Tensor, grad: Tensor, group: ParamGroup<AdamaxOptions>): void {
    let state = this.state.get(param);
    if (!state)
      this.state.set(param, (state = { step: 0, exp_avg: zerosLike(param), exp_inf: zerosLike(param) }));
    const step = ++state.step;
    const [beta1, beta2] = group.betas;
    const attrs: AdamaxStepAttrs = {
      beta1,
      beta2,
      eps: group.eps,
      weightDecay: group.weightDecay,
      clr: group.lr / (1 - beta1 ** step),
      maximize: group.maximize,
    };
    runUpdate('adamaxStep', param, grad, [state.exp_avg, state.exp_inf], attrs);
  }
}
