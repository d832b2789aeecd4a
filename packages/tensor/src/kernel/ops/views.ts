import { defineOp } from '../op-def';

const view = {
  inputs: ['input'],
  outputs: ['out'],
  dtypeRule: 'the input dtype',
  view: true,
  differentiable: true,
};

/** Views: new shapes and strides over the input's storage, never a copy. */
export const viewOps = {
  view: defineOp<{ shape: number[] }>({
    ...view,
    summary: 'the same elements with another shape (strides permitting)',
    meta: ([x], { shape }) => [{ shape, dtype: x!.dtype }],
  }),
  permute: defineOp<{ dims: number[] }>({
    ...view,
    summary: 'dims reordered',
    meta: ([x], { dims }) => [{ shape: dims.map((d) => x!.shape[d]!), dtype: x!.dtype }],
  }),
  expand: defineOp<{ shape: number[] }>({
    ...view,
    summary: 'size-1 dims broadcast to `shape` (stride 0)',
    meta: ([x], { shape }) => [{ shape, dtype: x!.dtype }],
  }),
  slice: defineOp<{ dim: number; start: number; length: number; step: number }>({
    ...view,
    summary: '`length` elements of `dim` from `start`, every `step`',
    meta: ([x], { dim, length }) => [
      { shape: x!.shape.map((s, i) => (i === dim ? length : s)), dtype: x!.dtype },
    ],
  }),
  select: defineOp<{ dim: number; index: number }>({
    ...view,
    summary: 'one index of `dim`, the dim removed',
    meta: ([x], { dim }) => [{ shape: x!.shape.filter((_, i) => i !== dim), dtype: x!.dtype }],
  }),
  diagonal: defineOp<{ offset: number; dim1: number; dim2: number }>({
    ...view,
    summary: 'the diagonal of dims `dim1`/`dim2`, appended as the last dim',
    meta: ([x], { offset, dim1, dim2 }) => [
      { shape: diagonalShape(x!.shape, offset, dim1, dim2), dtype: x!.dtype },
    ],
  }),
};

/** The shape of `diagonal`: the other dims, then the diagonal's length. */
export function diagonalShape(
  shape: readonly number[],
  offset: number,
  dim1: number,
  dim2: number,
): number[] {
  const n1 = shape[dim1]!;
  const n2 = shape[dim2]!;
  const length = Math.max(0, offset >= 0 ? Math.min(n1, n2 - offset) : Math.min(n1 + offset, n2));
  return [...shape.filter((_, i) => i !== dim1 && i !== dim2), length];
}
