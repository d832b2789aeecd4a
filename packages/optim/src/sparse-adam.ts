import { type Tensor, ValueError, zerosLike } from '@nn/tensor';
import { type BaseOptions, Optimizer, type ParamGroup, type Params } from './optimizer';
import { updateInPlace } from './tensor-update';
import { checkBetas, withDefaults } from './validate';

/** Options of {@link SparseAdam}. */
export interface SparseAdamOptions extends BaseOptions {
  /** Decay rates of the first and second moment estimates (default [0.9, 0.999]). */
  betas: readonly [number, number];
  /** Added to the denominator for numerical stability (default 1e-8). */
  eps: number;
  /** Ascend the objective instead of descending it. */
  maximize: boolean;
}

/** Per-parameter state of {@link SparseAdam} (torch's key names). */
export interface SparseAdamState {
  /** Steps taken (counted per parameter, whatever entries its gradient touched). */
  step: number;
  /** First moment estimate. */
  exp_avg: Tensor;
  /** Second moment estimate. */
  exp_avg_sq: Tensor;
}

/**
 * SparseAdam, as torch 1.13's: "lazy" Adam that updates the moments and the parameter only at the
 * entries the gradient has, and leaves every other entry untouched (no moment decay there).
 *
 * @nn has no sparse tensors, so the gradient is dense and **its nonzero entries are the sparse set**:
 * the result equals torch's for a sparse gradient built with `dense.to_sparse()`. One difference: an
 * entry that torch's sparse gradient lists explicitly with the value 0 (an embedding row that was looked
 * up but got a zero gradient) decays its moments in torch and is skipped here.
 *
 * @example
 * ```ts
 * const opt = new SparseAdam(embedding.parameters(), { lr: 1e-3 });
 * ```
 */
export class SparseAdam extends Optimizer<SparseAdamOptions, SparseAdamState> {
  constructor(params: Params<SparseAdamOptions>, options: Partial<SparseAdamOptions> = {}) {
    super(
      'SparseAdam',
      params,
      withDefaults('SparseAdam', { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, maximize: false }, options),
    );
  }

  protected validateOptions(o: SparseAdamOptions): void {
    // torch requires both strictly positive here (other optimizers accept 0)
    if (!(o.lr > 0)) throw new ValueError('SparseAdam', `Invalid learning rate: ${o.lr}`);
    if (!(o.eps > 0)) throw new ValueError('SparseAdam', `Invalid epsilon value: ${o.eps}`);
    checkBetas('SparseAdam', o.betas);
  }

  protected updateParam(param: Tensor, grad: Tensor, group: ParamGroup<SparseAdamOptions>): void {
    let state = this.state.get(param);
    if (!state) {
      state = { step: 0, exp_avg: zerosLike(param), exp_avg_sq: zerosLike(param) };
      this.state.set(param, state);
    }
    const step = ++state.step;
    const { lr, eps, maximize } = group;
    const [beta1, beta2] = group.betas;
    const { exp_avg: m, exp_avg_sq: v } = state;
    updateInPlace([param, m, v], () => {
      const present = grad.ne(0).to(param.dtype);
      const g = maximize ? grad.neg() : grad;
      // torch's order: old += (1 - b) * (new - old) on the present entries only
      const dm = g
        .sub(m)
        .mul(1 - beta1)
        .mul(present);
      const dv = g
        .square()
        .sub(v)
        .mul(1 - beta2)
        .mul(present);
      const numer = dm.add(m);
      const denom = dv.add(v).sqrt().add(eps);
      const stepSize = (lr * Math.sqrt(1 - beta2 ** step)) / (1 - beta1 ** step);
      return [param.add(numer.div(denom).mul(-stepSize).mul(present)), m.add(dm), v.add(dv)];
    });
  }
}
