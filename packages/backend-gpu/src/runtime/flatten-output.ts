import { DeviceError } from '@nn/tensor';

type Nested = ArrayLike<number> | ArrayLike<Nested>;

function copyInto(target: Float32Array, value: Nested, offset: number): number {
  const first = value[0];
  if (value.length === 0 || typeof first === 'number') {
    const flat = value as ArrayLike<number>;
    if (offset + flat.length > target.length) return offset + flat.length;
    target.set(flat, offset);
    return offset + flat.length;
  }
  for (let i = 0; i < value.length; i++) {
    offset = copyInto(target, (value as ArrayLike<Nested>)[i] as Nested, offset);
  }
  return offset;
}

/**
 * Copies what gpu.js returns for an output (a `Float32Array`, rows of them, or planes of rows) into one new
 * row-major `Float32Array` of exactly `length` elements. A different element count is an error, never
 * padding or truncation: it is how a stale-size result (the GL `dynamicOutput` trap) shows up.
 */
export function flattenOutput(value: unknown, length: number, op: string): Float32Array {
  if (typeof value !== 'object' || value === null || typeof (value as Nested).length !== 'number') {
    throw new DeviceError(op, `readback: expected an array result, got ${typeof value}`);
  }
  const target = new Float32Array(length);
  const count = copyInto(target, value as Nested, 0);
  if (count !== length) {
    throw new DeviceError(
      op,
      `readback: the kernel returned ${count} elements where its output has ${length}; a stale output size ` +
        `means the kernel was built without tactic 'precision' or dynamicOutput`,
    );
  }
  return target;
}
