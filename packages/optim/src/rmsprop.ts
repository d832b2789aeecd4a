import type { RmspropStepAttrs } from '@nn/tensor';
import { type Tensor, zerosLike } from '@nn/tensor';
import { type BaseOptions, type ForeachOption, Optimizer, type ParamGroup, type Params } from './optimizer';
import { runUpdate } from './run-update';
import { checkLr, checkNonNegative, withDefaults } from './validate';

/** Options of {@link RMSprop}. */
export interface RMSpropOptions extends BaseOptions, ForeachOption {
  /** Smoothing constant of the squared-gradient average (default 0.99). */
  alpha: number;
  /** Added to the denominator for numerical stability (default 1e-8). */
  eps: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Momentum factor (default 0). */
  momentum: number;
  /** Normalize by the estimated variance of the gradient instead of its second moment. */
  centered: boolean;
  /** Ascend the objective instead of descending it. */
  maximize: boolean;
}

/** Per-parameter state of {@link RMSprop} (torch's key names). */
export interface RMSpropState {
  /** Steps taken. */
  step: number;
  /** Running average of squared gradients. */
  square_avg: Tensor;
  /** Momentum buffer (when `momentum > 0`). */
  momentum_buffer?: Tensor;
  /** Running average of gradients (when `centered`). */
  grad_avg?: Tensor;
}

/** RMSprop (Hinton), optionally centered and with momentum, as torch 1.13's single-tensor `RMSprop`. */
export class RMSprop extends Optimizer<RMSpropOptions, RMSpropState> {
  constructor(params: Params<RMSpropOptions>, options: Partial<RMSpropOptions> = {}) {
    super(
      'RMSprop',
      params,
      withDefaults(
        'RMSprop',
        {
          lr: 1e-2,
          alpha: 0.99,
          eps: 1e-8,
          weightDecay: 0,
          momentum: 0,
          centered: false,
          maximize: false,
          foreach: null,
        },
        options,
      ),
    );
  }

  protected validateOptions(o: RMSpropOptions): void {
    checkLr('RMSprop', o.lr);
    checkNonNegative('RMSprop', 'epsilon', o.eps);
    checkNonNegative('RMSprop', 'momentum', o.momentum);
    checkNonNegative('RMSprop', 'weightDecay', o.weightDecay);
    checkNonNegative('RMSprop', 'alpha', o.alpha);
  }

  protected updateParam(param: Tensor, grad: Tensor, group: ParamGroup<RMSpropOptions>): void {
    let state = this.state.get(param);
    if (!state) this.state.set(param, (state = { step: 0, square_avg: zerosLike(param) }));
    state.step++;
    const buffers = [state.square_avg];
    if (group.centered) buffers.push((state.grad_avg ??= zerosLike(param)));
    if (group.momentum > 0) buffers.push((state.momentum_buffer ??= zerosLike(param)));
    const attrs: RmspropStepAttrs = {
      lr: group.lr,
      alpha: group.alpha,
      eps: group.eps,
      weightDecay: group.weightDecay,
      momentum: group.momentum,
      centered: group.centered,
      maximize: group.maximize,
    };
    runUpdate('rmspropStep', param, grad, buffers, attrs);
  }
}
