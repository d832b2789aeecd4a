import type { NadamStepAttrs } from '@nn/tensor';
import { type Tensor, zerosLike } from '@nn/tensor';
import { type BaseOptions, type ForeachOption, Optimizer, type ParamGroup, type Params } from './optimizer';
import { runUpdate } from './run-update';
import { checkBetas, checkLr, checkNonNegative, withDefaults } from './validate';

/** Options of {@link NAdam}. */
export interface NAdamOptions extends BaseOptions, ForeachOption {
  /** Decay rates of the first and second moment estimates (default [0.9, 0.999]). */
  betas: readonly [number, number];
  /** Added to the denominator for numerical stability (default 1e-8). */
  eps: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Momentum decay ψ of the momentum schedule (default 4e-3). */
  momentumDecay: number;
}

/** Per-parameter state of {@link NAdam} (torch's key names). */
export interface NAdamState {
  /** Steps taken. */
  step: number;
  /** Product of the momentum schedule so far (a float32 scalar in torch, rounded the same here). */
  mu_product: number;
  /** First moment estimate. */
  exp_avg: Tensor;
  /** Second moment estimate. */
  exp_avg_sq: Tensor;
}

const f32 = Math.fround;

/** NAdam (Adam with Nesterov momentum, Dozat), as torch 1.13's single-tensor `NAdam`; `lr` defaults to 2e-3. */
export class NAdam extends Optimizer<NAdamOptions, NAdamState> {
  constructor(params: Params<NAdamOptions>, options: Partial<NAdamOptions> = {}) {
    super(
      'NAdam',
      params,
      withDefaults(
        'NAdam',
        { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, momentumDecay: 4e-3, foreach: null },
        options,
      ),
    );
  }

  protected validateOptions(o: NAdamOptions): void {
    checkLr('NAdam', o.lr);
    checkNonNegative('NAdam', 'epsilon', o.eps);
    checkBetas('NAdam', o.betas);
    checkNonNegative('NAdam', 'weightDecay', o.weightDecay);
    checkNonNegative('NAdam', 'momentumDecay', o.momentumDecay);
  }

  protected updateParam(param: Tensor, grad: Tensor, group: ParamGroup<NAdamOptions>): void {
    let state = this.state.get(param);
    if (!state) {
      state = { step: 0, mu_product: 1, exp_avg: zerosLike(param), exp_avg_sq: zerosLike(param) };
      this.state.set(param, state);
    }
    const step = ++state.step;
    const [beta1, beta2] = group.betas;
    const mu = beta1 * (1 - 0.5 * 0.96 ** (step * group.momentumDecay));
    const muNext = beta1 * (1 - 0.5 * 0.96 ** ((step + 1) * group.momentumDecay));
    // torch keeps mu_product in a float32 tensor and multiplies it by Python floats cast to float32.
    state.mu_product = f32(state.mu_product * f32(mu));
    const muProductNext = f32(f32(state.mu_product * f32(mu)) * f32(muNext));
    const attrs: NadamStepAttrs = {
      beta1,
      beta2,
      eps: group.eps,
      weightDecay: group.weightDecay,
      biasCorrection2: 1 - beta2 ** step,
      gradStep: (group.lr * (1 - mu)) / (1 - state.mu_product),
      avgStep: (group.lr * muNext) / (1 - muProductNext),
    };
    runUpdate('nadamStep', param, grad, [state.exp_avg, state.exp_avg_sq], attrs);
  }
}
