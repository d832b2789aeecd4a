import { IndexError, type Tensor, ValueError } from '@nn/tensor';
import { Module } from './module';

/** Shared storage of the containers: modules by name, in insertion order (integer-like names included). */
abstract class OrderedModules extends Module {
  #items = new Map<string, Module>();

  protected override ownMembers(): [string, unknown][] {
    return [...super.ownMembers(), ...this.#items];
  }

  protected override setOwnMember(name: string, value: unknown): void {
    if (this.#items.has(name)) this.#items.set(name, value as Module);
    else super.setOwnMember(name, value);
  }

  /** The modules by name, in insertion order. */
  protected get items(): Map<string, Module> {
    return this.#items;
  }

  /** Adds or replaces `name`; throws ValueError (naming `op`) when `module` is not a Module. */
  protected putModule(op: string, name: string, module: Module): void {
    if (!(module instanceof Module)) {
      throw new ValueError(op, `${String(module)} is not a Module subclass (entry "${name}")`);
    }
    this.#items.set(name, module);
  }

  /** Position `index` (negative counts from the end) as a key, with a clear error when out of range. */
  protected keyAt(op: string, index: number): string {
    const n = this.#items.size;
    const i = index < 0 ? index + n : index;
    if (!Number.isInteger(i) || i < 0 || i >= n) {
      throw new IndexError(op, `index ${index} is out of range for ${this.constructor.name} of length ${n}`);
    }
    return [...this.#items.keys()][i]!;
  }

  /** Number of modules held. */
  get length(): number {
    return this.#items.size;
  }

  /** Re-keys the modules `0..n-1` after an insertion or removal. */
  protected renumber(modules: Module[]): void {
    this.#items.clear();
    for (const [i, m] of modules.entries()) this.putModule('ModuleList', String(i), m);
  }
}

/**
 * Holds modules in a list, registered as `0`, `1`, ... (`torch.nn.ModuleList`). It has no `forward`;
 * iterate over it in yours.
 *
 * @example
 * ```ts
 * import { Linear, ModuleList } from '@nn/nn';
 *
 * const blocks = new ModuleList([new Linear(8, 8), new Linear(8, 8)]);
 * blocks.append(new Linear(8, 2));
 * console.log(blocks.length, blocks.parameters().length); // 3 6
 * ```
 */
export class ModuleList extends OrderedModules {
  constructor(modules: Iterable<Module> = []) {
    super();
    this.extend(modules);
  }

  /** The module at `index` (negative counts from the end). */
  at(index: number): Module {
    return this.items.get(this.keyAt('ModuleList.at', index))!;
  }

  /** Replaces the module at `index`. */
  set(index: number, module: Module): void {
    this.putModule('ModuleList.set', this.keyAt('ModuleList.set', index), module);
  }

  /** Adds a module at the end; returns `this`. */
  append(module: Module): this {
    this.putModule('ModuleList.append', String(this.length), module);
    return this;
  }

  /** Adds modules at the end; returns `this`. */
  extend(modules: Iterable<Module>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  /** Inserts a module before `index`. */
  insert(index: number, module: Module): void {
    const list = [...this.items.values()];
    list.splice(index < 0 ? index + list.length : index, 0, module);
    this.renumber(list);
  }

  /** Removes and returns the module at `index`. */
  pop(index = -1): Module {
    const list = [...this.items.values()];
    const key = Number(this.keyAt('ModuleList.pop', index));
    const [removed] = list.splice(key, 1);
    this.renumber(list);
    return removed!;
  }

  /** Iterates the modules in order. */
  [Symbol.iterator](): IterableIterator<Module> {
    return this.items.values();
  }
}

/**
 * Holds modules by name in insertion order (`torch.nn.ModuleDict`); names become state-dict key parts.
 */
export class ModuleDict extends OrderedModules {
  constructor(modules: Record<string, Module> | Iterable<readonly [string, Module]> = {}) {
    super();
    this.update(modules);
  }

  /** The module named `key`, or `undefined`. */
  get(key: string): Module | undefined {
    return this.items.get(key);
  }

  /** Adds or replaces the module named `key`; returns `this`. */
  set(key: string, module: Module): this {
    if (key === '' || key.includes('.')) {
      throw new ValueError('ModuleDict.set', `name must be a non-empty string without ".", got "${key}"`);
    }
    this.putModule('ModuleDict.set', key, module);
    return this;
  }

  /** Whether a module is stored under `key`. */
  has(key: string): boolean {
    return this.items.has(key);
  }

  /** Removes the module named `key`; returns it (or `undefined`). */
  pop(key: string): Module | undefined {
    const m = this.items.get(key);
    this.items.delete(key);
    return m;
  }

  /** Adds every `[name, module]` of `modules`; returns `this`. */
  update(modules: Record<string, Module> | Iterable<readonly [string, Module]>): this {
    const entries = Symbol.iterator in modules ? modules : Object.entries(modules);
    for (const [k, m] of entries as Iterable<readonly [string, Module]>) this.set(k, m);
    return this;
  }

  /** The keys, in insertion order. */
  keys(): string[] {
    return [...this.items.keys()];
  }

  /** The modules, in insertion order. */
  values(): Module[] {
    return [...this.items.values()];
  }

  /** `[key, module]` pairs, in insertion order. */
  entries(): [string, Module][] {
    return [...this.items.entries()];
  }

  /** Iterates the keys, as iterating a Python `ModuleDict` does. */
  [Symbol.iterator](): IterableIterator<string> {
    return this.items.keys();
  }
}

/**
 * Runs modules one after another (`torch.nn.Sequential`): `new Sequential(a, b, c)` names them `0`, `1`,
 * `2`; `new Sequential({ conv: a, relu: b })` (or a `Map`) uses the given names, as PyTorch's
 * `OrderedDict` form.
 *
 * @example
 * ```ts
 * import { Flatten, Linear, ReLU, Sequential } from '@nn/nn';
 * import { randn } from '@nn/tensor';
 *
 * const net = new Sequential(new Flatten(), new Linear(784, 128), new ReLU(), new Linear(128, 10));
 * console.log(net.call(randn([4, 1, 28, 28])).shape); // [ 4, 10 ]
 * ```
 */
export class Sequential extends OrderedModules {
  constructor(...modules: Module[] | [Record<string, Module> | Map<string, Module>]) {
    super();
    const first = modules[0];
    if (modules.length === 1 && !(first instanceof Module) && first !== undefined) {
      const entries = first instanceof Map ? [...first] : Object.entries(first);
      for (const [k, m] of entries) this.putModule('Sequential', k, m);
    } else {
      for (const [i, m] of (modules as Module[]).entries()) this.putModule('Sequential', String(i), m);
    }
  }

  override forward(input: Tensor): Tensor {
    let x: unknown = input;
    for (const m of this.items.values()) x = m.call(x as never);
    return x as Tensor;
  }

  /** The module at `index` (negative counts from the end). */
  at(index: number): Module {
    return this.items.get(this.keyAt('Sequential.at', index))!;
  }

  /** Adds a module at the end (named by its position); returns `this`. */
  append(module: Module): this {
    this.putModule('Sequential.append', String(this.length), module);
    return this;
  }

  /** Iterates the modules in order. */
  [Symbol.iterator](): IterableIterator<Module> {
    return this.items.values();
  }
}
