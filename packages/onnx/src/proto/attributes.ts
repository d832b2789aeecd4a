import { type AttributeProto, OnnxAttributeType } from './onnx-schema';

const base = (name: string, type: number): AttributeProto => ({
  name,
  type,
  floats: [],
  ints: [],
  strings: [],
});

/** An attribute value as written in a node: an int, a float, a string, or a list of ints/floats. */
export type AttributeValue =
  | number
  | string
  | readonly number[]
  | { float: number }
  | { floats: readonly number[] }
  | { strings: readonly string[] };

/**
 * An ONNX attribute. Numbers are ints (ONNX's INT/INTS, the common case: axes, strides, flags); floats are
 * spelled `{ float: x }` / `{ floats: [...] }` so an integral float (alpha = 1) is never written as an INT.
 */
export function attribute(name: string, value: AttributeValue): AttributeProto {
  if (typeof value === 'number') return { ...base(name, OnnxAttributeType.INT), i: BigInt(value) };
  if (typeof value === 'string') {
    return { ...base(name, OnnxAttributeType.STRING), s: new TextEncoder().encode(value) };
  }
  if ('float' in value) return { ...base(name, OnnxAttributeType.FLOAT), f: value.float };
  if ('floats' in value) return { ...base(name, OnnxAttributeType.FLOATS), floats: [...value.floats] };
  if ('strings' in value) {
    const strings = value.strings.map((v) => new TextEncoder().encode(v));
    return { ...base(name, OnnxAttributeType.STRINGS), strings };
  }
  return { ...base(name, OnnxAttributeType.INTS), ints: (value as readonly number[]).map(BigInt) };
}

/** A read attribute: ints/floats as numbers, strings decoded, tensors as their proto. */
export function attributeValue(
  a: AttributeProto,
): number | string | number[] | string[] | AttributeProto['t'] {
  switch (a.type) {
    case OnnxAttributeType.INT:
      return Number(a.i ?? 0n);
    case OnnxAttributeType.FLOAT:
      return a.f ?? 0;
    case OnnxAttributeType.STRING:
      return new TextDecoder().decode(a.s ?? new Uint8Array());
    case OnnxAttributeType.INTS:
      return a.ints.map(Number);
    case OnnxAttributeType.FLOATS:
      return [...a.floats];
    case OnnxAttributeType.STRINGS:
      return a.strings.map((v) => new TextDecoder().decode(v));
    case OnnxAttributeType.TENSOR:
      return a.t;
    default:
      return undefined;
  }
}
