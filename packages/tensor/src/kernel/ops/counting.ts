import type { BincountAttrs, HistcAttrs, SearchsortedAttrs, UniqueAttrs } from '../attrs/counting';
import { defineOp } from '../op-def';

/** Ops that count, find or list values: their outputs (sizes, positions) depend on the data. */
export const countingOps = {
  unique: defineOp<UniqueAttrs>({
    summary:
      'the distinct values (or slices along `dim`), sorted (adjacent runs for `consecutive`), with the inverse ' +
      'indices and the counts',
    inputs: ['input'],
    outputs: ['values', 'inverse', 'counts'],
    dtypeRule: 'the input dtype; inverse and counts int32',
    // How many distinct values there are is known only from the data.
    meta: () => undefined,
    differentiable: false,
  }),
  nonzero: defineOp({
    summary: 'the int32 indices `[count, ndim]` of the nonzero elements, in row-major order',
    inputs: ['input'],
    outputs: ['out'],
    dtypeRule: 'int32',
    meta: () => undefined,
    differentiable: false,
  }),
  searchsorted: defineOp<SearchsortedAttrs>({
    summary:
      'for each value, the position in the sorted innermost dim of `sortedSequence` (ordered by `sorter` when ' +
      'given) that keeps it sorted',
    inputs: ['sortedSequence', 'values', 'sorter?'],
    outputs: ['out'],
    dtypeRule: 'int32',
    meta: ([, values]) => [{ shape: values!.shape, dtype: 'int32' }],
    differentiable: false,
  }),
  bincount: defineOp<BincountAttrs>({
    summary: 'occurrences (or summed `weights`) of each non-negative int32 value, at least `minlength` bins',
    inputs: ['input', 'weights?'],
    outputs: ['out'],
    dtypeRule: 'attrs.dtype (int32 counts; float32 or float64 weights)',
    // The length is the largest value + 1.
    meta: () => undefined,
    differentiable: false,
  }),
  histc: defineOp<HistcAttrs>({
    summary: 'a histogram of `bins` equal-width bins over [min, max] (values outside are ignored)',
    inputs: ['input'],
    outputs: ['out'],
    dtypeRule: 'the input dtype',
    meta: ([x], { bins }) => [{ shape: [bins], dtype: x!.dtype }],
    differentiable: false,
  }),
};
