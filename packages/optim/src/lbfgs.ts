import { enableGrad, noGrad } from '@nn/autograd';
import { cat, NNError, Tensor, ValueError, zeros } from '@nn/tensor';
import { type BaseOptions, Optimizer, type ParamGroup, type Params } from './optimizer';
import { strongWolfe } from './strong-wolfe';
import { checkLr, withDefaults } from './validate';

/** Options of {@link LBFGS}. */
export interface LBFGSOptions extends BaseOptions {
  /** Maximal number of iterations per `step` (default 20). */
  maxIter: number;
  /** Maximal number of loss evaluations per `step` (default `floor(maxIter * 5 / 4)`). */
  maxEval: number;
  /** Stop when the largest gradient entry is at most this (default 1e-7). */
  toleranceGrad: number;
  /** Stop when the loss or the step changes by less than this (default 1e-9). */
  toleranceChange: number;
  /** How many past updates approximate the inverse Hessian (default 100). */
  historySize: number;
  /** `'strong_wolfe'` for torch's strong-Wolfe line search, `null` for fixed steps of `lr` (default). */
  lineSearchFn: 'strong_wolfe' | null;
}

/** State of {@link LBFGS}, kept on its first parameter as torch does (torch's key names). */
export interface LBFGSState {
  /** Loss evaluations so far. */
  func_evals: number;
  /** Iterations so far. */
  n_iter: number;
  /** The last search direction (flattened over all parameters). */
  d?: Tensor;
  /** The last step length. */
  t?: number;
  /** Past gradient differences y. */
  old_dirs?: Tensor[];
  /** Past steps s. */
  old_stps?: Tensor[];
  /** 1 / (yᵀ s) per history entry. */
  ro?: number[];
  /** The scaling of the initial inverse Hessian. */
  H_diag?: number;
  /** The flat gradient of the previous iteration. */
  prev_flat_grad?: Tensor;
  /** The loss of the previous iteration. */
  prev_loss?: number;
}

/** The loss a closure returns: a one-element tensor or a number. */
type Loss = Tensor | number;

function lossValue(loss: Loss): number {
  if (loss instanceof Promise) {
    throw new ValueError(
      'LBFGS.step',
      'the closure returned a Promise, but step() is synchronous; compute the loss synchronously',
    );
  }
  if (typeof loss === 'number') return loss;
  if (!(loss instanceof Tensor)) {
    throw new ValueError(
      'LBFGS.step',
      `the closure must return the loss (a Tensor or number), got ${typeof loss}`,
    );
  }
  return Number(loss.item());
}

const maxAbs = (t: Tensor) => t.abs().max().item() as number;
const dot = (a: Tensor, b: Tensor) => a.dot(b).item() as number;

/**
 * L-BFGS (Nocedal & Wright), as torch 1.13's `LBFGS`: a quasi-Newton method that re-evaluates the
 * model several times per `step`, so `step(closure)` needs a closure that zeroes the gradients, computes
 * the loss, calls `backward()` and returns the loss. Optionally with torch's strong-Wolfe line search.
 * All parameters form one group (torch has no per-group options for LBFGS). It keeps a flat copy of
 * every parameter and `historySize` pairs of them: memory grows with the model.
 *
 * @example
 * ```ts
 * import '@nn/autograd';
 * import { LBFGS } from '@nn/optim';
 * import { tensor } from '@nn/tensor';
 *
 * const x = tensor([-1.5, 2], { dtype: 'float64', requiresGrad: true });
 * const opt = new LBFGS([x], { lineSearchFn: 'strong_wolfe' });
 * const rosenbrock = () => {
 *   opt.zeroGrad();
 *   const [a, b] = [x.select(0, 0), x.select(0, 1)];
 *   const loss = a.neg().add(1).pow(2).add(b.sub(a.pow(2)).pow(2).mul(100));
 *   loss.backward();
 *   return loss;
 * };
 * for (let i = 0; i < 5; i++) opt.step(rosenbrock);
 * console.log(x.tolist()); // close to [1, 1]
 * ```
 */
export class LBFGS extends Optimizer<LBFGSOptions, LBFGSState> {
  constructor(params: Params<LBFGSOptions>, options: Partial<LBFGSOptions> = {}) {
    const maxIter = options.maxIter ?? 20;
    super(
      'LBFGS',
      params,
      withDefaults(
        'LBFGS',
        {
          lr: 1,
          maxIter,
          maxEval: Math.floor((maxIter * 5) / 4),
          toleranceGrad: 1e-7,
          toleranceChange: 1e-9,
          historySize: 100,
          lineSearchFn: null,
        },
        options,
      ),
    );
    if (this.paramGroups.length !== 1) {
      throw new ValueError('LBFGS', "LBFGS doesn't support per-parameter options (parameter groups)");
    }
  }

  protected validateOptions(o: LBFGSOptions): void {
    checkLr('LBFGS', o.lr);
    for (const key of ['maxIter', 'maxEval', 'historySize'] as const) {
      if (!(Number.isInteger(o[key]) && o[key] > 0)) {
        throw new ValueError('LBFGS', `${key} must be a positive integer, got ${o[key]}`);
      }
    }
    if (o.lineSearchFn !== null && o.lineSearchFn !== 'strong_wolfe') {
      throw new ValueError(
        'LBFGS',
        `only 'strong_wolfe' is supported as lineSearchFn, got '${o.lineSearchFn}'`,
      );
    }
  }

  /** LBFGS updates all parameters together in {@link LBFGS.step}; it never updates one at a time. */
  protected updateParam(): void {
    throw new NNError('LBFGS', 'LBFGS updates its parameters together in step(closure)');
  }

  private get params(): Tensor[] {
    return this.paramGroups[0]!.params;
  }

  /** All gradients flattened into one vector (zeros for parameters without a gradient). */
  private flatGrad(): Tensor {
    return cat(
      this.params.map((p) =>
        p.grad ? p.grad.reshape([-1]) : zeros([p.numel()], { dtype: p.dtype, device: p.device }),
      ),
    );
  }

  /** `p += step * update` for each parameter's slice of the flat `update`. */
  private addGrad(step: number, update: Tensor): void {
    let offset = 0;
    for (const p of this.params) {
      const n = p.numel();
      p.add_(update.narrow(0, offset, n).viewAs(p), { alpha: step });
      offset += n;
    }
  }

  /**
   * One L-BFGS step of up to `maxIter` iterations. `closure` re-evaluates the model (zero the
   * gradients, forward, `backward()`) and returns the loss; it runs with gradients enabled. Returns
   * the loss of the first evaluation, as torch does.
   */
  override step<L = Loss>(closure?: () => L): L | undefined {
    if (typeof closure !== 'function') {
      throw new ValueError(
        'LBFGS.step',
        'LBFGS needs a closure that re-evaluates the model: opt.step(() => { opt.zeroGrad(); ' +
          'const loss = ...; loss.backward(); return loss; })',
      );
    }
    const evaluate = () => enableGrad(() => lossValue(closure() as Loss));
    const group = this.paramGroups[0]!;
    const first = enableGrad(closure);
    noGrad(() => this.run(group, lossValue(first as Loss), evaluate));
    return first;
  }

  private run(group: ParamGroup<LBFGSOptions>, firstLoss: number, evaluate: () => number): void {
    const { lr, maxIter, maxEval, toleranceGrad, toleranceChange, historySize, lineSearchFn } = group;
    const first = this.params[0]!;
    let state = this.state.get(first);
    if (!state) this.state.set(first, (state = { func_evals: 0, n_iter: 0 }));
    let loss = firstLoss;
    let currentEvals = 1;
    state.func_evals++;
    let flatGrad = this.flatGrad();
    if (maxAbs(flatGrad) <= toleranceGrad) return;

    let {
      d,
      t,
      old_dirs: oldDirs,
      old_stps: oldStps,
      ro,
      H_diag: hDiag,
      prev_flat_grad: prevFlatGrad,
    } = state;
    let prevLoss = state.prev_loss;
    let nIter = 0;
    while (nIter < maxIter) {
      nIter++;
      state.n_iter++;
      if (state.n_iter === 1) {
        d = flatGrad.neg();
        [oldDirs, oldStps, ro, hDiag] = [[], [], [], 1];
      } else {
        // update the curvature pairs, then the two-loop recursion for d = -H g
        const y = flatGrad.sub(prevFlatGrad!);
        const s = d!.mul(t!);
        const ys = dot(y, s);
        if (ys > 1e-10) {
          if (oldDirs!.length === historySize) {
            oldDirs!.shift();
            oldStps!.shift();
            ro!.shift();
          }
          oldDirs!.push(y);
          oldStps!.push(s);
          ro!.push(1 / ys);
          hDiag = ys / dot(y, y);
        }
        const al: number[] = [];
        let q = flatGrad.neg();
        for (let i = oldDirs!.length - 1; i >= 0; i--) {
          al[i] = dot(oldStps![i]!, q) * ro![i]!;
          q = q.add(oldDirs![i]!, { alpha: -al[i]! });
        }
        let r = q.mul(hDiag!);
        for (let i = 0; i < oldDirs!.length; i++) {
          const be = dot(oldDirs![i]!, r) * ro![i]!;
          r = r.add(oldStps![i]!, { alpha: al[i]! - be });
        }
        d = r;
      }
      prevFlatGrad = flatGrad.clone();
      prevLoss = loss;
      t = state.n_iter === 1 ? Math.min(1, 1 / (flatGrad.abs().sum().item() as number)) * lr : lr;
      const gtd = dot(flatGrad, d!);
      if (gtd > -toleranceChange) break;

      let lsEvals = 0;
      let optCond = false;
      if (lineSearchFn === 'strong_wolfe') {
        const x0 = this.params.map((p) => p.clone());
        const direction = d!;
        const found = strongWolfe(
          (step) => {
            this.addGrad(step, direction);
            const value = evaluate();
            const g = this.flatGrad();
            this.params.forEach((p, i) => {
              p.copy_(x0[i]!);
            });
            return [value, g];
          },
          t,
          direction,
          loss,
          flatGrad,
          gtd,
        );
        ({ loss, flatGrad, t, evals: lsEvals } = found);
        this.addGrad(t, direction);
        optCond = maxAbs(flatGrad) <= toleranceGrad;
      } else {
        this.addGrad(t, d!);
        if (nIter !== maxIter) {
          loss = evaluate();
          flatGrad = this.flatGrad();
          optCond = maxAbs(flatGrad) <= toleranceGrad;
          lsEvals = 1;
        }
      }
      currentEvals += lsEvals;
      state.func_evals += lsEvals;
      if (nIter === maxIter || currentEvals >= maxEval || optCond) break;
      if (maxAbs(d!.mul(t)) <= toleranceChange) break;
      if (Math.abs(loss - prevLoss) < toleranceChange) break;
    }
    Object.assign(state, {
      d,
      t,
      old_dirs: oldDirs,
      old_stps: oldStps,
      ro,
      H_diag: hDiag,
      prev_flat_grad: prevFlatGrad,
      prev_loss: prevLoss,
    });
  }
}
