import { fullLike, type RpropStepAttrs, type Tensor, ValueError, zerosLike } from '@nn/tensor';
import { type BaseOptions, type ForeachOption, Optimizer, type ParamGroup, type Params } from './optimizer';
import { runUpdate } from './run-update';
import { checkLr, withDefaults } from './validate';

/** Options of {@link Rprop}. */
export interface RpropOptions extends BaseOptions, ForeachOption {
  /** Step-size factors when the gradient's sign flips and when it holds: [etaminus, etaplus] ([0.5, 1.2]). */
  etas: readonly [number, number];
  /** Smallest and largest step size (default [1e-6, 50]). */
  stepSizes: readonly [number, number];
  /** Ascend the objective instead of descending it. */
  maximize: boolean;
}

/** Per-parameter state of {@link Rprop} (torch's key names). */
export interface RpropState {
  /** Steps taken. */
  step: number;
  /** The previous (masked) gradient. */
  prev: Tensor;
  /** Each element's current step size (starts at `lr`). */
  step_size: Tensor;
}

/**
 * Resilient backpropagation (Riedmiller and Braun 1993), as torch 1.13's single-tensor `Rprop`: each
 * element moves by its own step size against the gradient's sign; the step grows by etaplus while the sign
 * holds and shrinks by etaminus when it flips (that step is then skipped). Suited to full-batch training.
 */
export class Rprop extends Optimizer<RpropOptions, RpropState> {
  constructor(params: Params<RpropOptions>, options: Partial<RpropOptions> = {}) {
    super(
      'Rprop',
      params,
      withDefaults(
        'Rprop',
        { lr: 1e-2, etas: [0.5, 1.2], stepSizes: [1e-6, 50], maximize: false, foreach: null },
        options,
      ),
    );
  }

  protected validateOptions(o: RpropOptions): void {
    checkLr('Rprop', o.lr);
    const [etaminus, etaplus] = o.etas;
    if (!(etaminus > 0 && etaminus < 1 && etaplus > 1)) {
      throw new ValueError('Rprop', `Invalid eta values: ${etaminus}, ${etaplus}`);
    }
  }

  protected updateParam(param: Tensor, grad: Tensor, group: ParamGroup<RpropOptions>): void {
    let state = this.state.get(param);
    if (!state) {
      state = { step: 0, prev: zerosLike(param), step_size: fullLike(param, group.lr) };
      this.state.set(param, state);
    }
    state.step++;
    const [etaminus, etaplus] = group.etas;
    const [minStep, maxStep] = group.stepSizes;
    const attrs: RpropStepAttrs = { etaminus, etaplus, minStep, maxStep, maximize: group.maximize };
    runUpdate('rpropStep', param, grad, [state.prev, state.step_size], attrs);
  }
}
