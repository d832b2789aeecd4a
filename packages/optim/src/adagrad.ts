import type { AdagradStepAttrs } from '@nn/tensor';
import { fullLike, type Tensor } from '@nn/tensor';
import { type BaseOptions, type ForeachOption, Optimizer, type ParamGroup, type Params } from './optimizer';
import { runUpdate } from './run-update';
import { checkLr, checkNonNegative, withDefaults } from './validate';

/** Options of {@link Adagrad}. */
export interface AdagradOptions extends BaseOptions, ForeachOption {
  /** Learning-rate decay per step: `lr / (1 + (step - 1) * lrDecay)` (default 0). */
  lrDecay: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Starting value of the squared-gradient sum (default 0). */
  initialAccumulatorValue: number;
  /** Added to the denominator for numerical stability (default 1e-10). */
  eps: number;
  /** Ascend the objective instead of descending it. */
  maximize: boolean;
}

/** Per-parameter state of {@link Adagrad} (torch's key names). */
export interface AdagradState {
  /** Steps taken. */
  step: number;
  /** Running sum of squared gradients. */
  sum: Tensor;
}

/** Adagrad (Duchi et al.) for dense gradients, as torch 1.13's single-tensor `Adagrad`. */
export class Adagrad extends Optimizer<AdagradOptions, AdagradState> {
  constructor(params: Params<AdagradOptions>, options: Partial<AdagradOptions> = {}) {
    super(
      'Adagrad',
      params,
      withDefaults(
        'Adagrad',
        {
          lr: 1e-2,
          lrDecay: 0,
          weightDecay: 0,
          initialAccumulatorValue: 0,
          eps: 1e-10,
          maximize: false,
          foreach: null,
        },
        options,
      ),
    );
    // torch creates the accumulators up front, so a state dict taken before the first step has them.
    for (const group of this.paramGroups) for (const p of group.params) this.initState(p, group);
  }

  protected validateOptions(o: AdagradOptions): void {
    checkLr('Adagrad', o.lr);
    checkNonNegative('Adagrad', 'lrDecay', o.lrDecay);
    checkNonNegative('Adagrad', 'weightDecay', o.weightDecay);
    checkNonNegative('Adagrad', 'initialAccumulatorValue', o.initialAccumulatorValue);
    checkNonNegative('Adagrad', 'epsilon', o.eps);
  }

  private initState(param: Tensor, group: ParamGroup<AdagradOptions>): AdagradState {
    const state = { step: 0, sum: fullLike(param, group.initialAccumulatorValue) };
    this.state.set(param, state);
    return state;
  }

  protected updateParam(param: Tensor, grad: Tensor, group: ParamGroup<AdagradOptions>): void {
    const state = this.state.get(param) ?? this.initState(param, group);
    const step = ++state.step;
    const attrs: AdagradStepAttrs = {
      clr: group.lr / (1 + (step - 1) * group.lrDecay),
      eps: group.eps,
      weightDecay: group.weightDecay,
      maximize: group.maximize,
    };
    runUpdate('adagradStep', param, grad, [state.sum], attrs);
  }
}
