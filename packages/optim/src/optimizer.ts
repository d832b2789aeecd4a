import {
  checkOptions,
  DeviceError,
  DTypeError,
  isFloating,
  type OptionKeys,
  opaque,
  ShapeError,
  Tensor,
  ValueError,
} from '@nn/tensor';
import { sameShape } from '@nn/tensor/kernel';
import { registerOptimizerKernels } from './kernels/register';
import { optionKeys } from './validate';

/** Options every optimizer has. */
export interface BaseOptions {
  /** Learning rate. */
  lr: number;
}

/**
 * torch's `foreach` option (the optimizers that have it in torch 1.13: all but LBFGS and SparseAdam).
 * torch uses it to pick between a per-tensor loop and batched multi-tensor kernels with the same
 * result. @nn runs one fused kernel per parameter either way, so the flag is accepted (and kept in
 * the param groups and state dicts, as torch does) but changes nothing.
 */
export interface ForeachOption {
  /** Accepted for torch compatibility; no effect (default `null`, torch's `None`). */
  foreach: boolean | null;
}

/**
 * A parameter group as the optimizer keeps it: its tensors and every option (defaults filled in).
 * Change options between steps by assigning (`optimizer.paramGroups[0].lr = 0.01`). Schedulers add
 * their own keys (`initialLr`, ...), as torch's do.
 */
export type ParamGroup<O extends BaseOptions = BaseOptions> = O & {
  /** The group's tensors. */
  params: Tensor[];
  /** The learning rate a scheduler started from. */
  initialLr?: number;
  [key: string]: unknown;
};

/** A parameter group as passed in: tensors plus options overriding the optimizer's defaults. */
export type ParamGroupInput<O extends BaseOptions = BaseOptions> = Partial<O> & {
  /** The group's tensors (one tensor or an ordered iterable). */
  params: Tensor | Iterable<Tensor>;
};

/** What an optimizer optimizes: tensors, or parameter groups with their own options. */
export type Params<O extends BaseOptions = BaseOptions> = Iterable<Tensor> | Iterable<ParamGroupInput<O>>;

/** Values of one parameter's state: tensors shaped like the parameter, and counters. */
export type StateValue = Tensor | number;

/**
 * A snapshot of an optimizer (PyTorch's layout): `state` keyed by the parameter's index counted across
 * groups in order, `paramGroups` with each group's options and its parameters' indices.
 */
export interface OptimizerStateDict {
  /** Per-parameter state by parameter index. */
  state: Record<number, Record<string, StateValue>>;
  /** Each group's options, with `params` the indices of its parameters. */
  paramGroups: ({
    /** Indices of the group's parameters. */
    params: number[];
  } & Record<string, unknown>)[];
}

function copyValue<T>(value: T): T {
  if (value instanceof Tensor) return opaque(() => value.clone()) as T;
  if (Array.isArray(value)) return value.map(copyValue) as T;
  return value;
}

/**
 * Base class of all optimizers, as `torch.optim.Optimizer`: parameter groups with defaults, per-parameter
 * `state`, `zeroGrad`, `step` and state dicts. Subclasses implement `updateParam`, which runs one fused
 * kernel per parameter without autograd recording.
 *
 * @example
 * ```ts
 * import '@nn/autograd';
 * import { F, Linear } from '@nn/nn';
 * import { SGD } from '@nn/optim';
 * import { randint, randn } from '@nn/tensor';
 *
 * const net = new Linear(4, 3);
 * const opt = new SGD(net.parameters(), { lr: 0.1 });
 * for (let step = 0; step < 10; step++) {
 *   opt.zeroGrad();
 *   F.crossEntropy(net.call(randn([16, 4])), randint(0, 3, [16])).backward();
 *   opt.step();
 * }
 * ```
 */
export abstract class Optimizer<O extends BaseOptions = BaseOptions, S extends object = object> {
  /** The options groups fall back to. */
  readonly defaults: Readonly<O>;
  /** Parameter groups in order; their options may be changed between steps. */
  readonly paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state (moment estimates, step counts), created on a parameter's first update. */
  readonly state = new Map<Tensor, S>();
  /** The optimizer's name in errors (`'Adam'`). */
  protected readonly opName: string;

  protected constructor(name: string, params: Params<O>, defaults: O) {
    registerOptimizerKernels();
    this.opName = name;
    this.defaults = defaults;
    this.validateOptions(defaults);
    if (params instanceof Tensor) {
      throw new ValueError(
        name,
        'params argument given to the optimizer should be an iterable of Tensors or groups, but got a Tensor; ' +
          'pass [tensor]',
      );
    }
    const groups = [...(params as Iterable<Tensor | ParamGroupInput<O>>)];
    if (groups.length === 0) throw new ValueError(name, 'optimizer got an empty parameter list');
    const asGroups =
      groups[0] instanceof Tensor
        ? [{ params: groups as Tensor[] } as unknown as ParamGroupInput<O>]
        : groups;
    asGroups.forEach((group, i) => {
      if (typeof group !== 'object' || group === null || !('params' in group)) {
        const got =
          group === null
            ? 'null'
            : typeof group === 'object'
              ? 'an object without params'
              : `${typeof group} ${String(group)}`;
        throw new ValueError(
          name,
          `params must be an iterable of Tensors or of parameter groups { params, ...options }, but element ${i} is ${got}; ` +
            'pass model.parameters()',
        );
      }
    });
    for (const group of asGroups) this.addParamGroup(group as ParamGroupInput<O>);
  }

  /** Checks option values, throwing torch's messages (`Invalid learning rate: -1`). */
  protected abstract validateOptions(options: O): void;

  /** Updates one parameter in place from its gradient with its group's options. */
  protected abstract updateParam(param: Tensor, grad: Tensor, group: ParamGroup<O>): void;

  /**
   * Adds a group of parameters (e.g. layers unfrozen while fine-tuning), with options that override the
   * defaults.
   */
  addParamGroup(group: ParamGroupInput<O>): void {
    const params = group.params instanceof Tensor ? [group.params] : [...group.params];
    if (group.params instanceof Set) {
      throw new ValueError(
        this.opName,
        'optimizer parameters need to be organized in ordered collections, but the ordering of tensors in ' +
          'sets may change between runs. Please use an array instead.',
      );
    }
    const seen = new Set<Tensor>();
    for (const p of params) {
      if (!(p instanceof Tensor)) {
        throw new ValueError(
          this.opName,
          `optimizer can only optimize Tensors, but one of the params is ${typeof p}`,
        );
      }
      if (!p.isLeaf)
        throw new ValueError(this.opName, "can't optimize a non-leaf Tensor; pass the leaf (or .detach())");
      if (!isFloating(p.dtype)) {
        throw new DTypeError(
          this.opName,
          `can only optimize floating-point tensors, but a parameter is ${p.dtype}`,
        );
      }
      if (seen.has(p))
        throw new ValueError(this.opName, 'optimizer contains a parameter group with duplicate parameters');
      seen.add(p);
    }
    for (const other of this.paramGroups) {
      if (other.params.some((p) => seen.has(p))) {
        throw new ValueError(this.opName, 'some parameters appear in more than one parameter group');
      }
    }
    const filled = { ...this.defaults } as Record<string, unknown>;
    const keys = { ...optionKeys(this.defaults), params: true } as OptionKeys<ParamGroupInput<O>>;
    for (const [key, value] of Object.entries(checkOptions(`${this.opName} param group`, group, keys))) {
      if (value !== undefined) filled[key] = value;
    }
    filled.params = params;
    this.validateOptions(filled as unknown as O);
    this.paramGroups.push(filled as ParamGroup<O>);
  }

  /**
   * Clears the gradients of all optimized tensors: sets them to `null` (the default, as torch 2.x), or
   * with `setToNone: false` fills them with zeros. Optimizers skip parameters whose gradient is `null`.
   */
  zeroGrad({ setToNone = true }: { setToNone?: boolean } = {}): void {
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (!p.grad) continue;
        if (setToNone) p.grad = null;
        else p.grad.detach_().zero_();
      }
    }
  }

  /**
   * Performs one optimization step: updates every parameter that has a gradient. `closure`, if given,
   * re-evaluates the model and returns the loss; it runs first and its result is returned. `step` is
   * synchronous: a closure returning a Promise is rejected (await the loss first, then call `step()`).
   */
  step<L = undefined>(closure?: () => L): L | undefined {
    const loss = closure?.();
    if (loss instanceof Promise) {
      throw new ValueError(
        `${this.opName}.step`,
        'the closure returned a Promise, but step() is synchronous. Await your forward/backward first, ' +
          'then call step() without a closure.',
      );
    }
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        const grad = p.grad;
        if (!grad) continue;
        this.checkGrad(p, grad);
        this.updateParam(p, grad, group);
      }
    }
    return loss;
  }

  private checkGrad(p: Tensor, grad: Tensor): void {
    const op = `${this.opName}.step`;
    if (!sameShape(grad.shape, p.shape)) {
      throw new ShapeError(
        op,
        `a gradient has shape [${grad.shape.join(',')}] but its parameter has shape [${p.shape.join(',')}]; ` +
          "assign param.grad a tensor of the parameter's shape",
      );
    }
    if (grad.dtype !== p.dtype) {
      throw new DTypeError(
        op,
        `a gradient is ${grad.dtype} but its parameter is ${p.dtype}; cast it with .to('${p.dtype}')`,
      );
    }
    if (grad.device !== p.device) {
      throw new DeviceError(
        op,
        `a gradient is on '${grad.device}' but its parameter on '${p.device}'; move it with .to('${p.device}')`,
      );
    }
  }

  /**
   * The optimizer's state as PyTorch lays it out: per-parameter state keyed by parameter index and the
   * groups' options with parameter indices. Tensors are copied, so the snapshot stays as it was while
   * training continues.
   */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    const paramGroups = this.paramGroups.map((group) => {
      const packed: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(group)) if (key !== 'params') packed[key] = copyValue(value);
      const ids = group.params.map((p) => {
        if (!index.has(p)) index.set(p, index.size);
        return index.get(p)!;
      });
      return { ...packed, params: ids };
    });
    const state: Record<number, Record<string, StateValue>> = {};
    for (const [p, values] of this.state) {
      const id = index.get(p);
      if (id === undefined) continue;
      const copy: Record<string, StateValue> = {};
      for (const [key, value] of Object.entries(values))
        if (value !== undefined) copy[key] = copyValue(value);
      state[id] = copy;
    }
    return { state, paramGroups };
  }

  /**
   * Restores a `stateDict()` into this optimizer (same group structure; parameters matched by index).
   * State tensors are copied and cast to their parameter's dtype and device; group options are replaced
   * by the saved ones. Training then continues exactly as it would have.
   */
  loadStateDict(stateDict: OptimizerStateDict): void {
    const saved = stateDict.paramGroups;
    if (saved.length !== this.paramGroups.length) {
      throw new ValueError(
        this.opName,
        `loaded state dict has a different number of parameter groups (${saved.length} != ${this.paramGroups.length})`,
      );
    }
    if (saved.some((g, i) => g.params.length !== this.paramGroups[i]!.params.length)) {
      throw new ValueError(
        this.opName,
        "loaded state dict contains a parameter group that doesn't match the size of optimizer's group",
      );
    }
    const byId = new Map<number, Tensor>();
    for (const [i, g] of saved.entries()) {
      for (const [j, id] of g.params.entries()) byId.set(id, this.paramGroups[i]!.params[j]!);
    }
    this.state.clear();
    for (const [key, values] of Object.entries(stateDict.state)) {
      const param = byId.get(Number(key));
      if (!param) continue;
      const restored: Record<string, StateValue> = {};
      for (const [name, value] of Object.entries(values)) {
        restored[name] =
          value instanceof Tensor
            ? opaque(() =>
                value
                  .to({ dtype: isFloating(value.dtype) ? param.dtype : value.dtype, device: param.device })
                  .clone(),
              )
            : value;
      }
      this.state.set(param, restored as S);
    }
    saved.forEach((g, i) => {
      const group: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(g)) if (key !== 'params') group[key] = copyValue(value);
      group.params = this.paramGroups[i]!.params;
      this.paramGroups[i] = group as ParamGroup<O>;
    });
  }
}
