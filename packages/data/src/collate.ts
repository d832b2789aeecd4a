import { stack, type Tensor, tensor } from '@nn/tensor';

/** What {@link defaultCollate} makes of a batch of items of type T. */
export type Collated<T> = T extends Tensor
  ? Tensor
  : T extends number | boolean | ArrayBufferView
    ? Tensor
    : T extends string
      ? string[]
      : T extends readonly unknown[]
        ? { [K in keyof T]: Collated<T[K]> }
        : T extends object
          ? { [K in keyof T]: Collated<T[K]> }
          : T[];

function isTensor(x: unknown): x is Tensor {
  return typeof x === 'object' && x !== null && 'shape' in x && 'storage' in x;
}

/**
 * PyTorch's default_collate: stacks tensors (and typed arrays) along a new first dim, turns numbers into
 * a 1-D tensor (integers int32 — PyTorch's int64 —, other numbers float64 as PyTorch's Python floats,
 * booleans bool), keeps strings as arrays, and recurses into arrays (position by position) and objects
 * (key by key).
 */
export function defaultCollate<T>(batch: readonly T[]): Collated<T> {
  const first = batch[0];
  if (first === undefined) throw new RangeError('defaultCollate: cannot collate an empty batch');
  if (isTensor(first)) return stack(batch as unknown as Tensor[]) as Collated<T>;
  if (ArrayBuffer.isView(first)) {
    return stack(batch.map((a) => tensor(a as unknown as Float32Array))) as Collated<T>;
  }
  if (typeof first === 'number') {
    const values = batch as unknown as number[];
    return tensor(values, { dtype: values.every(Number.isInteger) ? 'int32' : 'float64' }) as Collated<T>;
  }
  if (typeof first === 'boolean') return tensor(batch as unknown as boolean[]) as Collated<T>;
  if (typeof first === 'string') return [...batch] as Collated<T>;
  if (Array.isArray(first)) {
    const size = first.length;
    if (batch.some((item) => (item as unknown[]).length !== size)) {
      throw new RangeError('defaultCollate: each element in list of batch should be of equal size');
    }
    return first.map((_, i) => defaultCollate(batch.map((item) => (item as unknown[])[i]))) as Collated<T>;
  }
  if (typeof first === 'object' && first !== null) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(first))
      out[key] = defaultCollate(batch.map((item) => (item as Record<string, unknown>)[key]));
    return out as Collated<T>;
  }
  throw new TypeError(
    `defaultCollate: batch must contain tensors, typed arrays, numbers, strings, arrays or objects; found ${typeof first}`,
  );
}
