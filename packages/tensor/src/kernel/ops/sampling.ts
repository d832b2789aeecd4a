import type { SeededAttrs } from '../attrs/counting';
import { defineOp, sameAs } from '../op-def';

/** Random draws whose distribution depends on tensor values. */
export const samplingOps = {
  poisson: defineOp<SeededAttrs>({
    summary: 'one Poisson sample per element with that element as the rate, from a seeded stream',
    inputs: ['rates'],
    outputs: ['out'],
    dtypeRule: 'the input dtype',
    meta: sameAs(0),
    differentiable: false,
  }),
};
