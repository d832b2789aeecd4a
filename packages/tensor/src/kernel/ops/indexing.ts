import type { CatAttrs, DimAttrs, PadAttrs, ScatterAttrs } from '../attrs/indexing';
import { defineOp, sameAs, withDim } from '../op-def';
import { shapeSize } from '../shape';

/** Gathering, scattering, joining and padding. */
export const indexingOps = {
  gather: defineOp<DimAttrs>({
    summary: 'values at int32 `index` along `dim` (torch.gather)',
    inputs: ['input', 'index'],
    outputs: ['out'],
    dtypeRule: 'the input dtype',
    meta: ([x, index]) => [{ shape: index!.shape, dtype: x!.dtype }],
    differentiable: true,
  }),
  indexSelect: defineOp<DimAttrs>({
    summary: 'slices along `dim` at the positions of a 1-d int32 `index`',
    inputs: ['input', 'index'],
    outputs: ['out'],
    dtypeRule: 'the input dtype',
    meta: ([x, index], { dim }) => [
      { shape: withDim(x!.shape, dim, shapeSize(index!.shape)), dtype: x!.dtype },
    ],
    differentiable: true,
  }),
  scatter: defineOp<ScatterAttrs>({
    summary: 'a copy with `src` written (or combined) where `index` points along `dim`',
    inputs: ['input', 'index', 'src'],
    outputs: ['out'],
    dtypeRule: 'the input dtype',
    meta: sameAs(0),
    differentiable: true,
  }),
  scatterAdd: defineOp<DimAttrs>({
    summary: 'a copy with `src` summed in where `index` points along `dim`',
    inputs: ['input', 'index', 'src'],
    outputs: ['out'],
    dtypeRule: 'the input dtype',
    meta: sameAs(0),
    differentiable: true,
  }),
  indexAdd: defineOp<DimAttrs>({
    summary: 'a copy with `source` slices summed into the slices `index` lists along `dim`',
    inputs: ['input', 'index', 'source'],
    outputs: ['out'],
    dtypeRule: 'the input dtype',
    meta: sameAs(0),
    differentiable: true,
  }),
  maskedSelect: defineOp({
    summary: 'the elements where the bool `mask` is true, as a 1-d tensor',
    inputs: ['input', 'mask'],
    outputs: ['out'],
    dtypeRule: 'the input dtype',
    // The length is the number of true mask values: known only from the data.
    meta: () => undefined,
    differentiable: true,
  }),
  oneHot: defineOp<{ numClasses: number }>({
    summary: 'int32 one-hot encoding along a new last dim (`numClasses` -1: the largest index + 1)',
    inputs: ['indices'],
    outputs: ['out'],
    dtypeRule: 'int32',
    meta: ([x], { numClasses }) =>
      numClasses < 0 ? undefined : [{ shape: [...x!.shape, numClasses], dtype: 'int32' }],
    differentiable: false,
  }),
  cat: defineOp<CatAttrs>({
    summary: 'joins tensors along `dim`',
    inputs: ['...tensors'],
    outputs: ['out'],
    dtypeRule: 'attrs.dtype (the promoted dtype)',
    meta: (inputs, { dim, dtype }) => {
      const total = inputs.reduce((n, t) => n + (t.shape[dim] ?? 0), 0);
      const first = inputs.find((t) => t.shape.length > 1 || t.shape[0] !== 0) ?? inputs[0]!;
      return [{ shape: withDim(first.shape, dim, total), dtype }];
    },
    differentiable: true,
  }),
  pad: defineOp<PadAttrs>({
    summary: 'pads (or, with negative pads, crops) every dim: constant, reflect, replicate or circular',
    inputs: ['input'],
    outputs: ['out'],
    dtypeRule: 'the input dtype',
    meta: ([x], { before, after }) => [
      { shape: x!.shape.map((n, d) => n + before[d]! + after[d]!), dtype: x!.dtype },
    ],
    differentiable: true,
  }),
  flip: defineOp<{ dims: number[] }>({
    summary: 'reverses the order along `dims`',
    inputs: ['input'],
    outputs: ['out'],
    dtypeRule: 'the input dtype',
    meta: sameAs(0),
    differentiable: true,
  }),
};
