import { defineOp, sameAs } from '../op-def';

/** Copies and moves between devices. */
export const memoryOps = {
  clone: defineOp({
    summary: 'a contiguous copy with its own storage',
    inputs: ['input'],
    outputs: ['out'],
    dtypeRule: 'the input dtype',
    meta: sameAs(0),
    differentiable: true,
  }),
  copy_: defineOp({
    summary: "writes `source` (broadcast, cast) into `target`'s memory through its strides",
    inputs: ['target', 'source'],
    outputs: ['target'],
    dtypeRule: "the target's dtype",
    meta: sameAs(0),
    inplace: true,
    differentiable: false,
  }),
  toDevice: defineOp<{ device: string }>({
    summary: 'the same values on another device',
    inputs: ['input'],
    outputs: ['out'],
    dtypeRule: 'the input dtype',
    meta: sameAs(0),
    differentiable: true,
  }),
};
