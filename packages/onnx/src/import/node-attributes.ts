import { type Tensor, ValueError } from '@nn/tensor';
import { attributeValue } from '../proto/attributes';
import type { NodeProto } from '../proto/onnx-schema';
import { protoToTensor } from '../proto/tensor-proto';

/** A node's attributes, read with defaults and type checks; errors name the node. */
export class NodeAttributes {
  readonly #values: Map<string, ReturnType<typeof attributeValue>>;
  readonly #where: string;

  constructor(node: NodeProto, where: string) {
    this.#where = where;
    this.#values = new Map(node.attribute.map((a) => [a.name ?? '', attributeValue(a)]));
  }

  has(name: string): boolean {
    return this.#values.has(name);
  }

  #get<T>(name: string, fallback: T | undefined, check: (v: unknown) => boolean, kind: string): T {
    const v = this.#values.get(name);
    if (v === undefined) {
      if (fallback === undefined) {
        throw new ValueError('importOnnx', `${this.#where}: required attribute '${name}' is missing`);
      }
      return fallback;
    }
    if (!check(v)) throw new ValueError('importOnnx', `${this.#where}: attribute '${name}' must be ${kind}`);
    return v as T;
  }

  int(name: string, fallback?: number): number {
    return this.#get(name, fallback, (v) => typeof v === 'number', 'an int');
  }

  float(name: string, fallback?: number): number {
    return this.#get(name, fallback, (v) => typeof v === 'number', 'a float');
  }

  string(name: string, fallback?: string): string {
    return this.#get(name, fallback, (v) => typeof v === 'string', 'a string');
  }

  ints(name: string, fallback?: number[]): number[] {
    return this.#get(name, fallback, Array.isArray, 'a list of ints');
  }

  strings(name: string, fallback?: string[]): string[] {
    return this.#get(
      name,
      fallback,
      (v) => Array.isArray(v) && v.every((s) => typeof s === 'string'),
      'a list of strings',
    );
  }

  tensor(name: string): Tensor {
    const proto = this.#get<Parameters<typeof protoToTensor>[0]>(
      name,
      undefined,
      (v) => typeof v === 'object' && v !== null && 'dims' in v,
      'a tensor',
    );
    return protoToTensor(proto, this.#where);
  }

  /** Attribute names not in `known` (attributes an op implementation would silently ignore). */
  unknown(known: readonly string[]): string[] {
    return [...this.#values.keys()].filter((k) => !known.includes(k));
  }
}
