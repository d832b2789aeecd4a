import { type AsgdStepAttrs, type Tensor, zerosLike } from '@nn/tensor';
import { type BaseOptions, type ForeachOption, Optimizer, type ParamGroup, type Params } from './optimizer';
import { runUpdate } from './run-update';
import { checkLr, checkNonNegative, withDefaults } from './validate';

/** Options of {@link ASGD}. */
export interface ASGDOptions extends BaseOptions, ForeachOption {
  /** Decay term (default 1e-4). */
  lambd: number;
  /** Power of the eta update (default 0.75). */
  alpha: number;
  /** The step from which averaging starts (default 1e6). */
  t0: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Ascend the objective instead of descending it. */
  maximize: boolean;
}

/** Per-parameter state of {@link ASGD} (torch's key names). */
export interface ASGDState {
  /** Steps taken. */
  step: number;
  /** The current step size. */
  eta: number;
  /** The averaging coefficient. */
  mu: number;
  /** The averaged parameter. */
  ax: Tensor;
}

/**
 * Averaged SGD (Polyak and Juditsky 1992), as torch 1.13's single-tensor `ASGD`: SGD with a decaying step
 * size `lr / (1 + lambd lr t)^alpha`, keeping the running average `ax` of the iterates from step `t0`.
 * torch keeps `eta` and `mu` as float32 scalars, so they are rounded to float32 here too.
 */
export class ASGD extends Optimizer<ASGDOptions, ASGDState> {
  constructor(params: Params<ASGDOptions>, options: Partial<ASGDOptions> = {}) {
    super(
      'ASGD',
      params,
      withDefaults(
        'ASGD',
        { lr: 1e-2, lambd: 1e-4, alpha: 0.75, t0: 1e6, weightDecay: 0, maximize: false, foreach: null },
        options,
      ),
    );
  }

  protected validateOptions(o: ASGDOptions): void {
    checkLr('ASGD', o.lr);
    checkNonNegative('ASGD', 'weightDecay', o.weightDecay);
  }

  protected updateParam(param: Tensor, grad: Tensor, group: ParamGroup<ASGDOptions>): void {
    const { lr, lambd, alpha, t0, weightDecay, maximize } = group;
    let state = this.state.get(param);
    if (!state) {
      state = { step: 0, eta: Math.fround(lr), mu: 1, ax: zerosLike(param) };
      this.state.set(param, state);
    }
    const step = ++state.step;
    const { eta, mu } = state;
    const attrs: AsgdStepAttrs = { eta, decay: 1 - lambd * eta, mu, weightDecay, maximize };
    runUpdate('asgdStep', param, grad, [state.ax], attrs);
    state.eta = Math.fround(lr / (1 + lambd * lr * step) ** alpha);
    state.mu = Math.fround(1 / Math.max(1, step - t0));
  }
}
