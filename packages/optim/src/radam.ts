import { type RadamStepAttrs, type Tensor, zerosLike } from '@nn/tensor';
import { type BaseOptions, type ForeachOption, Optimizer, type ParamGroup, type Params } from './optimizer';
import { runUpdate } from './run-update';
import { checkBetas, checkLr, checkNonNegative, withDefaults } from './validate';

/** Options of {@link RAdam}. */
export interface RAdamOptions extends BaseOptions, ForeachOption {
  /** Decay rates of the first and second moment estimates (default [0.9, 0.999]). */
  betas: readonly [number, number];
  /** Added to the denominator for numerical stability (default 1e-8). */
  eps: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
}

/** Per-parameter state of {@link RAdam} (torch's key names). */
export interface RAdamState {
  /** Steps taken. */
  step: number;
  /** First moment estimate. */
  exp_avg: Tensor;
  /** Second moment estimate. */
  exp_avg_sq: Tensor;
}

/**
 * Rectified Adam (Liu et al. 2019), as torch 1.13's single-tensor `RAdam`: Adam whose adaptive step is
 * switched on, and rectified, once the variance of its estimate is tractable (rho_t > 5); before that,
 * momentum SGD with the bias-corrected first moment.
 *
 * @example
 * ```ts
 * const opt = new RAdam(model.parameters(), { lr: 1e-3 });
 * ```
 */
export class RAdam extends Optimizer<RAdamOptions, RAdamState> {
  constructor(params: Params<RAdamOptions>, options: Partial<RAdamOptions> = {}) {
    super(
      'RAdam',
      params,
      withDefaults(
        'RAdam',
        { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, foreach: null },
        options,
      ),
    );
  }

  protected validateOptions(o: RAdamOptions): void {
    checkLr('RAdam', o.lr);
    checkNonNegative('RAdam', 'epsilon', o.eps);
    checkBetas('RAdam', o.betas);
    checkNonNegative('RAdam', 'weightDecay', o.weightDecay);
  }

  protected updateParam(param: Tensor, grad: Tensor, group: ParamGroup<RAdamOptions>): void {
    let state = this.state.get(param);
    if (!state)
      this.state.set(param, (state = { step: 0, exp_avg: zerosLike(param), exp_avg_sq: zerosLike(param) }));
    const step = ++state.step;
    const { lr, eps, weightDecay } = group;
    const [beta1, beta2] = group.betas;
    const bias2 = 1 - beta2 ** step;
    // the length of the approximated simple moving average, and its limit
    const rhoInf = 2 / (1 - beta2) - 1;
    const rhoT = rhoInf - (2 * step * beta2 ** step) / bias2;
    const attrs: RadamStepAttrs = {
      lr,
      beta1,
      beta2,
      eps,
      weightDecay,
      biasCorrection1: 1 - beta1 ** step,
      biasCorrection2Sqrt: Math.sqrt(bias2),
      rect:
        rhoT > 5
          ? Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT))
          : undefined,
    };
    runUpdate('radamStep', param, grad, [state.exp_avg, state.exp_avg_sq], attrs);
  }
}
