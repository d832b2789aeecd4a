import type { DimReduceAttrs } from '../attrs/reduction';
import { defineOp, reducedShape, valuesAndIndicesMeta } from '../op-def';

const runningExtreme = (summary: string) =>
  defineOp<{ dim: number }>({
    summary,
    inputs: ['input'],
    outputs: ['values', 'indices'],
    dtypeRule: 'the input dtype; indices int32',
    meta: valuesAndIndicesMeta,
    differentiable: true,
  });

/** Running extremes, running log-sum-exp and the most frequent value along one dim. */
export const runningOps = {
  cummax: runningExtreme('running maximum along `dim` with the index where it was reached (NaN propagates)'),
  cummin: runningExtreme('running minimum along `dim` with the index where it was reached (NaN propagates)'),
  logcumsumexp: defineOp<{ dim: number }>({
    summary: 'running log(sum(exp)) along `dim`, accumulated in float64',
    inputs: ['input'],
    outputs: ['out'],
    dtypeRule: 'the input dtype',
    meta: ([x]) => [{ shape: x!.shape, dtype: x!.dtype }],
    differentiable: true,
  }),
  mode: defineOp<DimReduceAttrs>({
    summary: 'the most frequent value along `dim` (the smallest on ties) and its last index',
    inputs: ['input'],
    outputs: ['values', 'indices'],
    dtypeRule: 'the input dtype; indices int32',
    meta: ([x], { dim, keepdim }) => {
      const shape = x!.shape.length === 0 ? [] : reducedShape(x!.shape, [dim], keepdim);
      return [
        { shape, dtype: x!.dtype },
        { shape, dtype: 'int32' },
      ];
    },
    differentiable: true,
  }),
};
