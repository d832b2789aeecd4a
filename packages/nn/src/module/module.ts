import {
  checkOptions,
  type DType,
  DTypeError,
  dtypes,
  isFloating,
  NNError,
  Tensor,
  ValueError,
  writeInto,
} from '@nn/tensor';
import { PERSISTENT_KEYS, RECURSE_KEYS, SET_TO_NONE_KEYS, STRICT_KEYS } from '../utils/option-keys';
import { callWithBackwardHooks, type FullBackwardHook } from './backward-hook';
import { inModuleFrame } from './call-path';
import { FieldGuard, onFieldAssign, onFieldDelete } from './field-guard';
import { LoadStateDictError, type ShapeMismatch } from './load-state-dict-error';
import { Parameter } from './parameter';

/** Parameter and persistent buffer values by dotted name (`features.0.weight`), in PyTorch's order. */
export type StateDict = Record<string, Tensor>;

/** What `loadStateDict` did not match: keys the module expected but did not get, and keys it did not use. */
export interface LoadStateDictResult {
  /** Keys the module expected but the state dict lacks. */
  missingKeys: string[];
  /** Keys of the state dict the module has no tensor for. */
  unexpectedKeys: string[];
}

/** Undoes a hook registration. */
export interface RemovableHandle {
  /** Unregisters the hook (a no-op when already removed). */
  remove(): void;
}

/** Runs before `forward`; a returned value replaces the arguments (a non-array is taken as one argument). */
export type ForwardPreHook<M extends Module = Module> = (module: M, args: unknown[]) => unknown;

/** Runs after `forward`; a returned value (other than `undefined`) replaces the output. */
export type ForwardHook<M extends Module = Module> = (module: M, args: unknown[], output: unknown) => unknown;

/** A device name (`'cpu'`, `'gpu'`), a dtype, or both. */
export type ToTarget =
  | string
  | DType
  | {
      /** Device to move to. */
      device?: string;
      /** Floating dtype to cast floating tensors to. */
      dtype?: DType;
    };

/** How a value reads in an assignment error: its class name, or its JS type. */
function describe(value: unknown): string {
  if (value instanceof Tensor) return `${value.constructor.name} (${value.dtype})`;
  if (typeof value === 'object' && value !== null) return value.constructor?.name ?? 'object';
  return typeof value;
}

/**
 * The base class of every layer and model, as `torch.nn.Module`.
 *
 * Subclass it, keep layers, {@link Parameter}s and tensors in ordinary fields, and write `forward`.
 * Parameters (fields holding a `Parameter`), buffers (registered with {@link Module.registerBuffer}) and
 * child modules (fields holding a `Module`) are found by walking the instance's fields in the order they
 * were assigned, every time: nothing is cached, so fields added later count. Names follow the field path,
 * so `stateDict()` keys are PyTorch's (`features.0.weight`, `bn.running_mean`).
 *
 * Run a module with `module.call(...args)`, which runs the forward hooks around `forward` (PyTorch's
 * `module(x)`); calling `forward` directly skips the hooks.
 *
 * Plain arrays and objects of modules are not looked into; hold them in a `ModuleList` or `ModuleDict`.
 *
 * Field writes are checked as PyTorch's `__setattr__` checks them: a field that holds (or held) a
 * `Parameter` takes only a `Parameter` or `null`, a buffer only a tensor or `null`, a child module only a
 * module or `null`; anything else throws naming the field, instead of silently dropping it from
 * `parameters()` and `stateDict()`. `null` keeps the name registered (as PyTorch's `None`); `delete`
 * removes it.
 *
 * @example
 * ```ts
 * import { Linear, Module } from '@nn/nn';
 * import type { Tensor } from '@nn/tensor';
 *
 * class MLP extends Module {
 *   fc1 = new Linear(784, 128);
 *   fc2 = new Linear(128, 10);
 *
 *   override forward(x: Tensor): Tensor {
 *     return this.fc2.call(this.fc1.call(x).relu());
 *   }
 * }
 * const net = new MLP();
 * console.log(Object.keys(net.stateDict())); // [ 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias' ]
 * ```
 */
export class Module extends FieldGuard {
  // The registries come first: every later field write (`training` included) is checked against them.
  #parameterNames = new Set<string>();
  #buffers = new Map<string, { persistent: boolean }>();
  /** Whether the module is in training mode (set by `train()` / `eval()`). */
  training = true;
  #preHooks = new Map<number, ForwardPreHook>();
  #hooks = new Map<number, ForwardHook>();
  #backwardHooks = new Map<number, FullBackwardHook>();
  #nextHookId = 0;

  /** The computation; subclasses override it. Call the module through {@link Module.call}. */
  forward(..._args: never[]): unknown {
    throw new NNError(
      `${this.constructor.name}.forward`,
      `module [${this.constructor.name}] is missing the required "forward" function; override forward() in the subclass`,
    );
  }

  /**
   * Runs the forward pre-hooks, `forward(...args)`, then the forward hooks (PyTorch's `module(x)`).
   */
  call(...args: Parameters<this['forward']>): ReturnType<this['forward']> {
    let input: unknown[] = args;
    for (const hook of this.#preHooks.values()) {
      const replaced = hook(this, input);
      if (replaced !== undefined) input = Array.isArray(replaced) ? replaced : [replaced];
    }
    const run = (inputs: unknown[]) => inModuleFrame(this, () => this.forward(...(inputs as never[])));
    let output =
      this.#backwardHooks.size > 0
        ? callWithBackwardHooks(this, [...this.#backwardHooks.values()], input, run)
        : run(input);
    for (const hook of this.#hooks.values()) {
      const replaced = hook(this, input, output);
      if (replaced !== undefined) output = replaced;
    }
    return output as ReturnType<this['forward']>;
  }

  /** Registers a hook run before every `call`; returns a handle to remove it. */
  registerForwardPreHook(hook: ForwardPreHook<this>): RemovableHandle {
    return this.#addHook(this.#preHooks, hook as ForwardPreHook);
  }

  /** Registers a hook run after every `call` with the inputs and output; returns a handle to remove it. */
  registerForwardHook(hook: ForwardHook<this>): RemovableHandle {
    return this.#addHook(this.#hooks, hook as ForwardHook);
  }

  /**
   * Registers a hook called during backward with the gradients of this module's inputs and outputs
   * (torch's `register_full_backward_hook`); returning an array replaces the input gradients. Inputs
   * and outputs must be tensors or arrays of tensors. Returns a handle to remove it.
   *
   * @example
   * ```ts
   * const layer = new Linear(3, 2);
   * layer.registerFullBackwardHook((_m, gradInput, gradOutput) => {
   *   console.log(gradInput[0]?.shape, gradOutput[0]?.shape); // [ 4, 3 ] [ 4, 2 ]
   * });
   * layer.call(randn([4, 3], { requiresGrad: true })).sum().backward();
   * ```
   */
  registerFullBackwardHook(hook: FullBackwardHook<this>): RemovableHandle {
    return this.#addHook(this.#backwardHooks, hook as FullBackwardHook);
  }

  #addHook<H>(hooks: Map<number, H>, hook: H): RemovableHandle {
    const id = this.#nextHookId++;
    hooks.set(id, hook);
    return { remove: () => hooks.delete(id) };
  }

  // ---- registration ----

  /**
   * Adds a parameter under `name` (a field of this module); a plain tensor is wrapped in a `Parameter`.
   * `null` registers the name without a value (PyTorch's `None`): it then takes only a `Parameter` or `null`.
   */
  registerParameter(name: string, param: Tensor | null): void {
    this.#checkName('registerParameter', name);
    this.#parameterNames.add(name);
    this.#set(name, param === null || param instanceof Parameter ? param : new Parameter(param));
  }

  /**
   * Adds a buffer: state that is not learned but belongs to the module (BatchNorm's running statistics).
   * It moves with `to()`, and is saved by `stateDict()` unless `persistent` is false. Read and replace it
   * as the field `name`.
   */
  registerBuffer(name: string, tensor: Tensor | null, options: { persistent?: boolean } = {}): void {
    checkOptions('Module.registerBuffer', options, PERSISTENT_KEYS);
    this.#checkName('registerBuffer', name);
    if (tensor instanceof Parameter) {
      throw new ValueError('registerBuffer', `"${name}" is a Parameter; use registerParameter for it`);
    }
    if (this.#parameterNames.has(name)) {
      throw new ValueError(
        'registerBuffer',
        `"${name}" is already a parameter; \`delete module.${name}\` first`,
      );
    }
    this.#buffers.set(name, { persistent: options.persistent ?? true });
    this.#set(name, tensor);
  }

  /** Adds a child module under `name` (the same as assigning the field). */
  registerModule(name: string, module: Module | null): void {
    this.#checkName('registerModule', name);
    this.#set(name, module);
  }

  #checkName(op: string, name: string): void {
    if (name === '' || name.includes('.')) {
      throw new ValueError(op, `name must be a non-empty string without ".", got ${JSON.stringify(name)}`);
    }
  }

  #set(name: string, value: unknown): void {
    (this as unknown as Record<string, unknown>)[name] = value;
  }

  /**
   * Checks a field write as `torch.nn.Module.__setattr__` does, and keeps the registries in step.
   * @internal
   */
  protected override [onFieldAssign](name: string, value: unknown): void {
    const where = `${this.constructor.name}.${name}`;
    const isNone = value === null || value === undefined;
    if (value instanceof Parameter) {
      this.#buffers.delete(name);
      this.#parameterNames.add(name);
    } else if (this.#parameterNames.has(name)) {
      if (!isNone) {
        throw new ValueError(
          where,
          `cannot assign ${describe(value)} as parameter '${name}' (Parameter or null expected); ` +
            `wrap it as \`new Parameter(t)\`, or update the values in place with \`${name}.copy_(t)\` under noGrad()`,
        );
      }
    } else if (value instanceof Module) {
      this.#buffers.delete(name);
    } else if (this.#buffers.has(name)) {
      if (!isNone && !(value instanceof Tensor)) {
        throw new ValueError(
          where,
          `cannot assign ${describe(value)} as buffer '${name}' (Tensor or null expected); ` +
            `assign a tensor, e.g. \`tensor(${typeof value === 'number' ? value : 'value'})\``,
        );
      }
    } else if (!isNone && (this as unknown as Record<string, unknown>)[name] instanceof Module) {
      throw new ValueError(
        where,
        `cannot assign ${describe(value)} as child module '${name}' (Module or null expected); ` +
          `\`delete module.${name}\` first to reuse the name for something else`,
      );
    }
  }

  /**
   * `delete module.name` unregisters the name, as `torch.nn.Module.__delattr__`.
   * @internal
   */
  protected override [onFieldDelete](name: string): void {
    this.#parameterNames.delete(name);
    this.#buffers.delete(name);
  }

  /**
   * This module's own members in order, as `[name, value]`. Containers override it to list the modules
   * they hold; everything else walks the instance's fields.
   */
  protected ownMembers(): [string, unknown][] {
    return Object.entries(this);
  }

  /** Replaces the own member `name`; containers override it together with {@link Module.ownMembers}. */
  protected setOwnMember(name: string, value: unknown): void {
    this.#set(name, value);
  }

  #ownParameters(): [string, Parameter][] {
    return this.ownMembers().filter((e): e is [string, Parameter] => e[1] instanceof Parameter);
  }

  #ownBuffers(onlyPersistent: boolean): [string, Tensor][] {
    return this.ownMembers().filter(
      (e): e is [string, Tensor] =>
        e[1] instanceof Tensor &&
        !(e[1] instanceof Parameter) &&
        this.#buffers.has(e[0]) &&
        (!onlyPersistent || this.#buffers.get(e[0])!.persistent),
    );
  }

  // ---- iteration ----

  /** Direct children as `[name, module]`, in field order. */
  namedChildren(): [string, Module][] {
    const seen = new Set<Module>();
    return this.ownMembers().filter((e): e is [string, Module] => {
      if (!(e[1] instanceof Module) || seen.has(e[1])) return false;
      seen.add(e[1]);
      return true;
    });
  }

  /** Direct children, in field order. */
  children(): Module[] {
    return this.namedChildren().map((e) => e[1]);
  }

  /**
   * This module and all below it as `[dottedName, module]`, depth first, this module first with name `''`.
   * A module reachable twice is listed once unless `removeDuplicate` is false.
   */
  namedModules(prefix = '', removeDuplicate = true): [string, Module][] {
    const out: [string, Module][] = [];
    const seen = new Set<Module>();
    const visit = (module: Module, name: string) => {
      if (removeDuplicate) {
        if (seen.has(module)) return;
        seen.add(module);
      }
      out.push([name, module]);
      for (const [childName, child] of module.ownMembers()) {
        if (child instanceof Module) visit(child, name === '' ? childName : `${name}.${childName}`);
      }
    };
    visit(this, prefix);
    return out;
  }

  /** This module and all below it, depth first. */
  modules(): Module[] {
    return this.namedModules().map((e) => e[1]);
  }

  #namedTensors<T extends Tensor>(
    own: (m: Module) => [string, T][],
    recurse: boolean,
    removeDuplicate: boolean,
  ): [string, T][] {
    const out: [string, T][] = [];
    const seen = new Set<Tensor>();
    const modules: [string, Module][] = recurse ? this.namedModules('', removeDuplicate) : [['', this]];
    for (const [prefix, module] of modules) {
      for (const [name, t] of own(module)) {
        if (removeDuplicate) {
          if (seen.has(t)) continue;
          seen.add(t);
        }
        out.push([prefix === '' ? name : `${prefix}.${name}`, t]);
      }
    }
    return out;
  }

  /** Parameters as `[dottedName, parameter]` (PyTorch's order; shared parameters listed once). */
  namedParameters(options: { recurse?: boolean } = {}): [string, Parameter][] {
    checkOptions('Module.namedParameters', options, RECURSE_KEYS);
    return this.#namedTensors((m) => m.#ownParameters(), options.recurse ?? true, true);
  }

  /** All parameters, e.g. to hand to an optimizer. */
  parameters(options: { recurse?: boolean } = {}): Parameter[] {
    checkOptions('Module.parameters', options, RECURSE_KEYS);
    return this.namedParameters(options).map((e) => e[1]);
  }

  /** Buffers (persistent or not) as `[dottedName, tensor]`. */
  namedBuffers(options: { recurse?: boolean } = {}): [string, Tensor][] {
    checkOptions('Module.namedBuffers', options, RECURSE_KEYS);
    return this.#namedTensors((m) => m.#ownBuffers(false), options.recurse ?? true, true);
  }

  /** All buffers (persistent or not). */
  buffers(options: { recurse?: boolean } = {}): Tensor[] {
    checkOptions('Module.buffers', options, RECURSE_KEYS);
    return this.namedBuffers(options).map((e) => e[1]);
  }

  // ---- state ----

  /**
   * Parameters and persistent buffers by dotted name, with PyTorch's keys in PyTorch's order: each
   * module's parameters, then its buffers, then its children's entries. Values share memory with the
   * module (detached from the graph); a module reachable under two names appears under both.
   */
  stateDict(): StateDict {
    const out: StateDict = {};
    for (const [name, t] of this.#namedTensors(
      (m) => [...m.#ownParameters(), ...m.#ownBuffers(true)],
      true,
      false,
    )) {
      out[name] = t.detach();
    }
    return out;
  }

  /**
   * Copies values from `stateDict` into this module's parameters and persistent buffers (cast to their
   * dtype, without recording gradients). Shapes must match. With `strict` (the default), missing or
   * unexpected keys are an error too; otherwise they are returned.
   *
   * @throws LoadStateDictError naming every missing/unexpected key and every shape mismatch.
   */
  loadStateDict(stateDict: StateDict, options: { strict?: boolean } = {}): LoadStateDictResult {
    checkOptions('Module.loadStateDict', options, STRICT_KEYS);
    const strict = options.strict ?? true;
    const targets = this.#namedTensors((m) => [...m.#ownParameters(), ...m.#ownBuffers(true)], true, false);
    const expected = new Set(targets.map((e) => e[0]));
    const missingKeys: string[] = [];
    const mismatches: ShapeMismatch[] = [];
    for (const [key, value] of Object.entries(stateDict)) {
      if (!(value instanceof Tensor)) {
        const got = Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value;
        throw new ValueError(
          'loadStateDict',
          `state dict entry "${key}" is ${got}, not a Tensor; load files with load()/loadFile(), which return tensors`,
        );
      }
    }
    for (const [key, target] of targets) {
      const source = stateDict[key];
      if (source === undefined) missingKeys.push(key);
      else if (!sameShape(source.shape, target.shape))
        mismatches.push({ key, checkpoint: source.shape, model: target.shape });
    }
    const unexpectedKeys = Object.keys(stateDict).filter((k) => !expected.has(k));
    const fatal = mismatches.length > 0 || (strict && (missingKeys.length > 0 || unexpectedKeys.length > 0));
    if (fatal) {
      throw new LoadStateDictError(
        this.constructor.name,
        strict ? missingKeys : [],
        strict ? unexpectedKeys : [],
        mismatches,
      );
    }
    for (const [key, target] of targets) {
      const source = stateDict[key];
      if (source !== undefined)
        writeInto(target, source.device === target.device ? source : source.to(target.device));
    }
    return { missingKeys, unexpectedKeys };
  }

  // ---- modes, gradients, devices ----

  /** Sets training mode on this module and all below it; returns `this`. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Sets evaluation mode (`train(false)`): dropout off, batch norm uses running statistics. */
  eval(): this {
    return this.train(false);
  }

  /** Sets `requiresGrad` on every parameter (false freezes the module); returns `this`. */
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad = requiresGrad;
    return this;
  }

  /** Clears the gradients of every parameter (to `null`, as PyTorch's default `set_to_none=True`). */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    checkOptions('Module.zeroGrad', options, SET_TO_NONE_KEYS);
    for (const p of this.parameters()) {
      if (p.grad === null) continue;
      if (options.setToNone ?? true) p.grad = null;
      else p.grad.zero_();
    }
  }

  /** Calls `fn` on every module below this one, then on this one (as PyTorch); returns `this`. */
  apply(fn: (module: Module) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  /**
   * Moves parameters and buffers to a device and/or casts their floating-point ones to a floating dtype
   * (integer buffers such as `num_batches_tracked` keep theirs); returns `this`.
   *
   * As in PyTorch, each parameter stays the same `Parameter` object and only its data is replaced
   * (torch's `param.data = ...`), and so does its `.grad`: an optimizer built before `to()` keeps updating
   * the model. Buffers are replaced by converted tensors, as PyTorch does.
   *
   * @example
   * ```ts
   * const model = new Linear(4, 2);
   * const optimizer = new Adam(model.parameters());
   * model.double(); // optimizer.paramGroups[0].params[0] === model.weight, now float64
   * ```
   */
  to(target: ToTarget): this {
    const spec =
      typeof target === 'object'
        ? target
        : (dtypes as readonly string[]).includes(target)
          ? { dtype: target as DType }
          : { device: target };
    if (spec.dtype !== undefined && !isFloating(spec.dtype)) {
      throw new DTypeError(
        `${this.constructor.name}.to`,
        `Module.to only casts to floating dtypes, got ${spec.dtype}; use 'float32', 'float64', 'float16' or 'bfloat16'`,
      );
    }
    const convert = (t: Tensor): Tensor =>
      t.to({
        ...(spec.device === undefined ? {} : { device: spec.device }),
        ...(spec.dtype === undefined || !isFloating(t.dtype) ? {} : { dtype: spec.dtype }),
      });
    // Detached first, so autograd never records the conversion (PyTorch runs it under no_grad).
    for (const p of this.parameters()) {
      p.setData_(convert(p.detach()));
      if (p.grad !== null) p.grad.setData_(convert(p.grad.detach()));
    }
    for (const m of this.modules()) {
      for (const [name, b] of m.#ownBuffers(false)) m.setOwnMember(name, convert(b));
    }
    return this;
  }

  /** `to('float32')`. */
  float(): this {
    return this.to('float32');
  }

  /** `to('float64')`. */
  double(): this {
    return this.to('float64');
  }

  /** `to('float16')`: weights stored in half precision; ops compute in float32 and round back. */
  half(): this {
    return this.to('float16');
  }

  /** `to('bfloat16')`. */
  bfloat16(): this {
    return this.to('bfloat16');
  }

  /** `to('cpu')`. */
  cpu(): this {
    return this.to('cpu');
  }

  // ---- printing ----

  /** The text inside this module's parentheses in `toString()`, as PyTorch's `extra_repr`. */
  extraRepr(): string {
    return '';
  }

  /** The module tree, exactly as PyTorch prints it. */
  override toString(): string {
    const lines: string[] = [];
    const extra = this.extraRepr();
    if (extra !== '') lines.push(...extra.split('\n'));
    for (const [name, child] of this.ownMembers()) {
      if (child instanceof Module) lines.push(`(${name}): ${indent(child.toString())}`);
    }
    const head = `${this.constructor.name}(`;
    if (lines.length === 0) return `${head})`;
    if (lines.length === 1 && extra !== '' && !extra.includes('\n')) return `${head}${extra})`;
    return `${head}\n${lines.map((l) => `  ${l}`).join('\n')}\n)`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

function indent(text: string): string {
  return text.split('\n').join('\n  ');
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
