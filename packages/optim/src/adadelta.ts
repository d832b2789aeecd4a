import { type AdadeltaStepAttrs, type Tensor, ValueError, zerosLike } from '@nn/tensor';
import { type BaseOptions, type ForeachOption, Optimizer, type ParamGroup, type Params } from './optimizer';
import { runUpdate } from './run-update';
import { checkLr, checkNonNegative, withDefaults } from './validate';

/** Options of {@link Adadelta}. */
export interface AdadeltaOptions extends BaseOptions, ForeachOption {
  /** Decay rate of the running averages of squared gradients and updates (default 0.9). */
  rho: number;
  /** Added inside the square roots for numerical stability (default 1e-6). */
  eps: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Ascend the objective instead of descending it. */
  maximize: boolean;
}

/** Per-parameter state of {@link Adadelta} (torch's key names). */
export interface AdadeltaState {
  /** Steps taken. */
  step: number;
  /** Running average of squared gradients. */
  square_avg: Tensor;
  /** Running average of squared updates. */
  acc_delta: Tensor;
}

/** Adadelta (Zeiler 2012), as torch 1.13's single-tensor `Adadelta`; `lr` (default 1) scales the update. */
export class Adadelta extends Optimizer<AdadeltaOptions, AdadeltaState> {
  constructor(params: Params<AdadeltaOptions>, options: Partial<AdadeltaOptions> = {}) {
    super(
      'Adadelta',
      params,
      withDefaults(
        'Adadelta',
        { lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false, foreach: null },
        options,
      ),
    );
  }

  protected validateOptions(o: AdadeltaOptions): void {
    checkLr('Adadelta', o.lr);
    if (!(o.rho >= 0 && o.rho <= 1)) throw new ValueError('Adadelta', `Invalid rho value: ${o.rho}`);
    checkNonNegative('Adadelta', 'epsilon', o.eps);
    checkNonNegative('Adadelta', 'weightDecay', o.weightDecay);
  }

  protected updateParam(param: Tensor, grad: Tensor, group: ParamGroup<AdadeltaOptions>): void {
    let state = this.state.get(param);
    if (!state)
      this.state.set(param, (state = { step: 0, square_avg: zerosLike(param), acc_delta: zerosLike(param) }));
    state.step++;
    const { lr, rho, eps, weightDecay, maximize } = group;
    const attrs: AdadeltaStepAttrs = { lr, rho, eps, weightDecay, maximize };
    runUpdate('adadeltaStep', param, grad, [state.square_avg, state.acc_delta], attrs);
  }
}
