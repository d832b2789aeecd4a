import { type AdamStepAttrs, Tensor, zerosLike } from '@nn/tensor';
import { sameShape } from '@nn/tensor/kernel';
import { adamMomentMemory } from './kernels/adam-simd';
import {
  type BaseOptions,
  type ForeachOption,
  Optimizer,
  type OptimizerStateDict,
  type ParamGroup,
  type Params,
} from './optimizer';
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

/** The state entries holding a moment, each shaped like its parameter. */
const MOMENTS = ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq'] as const;
type MomentKey = (typeof MOMENTS)[number];

/**
 * Adam and AdamW: the same moments, with the weight decay applied to the gradient or decoupled. The
 * moments of float32 CPU parameters live in the update kernel's memory (see adamMomentMemory), so a step
 * copies only the parameter and its gradient there and back: 3 copies of each parameter's size instead
 * of 7 (ordinary tensors elsewhere, and where that memory is refused).
 */
abstract class AdamFamily extends Optimizer<AdamOptions, AdamState> {
  /** Each parameter's moments in the kernel's memory, kept across loadStateDict. */
  private readonly homes = new Map<Tensor, Partial<Record<MomentKey, Tensor>>>();
  /** Hands out room in the kernel's memory; null once that memory was refused (no WebAssembly SIMD). */
  private takeMoment: ((n: number) => Float32Array | undefined) | null | undefined;
  /** Floats the last such memory was made for (the next one is at least twice as big). */
  private momentFloats = 0;

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
      state = {
        step: 0,
        exp_avg: this.zeroMoment(param, 'exp_avg'),
        exp_avg_sq: this.zeroMoment(param, 'exp_avg_sq'),
      };
      this.state.set(param, state);
    }
    if (group.amsgrad && !state.max_exp_avg_sq)
      state.max_exp_avg_sq = this.zeroMoment(param, 'max_exp_avg_sq');
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

  /** Loads as every optimizer does, then copies the loaded moments to their homes in the kernel's memory. */
  override loadStateDict(stateDict: OptimizerStateDict): void {
    super.loadStateDict(stateDict);
    for (const [param, state] of this.state) {
      for (const key of MOMENTS) {
        const loaded = state[key];
        // Anything unlike its parameter is left as loaded: the update refuses it (runUpdate).
        if (loaded?.dtype !== param.dtype || !sameShape(loaded.shape, param.shape)) continue;
        const home = this.momentHome(param, key);
        if (!home) continue;
        (home.storage.data as Float32Array).set(loaded.contiguous().dataSync() as Float32Array);
        state[key] = home;
      }
    }
  }

  /** Zeros for `param`'s moment `key`: its home in the kernel's memory where it can have one. */
  private zeroMoment(param: Tensor, key: MomentKey): Tensor {
    const home = this.momentHome(param, key);
    if (!home) return zerosLike(param);
    (home.storage.data as Float32Array).fill(0);
    return home;
  }

  /**
   * `param`'s moment `key` in the kernel's memory, made on first use (in a new memory, sized for every
   * moment still without a home, when the last one is full); undefined for other than float32 CPU
   * parameters and where that memory is refused.
   */
  private momentHome(param: Tensor, key: MomentKey): Tensor | undefined {
    const homes = this.homes.get(param) ?? {};
    if (homes[key] || param.device !== 'cpu' || param.dtype !== 'float32' || this.takeMoment === null)
      return homes[key];
    const n = param.numel();
    let view = this.takeMoment?.(n);
    if (view === undefined) {
      this.momentFloats = Math.max(2 * this.momentFloats, this.homelessMomentFloats(), 4 * Math.ceil(n / 4));
      this.takeMoment = adamMomentMemory(this.momentFloats) ?? null;
      view = this.takeMoment?.(n);
    }
    if (view === undefined) return undefined;
    homes[key] = Tensor.fromArray(view, param.shape);
    this.homes.set(param, homes);
    return homes[key];
  }

  /** Floats (in whole lanes) of the moments float32 CPU parameters will need and have no home for yet. */
  private homelessMomentFloats(): number {
    let floats = 0;
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (p.device !== 'cpu' || p.dtype !== 'float32') continue;
        const homes = this.homes.get(p) ?? {};
        const keys = group.amsgrad ? MOMENTS : MOMENTS.slice(0, 2);
        floats += keys.filter((key) => !homes[key]).length * 4 * Math.ceil(p.numel() / 4);
      }
    }
    return floats;
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
