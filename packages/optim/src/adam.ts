import { type AdamStepAttrs, type Tensor, zerosLike } from '@nn/tensor';
import { type BaseOptions, type ForeachOption, Optimizer, type ParamGroup, type Params } from './optimizer';
import { runUpdate } from './run-update';
import { checkBetas, checkLr, checkNonNegative, withDefaults } from './validate';

/** Options of {@link Adam} and {@link AdamW}. */
export interface AdamOptions extends BaseOptions, ForeachOption {
  /** Decay rates of the first and second moment estimates (default [0.9, 0.999]). */
  betas: readonly [number, number];
  /** Added to the denominator for numerical stability (default 1e-8). */
  eps: number;
  /** Adam: L2 penalty added to the gradient (default 0). AdamW: decoupled decay rate (default 1e-2). */
  weightDecay: number;
  /** Use the AMSGrad variant (the running maximum of the second moment). */
  amsgrad: boolean;
  /** Ascend the objective instead of descending it. */
  maximize: boolean;
}

/** Per-parameter state of {@link Adam} and {@link AdamW} (torch's key names). */
export interface AdamState {
  /** Steps taken. */
  step: number;
  /** First moment estimate. */
  exp_avg: Tensor;
  /** Second moment estimate. */
  exp_avg_sq: Tensor;
  /** Running maximum of the second moment (AMSGrad only). */
  max_exp_avg_sq?: Tensor;
}

/** Adam and AdamW: the same moments, with the weight decay applied to the gradient or decoupled. */
abstract class AdamFamily extends Optimizer<AdamOptions, AdamState> {
  protected constructor(
    name: string,
    params: Params<AdamOptions>,
    options: Partial<AdamOptions>,
    weightDecay: number,
    private readonly decoupled: boolean,
  ) {
    super(
      name,
      params,
      withDefaults(
        name,
        {
          lr: 1e-3,
          betas: [0.9, 0.999],
          eps: 1e-8,
          weightDecay,
          amsgrad: false,
          maximize: false,
          foreach: null,
        },
        options,
      ),
    );
  }

  protected validateOptions(o: AdamOptions): void {
    checkLr(this.opName, o.lr);
    checkNonNegative(this.opName, 'epsilon', o.eps);
    checkBetas(this.opName, o.betas);
    checkNonNegative(this.opName, 'weightDecay', o.weightDecay);
  }

  protected updateParam(param: Tensor, grad: Tensor, group: ParamGroup<AdamOptions>): void {
    let state = this.state.get(param);
    if (!state) {
      state = { step: 0, exp_avg: zerosLike(param), exp_avg_sq: zerosLike(param) };
      this.state.set(param, state);
    }
    if (group.amsgrad && !state.max_exp_avg_sq) state.max_exp_avg_sq = zerosLike(param);
    const step = ++state.step;
    const [beta1, beta2] = group.betas;
    const attrs: AdamStepAttrs = {
      beta1,
      beta2,
      eps: group.eps,
      weightDecay: this.decoupled ? 0 : group.weightDecay,
      paramScale: this.decoupled ? 1 - group.lr * group.weightDecay : 1,
      stepSize: group.lr / (1 - beta1 ** step),
      biasCorrection2Sqrt: Math.sqrt(1 - beta2 ** step),
      amsgrad: group.amsgrad,
      maximize: group.maximize,
    };
    const moments = [state.exp_avg, state.exp_avg_sq];
    if (group.amsgrad) moments.push(state.max_exp_avg_sq!);
    runUpdate('adamStep', param, grad, moments, attrs);
  }
}

/**
 * Adam (Kingma & Ba), optionally AMSGrad, following torch 1.13's single-tensor `Adam` step for step,
 * including its bias-correction order: `denom = sqrt(v) / sqrt(1 - beta2^t) + eps`.
 *
 * @example
 * ```ts
 * import { Linear } from '@nn/nn';
 * import { Adam } from '@nn/optim';
 *
 * const net = new Linear(10, 2);
 * const opt = new Adam(net.parameters(), { lr: 1e-3, betas: [0.9, 0.999] });
 * // each step: opt.zeroGrad(); loss.backward(); opt.step();
 * ```
 */
export class Adam extends AdamFamily {
  constructor(params: Params<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super('Adam', params, options, 0, false);
  }
}

/**
 * AdamW (Loshchilov & Hutter): Adam with decoupled weight decay (`param *= 1 - lr * weightDecay` before
 * the Adam update), as torch 1.13's `AdamW`. `weightDecay` defaults to 1e-2.
 */
export class AdamW extends AdamFamily {
  constructor(params: Params<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super('AdamW', params, options, 1e-2, true);
  }
}
