import { checkOptions, NNError, Tensor, ValueError } from '@nn/tensor';
import { ModuleDict, ModuleList } from '../module/containers';
import { Module } from '../module/module';
import { Parameter } from '../module/parameter';
import { REGISTER_PARAMETRIZATION_KEYS, REMOVE_PARAMETRIZATIONS_KEYS } from './option-keys';
import { deleteField, field } from './reparametrization';

/**
 * A parametrization: a module whose `forward` maps the stored tensor to the one the layer uses. With a
 * `rightInverse`, assigning the tensor (and registering) stores `rightInverse(value)` instead.
 */
export interface Parametrization extends Module {
  forward(x: Tensor): Tensor;
  /** Optional: the stored tensor for a wanted value (`right_inverse` in PyTorch). */
  rightInverse?(x: Tensor): Tensor;
}

/**
 * The parametrizations of one tensor, applied in order to `original` (`torch.nn.utils.parametrize.
 * ParametrizationList`); held in `module.parametrizations[name]`, so the stored tensor's state-dict key is
 * `parametrizations.<name>.original`, as PyTorch's.
 */
export class ParametrizationList extends ModuleList {
  /** The stored tensor: a Parameter (or a buffer, when a buffer was parametrized). */
  declare original: Tensor;
  /** Whether the shape/dtype checks are skipped. */
  unsafe: boolean;

  constructor(parametrizations: Parametrization[], original: Tensor, unsafe: boolean) {
    super(parametrizations);
    this.unsafe = unsafe;
    const first = parametrizations[0]!;
    if (first.rightInverse) {
      // Kept the same object (its data replaced), so optimizers holding it keep working, as PyTorch.
      const stored = first.rightInverse(original.detach()).detach();
      if (!unsafe) checkSame('registerParametrization', 'right_inverse', stored, original);
      original.setData_(stored);
    }
    if (original instanceof Parameter) this.registerParameter('original', original);
    else this.registerBuffer('original', original);
  }

  /** The parametrized tensor: every parametrization applied to `original`, in order. */
  override forward(): Tensor {
    let x = this.original;
    for (const p of this) x = (p as Parametrization).forward(x);
    return x;
  }

  /** Stores `value` in `original` through the parametrizations' `rightInverse`, last to first. */
  rightInverse(value: Tensor): void {
    let x = value.detach();
    for (const p of [...this].reverse() as Parametrization[]) {
      if (!p.rightInverse) {
        throw new NNError(
          'parametrize',
          `parametrization ${p.constructor.name} does not implement rightInverse(), so the tensor cannot be assigned`,
        );
      }
      x = p.rightInverse(x).detach();
    }
    if (!this.unsafe) checkSame('parametrize', 'the assigned value', x, this.original);
    this.original.setData_(x.to(this.original.dtype).contiguous());
  }
}

function checkSame(op: string, what: string, got: Tensor, want: Tensor): void {
  if (got.dtype !== want.dtype || got.shape.join(',') !== want.shape.join(',')) {
    throw new ValueError(
      op,
      `${what} must keep the tensor's dtype and shape: expected ${want.dtype} [${want.shape.join(',')}], ` +
        `got ${got.dtype} [${got.shape.join(',')}]; pass { unsafe: true } to skip this check`,
    );
  }
}

/** The `parametrizations` ModuleDict of a parametrized module, or undefined. */
function parametrizationsOf(module: Module): ModuleDict | undefined {
  const value = field(module, 'parametrizations');
  return value instanceof ModuleDict ? value : undefined;
}

/** `Parametrized<Class>` subclasses (as PyTorch's repr shows them), one per original class. */
const parametrizedClasses = new WeakMap<object, object>();

function parametrizedPrototype(module: Module): object {
  const proto = Object.getPrototypeOf(module) as { constructor: new (...a: never[]) => Module };
  let made = parametrizedClasses.get(proto);
  if (!made) {
    const name = `Parametrized${proto.constructor.name}`;
    const cls = { [name]: class extends proto.constructor {} }[name]!;
    made = cls.prototype as object;
    parametrizedClasses.set(proto, made);
  }
  return made;
}

/** Options of {@link registerParametrization}. */
export interface RegisterParametrizationOptions {
  /** Skip the checks that the parametrization keeps the tensor's shape and dtype (default false). */
  unsafe?: boolean;
}

/**
 * Parametrizes `module[tensorName]` (a parameter or buffer) by `parametrization`, as
 * `torch.nn.utils.parametrize.register_parametrization`: the tensor moves to
 * `module.parametrizations.get(tensorName).original` and reading `module[tensorName]` returns
 * `parametrization.forward(original)` (several registrations apply in order). Assigning
 * `module[tensorName]` stores it through `rightInverse`. Returns the module.
 *
 * @example
 * ```ts
 * import { Linear, Module, utils } from '@nn/nn';
 * import type { Tensor } from '@nn/tensor';
 *
 * class Symmetric extends Module {
 *   override forward(x: Tensor): Tensor {
 *     return x.triu().add(x.triu(1).mT);
 *   }
 * }
 * const layer = utils.parametrize.registerParametrization(new Linear(3, 3), 'weight', new Symmetric());
 * console.log(Object.keys(layer.stateDict())); // [ 'bias', 'parametrizations.weight.original' ]
 * const w = layer.weight;
 * console.log(w.sub(w.mT).abs().max().item()); // 0
 * ```
 */
export function registerParametrization<M extends Module>(
  module: M,
  tensorName: string,
  parametrization: Parametrization,
  options: RegisterParametrizationOptions = {},
): M & { parametrizations: ModuleDict } {
  checkOptions('registerParametrization', options, REGISTER_PARAMETRIZATION_KEYS);
  const unsafe = options.unsafe ?? false;
  if (!(parametrization instanceof Module)) {
    throw new ValueError(
      'registerParametrization',
      'the parametrization must be a Module with a forward(x) method',
    );
  }
  const existing = parametrizationsOf(module)?.get(tensorName);
  if (existing instanceof ParametrizationList) {
    if (!unsafe) {
      const current = field(module, tensorName) as Tensor;
      checkSame(
        'registerParametrization',
        `${parametrization.constructor.name}.forward`,
        parametrization.forward(current),
        current,
      );
    }
    existing.append(parametrization);
    existing.unsafe ||= unsafe;
    return module as M & { parametrizations: ModuleDict };
  }
  const isRegistered = [
    ...module.namedParameters({ recurse: false }),
    ...module.namedBuffers({ recurse: false }),
  ].some(([n]) => n === tensorName);
  const original = field(module, tensorName);
  if (!isRegistered || !(original instanceof Tensor)) {
    throw new ValueError(
      'registerParametrization',
      `module ${module.constructor.name} does not have a parameter, a buffer, or a parametrized element with name '${tensorName}'`,
    );
  }
  const list = new ParametrizationList([parametrization], original, unsafe);
  if (!unsafe)
    checkSame(
      'registerParametrization',
      `${parametrization.constructor.name}.forward`,
      list.forward(),
      original,
    );
  deleteField(module, tensorName);
  let dict = parametrizationsOf(module);
  if (!dict) {
    dict = new ModuleDict();
    module.registerModule('parametrizations', dict);
    Object.setPrototypeOf(module, parametrizedPrototype(module));
  }
  dict.set(tensorName, list);
  // The tensor is computed on every read, as PyTorch's injected property; it is not a field of its own.
  Object.defineProperty(module, tensorName, {
    configurable: true,
    enumerable: false,
    get: () => list.forward(),
    set: (value: Tensor) => list.rightInverse(value),
  });
  return module as M & { parametrizations: ModuleDict };
}

/** Whether `module` has a parametrization (on `tensorName` when given) (`parametrize.is_parametrized`). */
export function isParametrized(module: Module, tensorName?: string): boolean {
  const dict = parametrizationsOf(module);
  if (!dict) return false;
  return tensorName === undefined ? dict.length > 0 : dict.has(tensorName);
}

/** Options of {@link removeParametrizations}. */
export interface RemoveParametrizationsOptions {
  /** Keep the parametrized value (default true); false restores the stored `original`. */
  leaveParametrized?: boolean;
}

/**
 * Removes every parametrization of `module[tensorName]` (`parametrize.remove_parametrizations`): it becomes
 * a plain parameter (or buffer) again, holding the parametrized value (or, with `leaveParametrized: false`,
 * the stored original). The tensor object is kept, so optimizers holding it keep working. Returns the module.
 */
export function removeParametrizations<M extends Module>(
  module: M,
  tensorName: string,
  options: RemoveParametrizationsOptions = {},
): M {
  checkOptions('removeParametrizations', options, REMOVE_PARAMETRIZATIONS_KEYS);
  const dict = parametrizationsOf(module);
  const list = dict?.get(tensorName);
  if (!dict || !(list instanceof ParametrizationList)) {
    throw new ValueError(
      'removeParametrizations',
      `module ${module.constructor.name} does not have a parametrization on '${tensorName}'`,
    );
  }
  const original = list.original;
  if (options.leaveParametrized ?? true) {
    const value = list.forward().detach();
    if (value.dtype !== original.dtype) {
      throw new ValueError(
        'removeParametrizations',
        `the parametrized '${tensorName}' is ${value.dtype} but the original is ${original.dtype}; ` +
          'use { leaveParametrized: false } to keep the original',
      );
    }
    original.setData_(value.contiguous());
  }
  deleteField(module, tensorName);
  dict.pop(tensorName);
  if (original instanceof Parameter) module.registerParameter(tensorName, original);
  else module.registerBuffer(tensorName, original);
  if (dict.length === 0) {
    deleteField(module, 'parametrizations');
    const proto = Object.getPrototypeOf(Object.getPrototypeOf(module)) as object;
    Object.setPrototypeOf(module, proto);
  }
  return module;
}
