import { IndexError, Tensor, ValueError } from '@nn/tensor';
import { Module } from './module';
import { Parameter } from './parameter';

/** A tensor as a parameter: a `Parameter` as is, a plain tensor wrapped (as PyTorch's containers do). */
function asParameter(op: string, name: string, value: Tensor): Parameter {
  if (!(value instanceof Tensor)) {
    throw new ValueError(
      op,
      `entry "${name}" is ${String(value)}, not a Tensor; give a Parameter or a tensor`,
    );
  }
  return value instanceof Parameter ? value : new Parameter(value);
}

/** `[float32 of size 2x3]` as PyTorch's ParameterList repr, or `[FloatTensor of size 2x3]` for ParameterDict. */
function describeParameter(p: Parameter, typeName: (p: Parameter) => string): string {
  const device = p.device === 'cpu' ? '' : ` (${p.device})`;
  return `Parameter containing: [torch.${typeName(p)} of size ${p.shape.join('x')}${device}]`;
}

const LEGACY_TYPE: Record<string, string> = {
  float32: 'FloatTensor',
  float64: 'DoubleTensor',
  int32: 'IntTensor',
  bool: 'BoolTensor',
};

/** Shared storage: parameters by name in insertion order, listed as this module's own members. */
abstract class OrderedParameters extends Module {
  #items = new Map<string, Parameter>();

  protected override ownMembers(): [string, unknown][] {
    return [...super.ownMembers(), ...this.#items];
  }

  protected override setOwnMember(name: string, value: unknown): void {
    if (this.#items.has(name)) this.#items.set(name, value as Parameter);
    else super.setOwnMember(name, value);
  }

  /** The parameters by name, in insertion order. */
  protected get items(): Map<string, Parameter> {
    return this.#items;
  }

  /** Number of parameters held. */
  get length(): number {
    return this.#items.size;
  }

  /** One line per parameter, as PyTorch's `extra_repr` of the parameter containers. */
  protected listing(typeName: (p: Parameter) => string): string {
    return [...this.#items].map(([name, p]) => `  (${name}): ${describeParameter(p, typeName)}`).join('\n');
  }
}

/**
 * Holds parameters in a list, registered as `0`, `1`, ... (`torch.nn.ParameterList`): `parameters()` and
 * optimizers see them, `stateDict()` keys are `'0'`, `'1'`, ... (under the field's name in a model).
 * Plain tensors are wrapped in a `Parameter`. It mirrors {@link ModuleList}'s API.
 *
 * @example
 * ```ts
 * import { ParameterList } from '@nn/nn';
 * import { ones, zeros } from '@nn/tensor';
 *
 * const scales = new ParameterList([ones([3]), zeros([2, 3])]);
 * scales.append(ones([1]));
 * console.log(scales.length, Object.keys(scales.stateDict())); // 3 [ '0', '1', '2' ]
 * ```
 */
export class ParameterList extends OrderedParameters {
  constructor(values: Iterable<Tensor> = []) {
    super();
    this.extend(values);
  }

  #key(op: string, index: number): string {
    const n = this.length;
    const i = index < 0 ? index + n : index;
    if (!Number.isInteger(i) || i < 0 || i >= n) {
      throw new IndexError(op, `index ${index} is out of range for ParameterList of length ${n}`);
    }
    return String(i);
  }

  /** The parameter at `index` (negative counts from the end). */
  at(index: number): Parameter {
    return this.items.get(this.#key('ParameterList.at', index))!;
  }

  /** Replaces the parameter at `index` (a plain tensor is wrapped in a `Parameter`). */
  set(index: number, value: Tensor): void {
    const key = this.#key('ParameterList.set', index);
    this.items.set(key, asParameter('ParameterList.set', key, value));
  }

  /** Adds a parameter at the end; returns `this`. */
  append(value: Tensor): this {
    const key = String(this.length);
    this.items.set(key, asParameter('ParameterList.append', key, value));
    return this;
  }

  /** Adds parameters at the end; returns `this`. */
  extend(values: Iterable<Tensor>): this {
    for (const v of values) this.append(v);
    return this;
  }

  /** Iterates the parameters in order. */
  [Symbol.iterator](): IterableIterator<Parameter> {
    return this.items.values();
  }

  override extraRepr(): string {
    return this.listing((p) => p.dtype);
  }
}

/**
 * Holds parameters by name in insertion order (`torch.nn.ParameterDict`); names are the `stateDict()` keys.
 * Plain tensors are wrapped in a `Parameter`. It mirrors {@link ModuleDict}'s API.
 *
 * @example
 * ```ts
 * import { ParameterDict } from '@nn/nn';
 * import { ones, zeros } from '@nn/tensor';
 *
 * const params = new ParameterDict({ scale: ones([4]), shift: zeros([4]) });
 * console.log(params.keys(), params.parameters().length); // [ 'scale', 'shift' ] 2
 * ```
 */
export class ParameterDict extends OrderedParameters {
  constructor(values: Record<string, Tensor> | Iterable<readonly [string, Tensor]> = {}) {
    super();
    this.update(values);
  }

  /** The parameter named `key`, or `undefined`. */
  get(key: string): Parameter | undefined {
    return this.items.get(key);
  }

  /** Adds or replaces the parameter named `key`; returns `this`. */
  set(key: string, value: Tensor): this {
    if (typeof key !== 'string' || key === '' || key.includes('.')) {
      throw new ValueError('ParameterDict.set', `name must be a non-empty string without ".", got "${key}"`);
    }
    this.items.set(key, asParameter('ParameterDict.set', key, value));
    return this;
  }

  /** Whether a parameter is stored under `key`. */
  has(key: string): boolean {
    return this.items.has(key);
  }

  /** Removes the parameter named `key`; returns it (or `undefined`). */
  pop(key: string): Parameter | undefined {
    const p = this.items.get(key);
    this.items.delete(key);
    return p;
  }

  /** Removes every parameter. */
  clear(): void {
    this.items.clear();
  }

  /** Adds every `[name, tensor]` of `values`; returns `this`. */
  update(values: Record<string, Tensor> | Iterable<readonly [string, Tensor]>): this {
    const entries = Symbol.iterator in values ? values : Object.entries(values);
    for (const [k, v] of entries as Iterable<readonly [string, Tensor]>) this.set(k, v);
    return this;
  }

  /** The keys, in insertion order. */
  keys(): string[] {
    return [...this.items.keys()];
  }

  /** The parameters, in insertion order. */
  values(): Parameter[] {
    return [...this.items.values()];
  }

  /** `[key, parameter]` pairs, in insertion order. */
  entries(): [string, Parameter][] {
    return [...this.items.entries()];
  }

  /** Iterates the keys, as iterating a Python `ParameterDict` does. */
  [Symbol.iterator](): IterableIterator<string> {
    return this.items.keys();
  }

  override extraRepr(): string {
    return this.listing((p) => LEGACY_TYPE[p.dtype] ?? p.dtype);
  }
}
