import {
  checkOptions,
  type OptionKeys,
  type SgdStepAttrs,
  type Tensor,
  ValueError,
  zerosLike,
} from '@nn/tensor';
import { type BaseOptions, type ForeachOption, Optimizer, type ParamGroup, type Params } from './optimizer';
import { runUpdate } from './run-update';
import { checkLr, checkNonNegative, withDefaults } from './validate';

/** Options of {@link SGD} (torch's names in camelCase). */
export interface SGDOptions extends BaseOptions, ForeachOption {
  /** Momentum factor (default 0). */
  momentum: number;
  /** Dampening for momentum (default 0). */
  dampening: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Nesterov momentum (needs momentum > 0 and zero dampening). */
  nesterov: boolean;
  /** Ascend the objective instead of descending it. */
  maximize: boolean;
}
const SGD_KEYS: OptionKeys<SGDOptions> = {
  lr: true,
  momentum: true,
  dampening: true,
  weightDecay: true,
  nesterov: true,
  maximize: true,
  foreach: true,
};

/** Per-parameter state of {@link SGD} (torch's key names, so checkpoints map one to one). */
export interface SGDState {
  /** Momentum buffer (when `momentum` is non-zero). */
  momentum_buffer?: Tensor;
}

/**
 * Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and weight decay,
 * following torch 1.13's `SGD` (single-tensor algorithm): `lr` is required.
 *
 * @example
 * ```ts
 * import { Linear } from '@nn/nn';
 * import { SGD } from '@nn/optim';
 *
 * const net = new Linear(10, 2);
 * const opt = new SGD(net.parameters(), { lr: 0.1, momentum: 0.9 });
 * // each step: opt.zeroGrad(); loss.backward(); opt.step();
 * ```
 */
export class SGD extends Optimizer<SGDOptions, SGDState> {
  constructor(params: Params<SGDOptions>, options: Partial<SGDOptions> & { lr: number }) {
    checkOptions('SGD', options, SGD_KEYS);
    if (options?.lr === undefined) {
      throw new ValueError(
        'SGD',
        "parameter group didn't specify a value of required optimization parameter lr",
      );
    }
    super(
      'SGD',
      params,
      withDefaults<SGDOptions>(
        'SGD',
        {
          lr: options.lr,
          momentum: 0,
          dampening: 0,
          weightDecay: 0,
          nesterov: false,
          maximize: false,
          foreach: null,
        },
        options,
      ),
    );
  }

  protected validateOptions(o: SGDOptions): void {
    checkLr('SGD', o.lr);
    checkNonNegative('SGD', 'momentum', o.momentum);
    checkNonNegative('SGD', 'weightDecay', o.weightDecay);
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
      throw new ValueError('SGD', 'Nesterov momentum requires a momentum and zero dampening');
    }
  }

  protected updateParam(param: Tensor, grad: Tensor, group: ParamGroup<SGDOptions>): void {
    let state = this.state.get(param);
    if (!state) this.state.set(param, (state = {}));
    const useMomentum = group.momentum !== 0;
    const initBuffer = useMomentum && state.momentum_buffer === undefined;
    if (initBuffer) state.momentum_buffer = zerosLike(param);
    const attrs: SgdStepAttrs = {
      lr: group.lr,
      momentum: group.momentum,
      dampening: group.dampening,
      weightDecay: group.weightDecay,
      nesterov: group.nesterov,
      maximize: group.maximize,
      initBuffer,
    };
    runUpdate('sgdStep', param, grad, useMomentum ? [state.momentum_buffer!] : [], attrs);
  }
}
