import { noGrad } from '@nn/autograd';
import { checkOptions, NNError, type OptionKeys, type Tensor, tensor, ValueError } from '@nn/tensor';
import { Module } from '../module/module';

/** Combines the running average with the current value: `(averaged, current, numAveraged) => new average`. */
export type AvgFn = (averaged: Tensor, current: Tensor, numAveraged: number) => Tensor;

/** Options of {@link AveragedModel}. */
export interface AveragedModelOptions<M extends Module> {
  /**
   * The averaging rule (default: the equal-weight running mean `avg + (p - avg) / (n + 1)`, as torch's).
   * torch passes `numAveraged` as a 0-d tensor; here it is a number.
   */
  avgFn?: AvgFn;
  /** Average the buffers (BatchNorm statistics) too instead of leaving them for {@link updateBn}. */
  useBuffers?: boolean;
  /** Device to keep the averaged copy on (default: the model's). */
  device?: string;
  /**
   * Builds a fresh module of the model's architecture; its values are then copied from the model. torch
   * deep-copies the model, which JavaScript cannot do for a class instance in general, so this defaults
   * to `model.clone()` when the model has one, and is needed otherwise: `{ copy: () => new Net() }`.
   */
  copy?: () => M;
}
const AVERAGED_MODEL_KEYS: OptionKeys<AveragedModelOptions<Module>> = {
  avgFn: true,
  useBuffers: true,
  device: true,
  copy: true,
};

const equalWeight: AvgFn = (averaged, current, n) => averaged.add(current.sub(averaged).div(n + 1));

function copyOf<M extends Module>(model: M, copy: (() => M) | undefined): M {
  const make = copy ?? (model as { clone?: () => M }).clone?.bind(model);
  if (!make) {
    throw new ValueError(
      'AveragedModel',
      `${model.constructor.name} has no clone(); pass { copy: () => new ${model.constructor.name}(...) } ` +
        "to build the averaged copy (torch deep-copies the model; JavaScript can't copy a class instance)",
    );
  }
  const fresh = make();
  if (!(fresh instanceof Module) || fresh === model) {
    throw new ValueError(
      'AveragedModel',
      'copy() must return a new Module of the same architecture as the model',
    );
  }
  fresh.loadStateDict(model.stateDict());
  return fresh;
}

/**
 * A running average of a model's weights for stochastic weight averaging (SWA) or an exponential
 * moving average (torch.optim.swa_utils.AveragedModel). It holds a copy of the model as `module` and a
 * buffer `n_averaged`, so its `stateDict()` keys are torch's: `module.<name>` and `n_averaged` (int32
 * here, int64 in torch). Calling it runs the averaged copy.
 *
 * @example
 * ```ts
 * import { Linear, swaUtils } from '@nn/nn';
 *
 * const model = new Linear(4, 2);
 * const swa = new swaUtils.AveragedModel(model, { copy: () => new Linear(4, 2) });
 * swa.updateParameters(model); // after each epoch of training model
 * console.log(Object.keys(swa.stateDict())); // [ 'n_averaged', 'module.weight', 'module.bias' ]
 * ```
 */
export class AveragedModel<M extends Module = Module> extends Module {
  /** How many models have been averaged in (a 0-d int32 buffer). */
  declare n_averaged: Tensor;
  /** The averaged copy of the model. */
  module: M;
  /** The averaging rule. */
  readonly avgFn: AvgFn;
  /** Whether buffers are averaged too. */
  readonly useBuffers: boolean;

  constructor(model: M, options: AveragedModelOptions<M> = {}) {
    super();
    const {
      avgFn = equalWeight,
      useBuffers = false,
      device,
      copy,
    } = checkOptions('AveragedModel', options, AVERAGED_MODEL_KEYS as OptionKeys<AveragedModelOptions<M>>);
    const module = copyOf(model, copy);
    if (device !== undefined) module.to(device);
    this.registerBuffer('n_averaged', tensor(0, { dtype: 'int32', ...(device ? { device } : {}) }));
    this.module = module;
    this.avgFn = avgFn;
    this.useBuffers = useBuffers;
  }

  override forward(...args: unknown[]): unknown {
    return (this.module.call as (...a: unknown[]) => unknown)(...args);
  }

  /**
   * Averages `model`'s current parameters (and buffers with `useBuffers`) into the copy: the first call
   * copies them, later calls apply `avgFn`. Then `n_averaged` grows by one.
   */
  updateParameters(model: M): void {
    const mine = this.useBuffers
      ? [...this.module.parameters(), ...this.module.buffers()]
      : this.parameters();
    const theirs = this.useBuffers ? [...model.parameters(), ...model.buffers()] : model.parameters();
    if (mine.length !== theirs.length) {
      throw new NNError(
        'AveragedModel.updateParameters',
        `the model has ${theirs.length} tensors to average but the averaged copy has ${mine.length}; pass the model it was built from`,
      );
    }
    const n = Number(this.n_averaged.item());
    noGrad(() => {
      mine.forEach((avg, i) => {
        const current = theirs[i]!.detach().to(avg.device);
        avg.detach().copy_(n === 0 ? current : this.avgFn(avg.detach(), current, n));
      });
      this.n_averaged.add_(1);
    });
  }
}
