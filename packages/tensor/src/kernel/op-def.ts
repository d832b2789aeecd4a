import type { DType } from './dtype';

/** The shape and dtype of a tensor, all an op's meta function reads of its inputs and gives of its outputs. */
export interface TensorMeta {
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/**
 * One op of the op table: what it takes, what it gives, and how its outputs' shapes and dtypes follow from
 * its inputs' without running a kernel. Every list the project derives (kernel registration types, autograd
 * formula types, the conformance coverage check, the GPU coverage table, the docs' op list) reads it.
 */
export interface OpDef<A> {
  /** One line for the docs. */
  readonly summary: string;
  /** Tensor inputs by name, in order: `name?` is optional, `...name` takes the rest. */
  readonly inputs: readonly string[];
  /** Outputs by name, in order. */
  readonly outputs: readonly string[];
  /** How the output dtype is chosen, in words (the front-end has already applied it to `attrs`). */
  readonly dtypeRule: string;
  /**
   * Output shapes and dtypes from the inputs' and the attributes, or `undefined` when they depend on the
   * input values (`maskedSelect`). Backends use it to allocate without running anything.
   */
  readonly meta: (inputs: readonly TensorMeta[], attrs: A) => TensorMeta[] | undefined;
  /** Outputs are views of the first input's storage (no kernel work, no copy). */
  readonly view?: boolean;
  /** Writes into its first input (`copy_`). */
  readonly inplace?: boolean;
  /** Its default implementation is built from other ops, which autograd records instead. */
  readonly composite?: boolean;
  /** Outputs can carry gradient: autograd must have a formula for it (or it is composite). */
  readonly differentiable: boolean;
}

/** Declares an op with attribute type `A` (the table's entries carry their attribute types this way). */
export const defineOp = <A = Record<string, never>>(def: OpDef<A>): OpDef<A> => def;

/** The outputs of an op giving values and their int32 indices, both of the input's shape (sort, cummax). */
export const valuesAndIndicesMeta = ([x]: readonly TensorMeta[]): TensorMeta[] => [
  { shape: x!.shape, dtype: x!.dtype },
  { shape: x!.shape, dtype: 'int32' },
];

/** `shape` with `dims` removed (or set to 1 with `keepdim`). */
export function reducedShape(shape: readonly number[], dims: readonly number[], keepdim: boolean): number[] {
  const reduced = new Set(dims);
  if (keepdim) return shape.map((s, i) => (reduced.has(i) ? 1 : s));
  return shape.filter((_, i) => !reduced.has(i));
}

/** `shape` with dim `dim` set to `size`. */
export function withDim(shape: readonly number[], dim: number, size: number): number[] {
  const out = [...shape];
  out[dim] = size;
  return out;
}

/** The outputs are the inputs' metas at `indices` (in-place updates that return their targets). */
export const sameAs =
  (...indices: number[]) =>
  (inputs: readonly TensorMeta[]): TensorMeta[] =>
    indices.map((i) => ({ shape: inputs[i]!.shape, dtype: inputs[i]!.dtype }));
