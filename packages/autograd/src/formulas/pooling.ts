import { runKernel } from '@nn/tensor';
import type { FormulaTable } from '../formula';

/**
 * Gradient formulas of the pooling kernels (ops/pooling.ts). Backwards run @nn/tensor's fused backward
 * kernels; those are linear in the gradient, so they get formulas too (their adjoints) and double
 * backward works.
 */
export const poolingFormulas: FormulaTable = {
  maxPool2d: (ctx) => {
    const indices = ctx.save(ctx.outputs[1]!);
    const inputShape = ctx.inputs[0]!.shape;
    return ([g]) => [() => runKernel('maxPool2dBackward', [g!, indices()], { inputShape })];
  },
  maxPool2dBackward: (ctx) => {
    const indices = ctx.save(ctx.inputs[1]!);
    const shape = ctx.inputs[0]!.shape;
    // The adjoint of scattering into the chosen positions is gathering from them.
    return ([gg]) => [() => gg!.flatten(2).gather(2, indices().flatten(2)).reshape(shape), undefined];
  },
  avgPool2d: (ctx) => {
    const attrs = { ...ctx.attrs, inputShape: ctx.inputs[0]!.shape };
    return ([g]) => [() => runKernel('avgPool2dBackward', [g!], attrs)];
  },
  avgPool2dBackward: (ctx) => {
    const { inputShape: _, ...attrs } = ctx.attrs;
    return ([gg]) => [() => runKernel('avgPool2d', [gg!], attrs)];
  },
  adaptiveAvgPool2d: (ctx) => {
    const attrs = { outputSize: ctx.attrs.outputSize, inputShape: ctx.inputs[0]!.shape };
    return ([g]) => [() => runKernel('adaptiveAvgPool2dBackward', [g!], attrs)];
  },
  adaptiveAvgPool2dBackward: (ctx) => {
    const attrs = { outputSize: ctx.attrs.outputSize };
    return ([gg]) => [() => runKernel('adaptiveAvgPool2d', [gg!], attrs)];
  },
};
