import { runKernel } from '@nn/tensor';
import type { FormulaTable } from '../formula';

/**
 * Gradient formulas of adaptive max pooling and the sliding-block pair: adaptive max scatters to its
 * winners as maxPool2d does (maxPool2dBackward reads only plane indices), and im2col / col2im are each
 * other's adjoints, so both backwards (and double backward) are the other kernel.
 */
export const spatialFormulas: FormulaTable = {
  adaptiveMaxPool2d: (ctx) => {
    const indices = ctx.save(ctx.outputs[1]!);
    const inputShape = ctx.inputs[0]!.shape;
    return ([g]) => [() => runKernel('maxPool2dBackward', [g!, indices()], { inputShape })];
  },
  im2col: (ctx) => {
    const { attrs } = ctx;
    return ([g]) => [() => runKernel('col2im', [g!], attrs)];
  },
  col2im: (ctx) => {
    const { attrs } = ctx;
    return ([g]) => [() => runKernel('im2col', [g!], attrs)];
  },
};
