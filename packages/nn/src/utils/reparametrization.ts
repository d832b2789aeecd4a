import { NNError, Tensor, ValueError } from '@nn/tensor';
import type { Module, RemovableHandle } from '../module/module';
import { Parameter } from '../module/parameter';

/**
 * Bookkeeping shared by the hook-based reparametrizations (weight norm, spectral norm, pruning): which
 * tensor of which module a utility has taken over, with the forward pre-hook that recomputes it.
 * Torch keeps these as hook objects on the module; a WeakMap per utility keeps the module untouched.
 */
export class HookRegistry<Entry extends { handle: RemovableHandle }> {
  readonly #entries = new WeakMap<Module, Map<string, Entry>>();

  /** What the utility keeps for `module[name]`, or undefined. */
  get(module: Module, name: string): Entry | undefined {
    return this.#entries.get(module)?.get(name);
  }

  /** Records that the utility now owns `module[name]`. */
  set(module: Module, name: string, entry: Entry): void {
    let byName = this.#entries.get(module);
    if (!byName) {
      byName = new Map();
      this.#entries.set(module, byName);
    }
    byName.set(name, entry);
  }

  /** Removes and returns the entry (its hook removed too). */
  take(module: Module, name: string): Entry | undefined {
    const entry = this.get(module, name);
    if (entry) {
      entry.handle.remove();
      this.#entries.get(module)!.delete(name);
    }
    return entry;
  }

  /** Whether any tensor of `module` is taken over. */
  has(module: Module): boolean {
    return (this.#entries.get(module)?.size ?? 0) > 0;
  }
}

/** A module's field by name (the reparametrized tensors are set and read by name, as torch's getattr). */
export function field(module: Module, name: string): unknown {
  return (module as unknown as Record<string, unknown>)[name];
}

/** Sets a plain (unregistered) tensor field, as torch's `setattr(module, name, tensor)`. */
export function setField(module: Module, name: string, value: Tensor): void {
  (module as unknown as Record<string, unknown>)[name] = value;
}

/** Removes a field and its registration, as torch's `delattr`. */
export function deleteField(module: Module, name: string): void {
  delete (module as unknown as Record<string, unknown>)[name];
}

/** The Parameter `module.name`, or an error naming the utility, the module and what it has. */
export function parameterOf(op: string, module: Module, name: string): Parameter {
  const value = field(module, name);
  if (!(value instanceof Parameter)) {
    const params = module.namedParameters({ recurse: false }).map((e) => e[0]);
    throw new ValueError(
      op,
      `${module.constructor.name} has no parameter '${name}'` +
        (value instanceof Tensor ? ' (it is a plain tensor or buffer)' : '') +
        `; its parameters are [${params.join(', ')}]`,
    );
  }
  return value;
}

/** Throws when the tensor `name` is already taken over (`taken`) by the utility `what`. */
export function checkNotApplied(op: string, taken: boolean, what: string, name: string): void {
  if (taken) {
    throw new NNError(
      op,
      `cannot register two ${what} hooks on the same parameter ${name}; remove the first one before`,
    );
  }
}
