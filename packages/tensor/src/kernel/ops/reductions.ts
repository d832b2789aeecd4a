import type {
  ArgReduceAttrs,
  DimReduceAttrs,
  NormAttrs,
  ReduceAttrs,
  ScanAttrs,
  SortAttrs,
  TopkAttrs,
  TypedReduceAttrs,
  VarianceAttrs,
} from '../attrs/reduction';
import type { DType } from '../dtype';
import { defineOp, type OpDef, reducedShape, valuesAndIndicesMeta, withDim } from '../op-def';

const one = { inputs: ['input'], outputs: ['out'] };

function reduction<A extends ReduceAttrs>(
  summary: string,
  dtypeRule: string,
  dtype: (input: DType, attrs: A) => DType,
  extra: { composite?: boolean; differentiable: boolean },
): OpDef<A> {
  return defineOp<A>({
    ...one,
    ...extra,
    summary,
    dtypeRule,
    meta: ([x], attrs) => [
      { shape: reducedShape(x!.shape, attrs.dims, attrs.keepdim), dtype: dtype(x!.dtype, attrs) },
    ],
  });
}

const inputType = (input: DType) => input;
const attrType = (_: DType, attrs: { dtype: DType }) => attrs.dtype;

function valuesIndices(summary: string, dims: (a: DimReduceAttrs) => number[]): OpDef<DimReduceAttrs> {
  return defineOp<DimReduceAttrs>({
    summary,
    inputs: ['input'],
    outputs: ['values', 'indices'],
    dtypeRule: 'the input dtype; indices int32',
    meta: ([x], a) => {
      const shape = reducedShape(x!.shape, dims(a), a.keepdim);
      return [
        { shape, dtype: x!.dtype },
        { shape, dtype: 'int32' },
      ];
    },
    differentiable: true,
  });
}

function argReduction(summary: string): OpDef<ArgReduceAttrs> {
  return defineOp<ArgReduceAttrs>({
    ...one,
    summary,
    dtypeRule: 'int32',
    meta: ([x], { dim, keepdim }) => {
      const all = x!.shape.map((_, i) => i);
      return [{ shape: reducedShape(x!.shape, dim === null ? all : [dim], keepdim), dtype: 'int32' }];
    },
    differentiable: false,
  });
}

function scan(summary: string): OpDef<ScanAttrs> {
  return defineOp<ScanAttrs>({
    ...one,
    summary,
    dtypeRule: 'attrs.dtype',
    meta: ([x], { dtype }) => [{ shape: x!.shape, dtype }],
    differentiable: true,
  });
}

/** Reductions, scans and sorting. */
export const reductionOps = {
  sum: reduction<TypedReduceAttrs>('sum over `dims`', 'attrs.dtype', attrType, { differentiable: true }),
  prod: reduction<TypedReduceAttrs>('product over `dims`', 'attrs.dtype', attrType, { differentiable: true }),
  mean: reduction<TypedReduceAttrs>('mean over `dims`', 'attrs.dtype', attrType, {
    composite: true,
    differentiable: true,
  }),
  amax: reduction<ReduceAttrs>('largest value over `dims`', 'the input dtype', inputType, {
    differentiable: true,
  }),
  amin: reduction<ReduceAttrs>('smallest value over `dims`', 'the input dtype', inputType, {
    differentiable: true,
  }),
  all: reduction<ReduceAttrs>('whether every value over `dims` is nonzero', 'bool', () => 'bool', {
    differentiable: false,
  }),
  any: reduction<ReduceAttrs>('whether any value over `dims` is nonzero', 'bool', () => 'bool', {
    differentiable: false,
  }),
  var: reduction<VarianceAttrs>('variance over `dims`', 'the input dtype', inputType, {
    composite: true,
    differentiable: true,
  }),
  std: reduction<VarianceAttrs>('standard deviation over `dims`', 'the input dtype', inputType, {
    composite: true,
    differentiable: true,
  }),
  logsumexp: reduction<ReduceAttrs>('log(sum(exp)) over `dims`', 'the input dtype', inputType, {
    composite: true,
    differentiable: true,
  }),
  norm: reduction<NormAttrs>('p-norm over `dims`', 'the input dtype', inputType, {
    composite: true,
    differentiable: true,
  }),
  max: valuesIndices('largest value along `dim`, with its index', (a) => [a.dim]),
  min: valuesIndices('smallest value along `dim`, with its index', (a) => [a.dim]),
  argmax: argReduction('index of the largest value along `dim` (the flattened input for null)'),
  argmin: argReduction('index of the smallest value along `dim` (the flattened input for null)'),
  cumsum: scan('running sum along `dim`'),
  cumprod: scan('running product along `dim`'),
  sort: defineOp<SortAttrs>({
    summary: 'stable sort along `dim`, with the indices',
    inputs: ['input'],
    outputs: ['values', 'indices'],
    dtypeRule: 'the input dtype; indices int32',
    meta: valuesAndIndicesMeta,
    differentiable: true,
  }),
  topk: defineOp<TopkAttrs>({
    summary: 'the k largest (or smallest) values along `dim`, sorted, with their indices',
    inputs: ['input'],
    outputs: ['values', 'indices'],
    dtypeRule: 'the input dtype; indices int32',
    meta: ([x], { k, dim }) => {
      const shape = x!.shape.length === 0 ? [] : withDim(x!.shape, dim, k);
      return [
        { shape, dtype: x!.dtype },
        { shape, dtype: 'int32' },
      ];
    },
    differentiable: true,
  }),
};
