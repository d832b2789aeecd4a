import type { ElementwiseAttrs } from '../attrs/elementwise';
import type { DType } from '../dtype';
import { defineOp, type OpDef } from '../op-def';
import { broadcastShapes } from '../shape';
import { type ElementwiseOpName, type ElementwiseSpec, elementwiseSpecs } from './elementwise-specs';

const INPUT_NAMES = ['input', 'other', 'third'];
const RULES = {
  same: 'the promoted input dtype',
  float: 'the promoted input dtype, float32 for integers and bools',
  bool: 'bool',
} as const;

function elementwiseOp(spec: ElementwiseSpec): OpDef<ElementwiseAttrs> {
  return defineOp<ElementwiseAttrs>({
    summary: `elementwise ${spec.name}, broadcasting`,
    inputs: INPUT_NAMES.slice(0, spec.arity),
    outputs: ['out'],
    dtypeRule: RULES[spec.result],
    meta: (inputs, { dtype }) => [
      { shape: broadcastShapes(spec.name, ...inputs.map((t) => t.shape)), dtype },
    ],
    // Comparisons, predicates and logical ops give bools, which carry no gradient.
    differentiable: spec.result !== 'bool',
  });
}

/** The elementwise ops (from the specs list) plus `cast`, which shares their kernels. */
export const elementwiseOps = {
  ...(Object.fromEntries(elementwiseSpecs.map((spec) => [spec.name, elementwiseOp(spec)])) as {
    [K in ElementwiseOpName]: OpDef<ElementwiseAttrs>;
  }),
  cast: defineOp<{ dtype: DType }>({
    summary: 'converts to another dtype (floats to integers truncate toward zero)',
    inputs: ['input'],
    outputs: ['out'],
    dtypeRule: 'attrs.dtype',
    meta: ([x], { dtype }) => [{ shape: x!.shape, dtype }],
    differentiable: true,
  }),
};
