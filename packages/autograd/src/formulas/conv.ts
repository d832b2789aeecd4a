import { type ConvAttrs, runKernel, sum, type Tensor } from '@nn/tensor';
import type { FormulaContext, FormulaTable } from '../formula';
import { saveCrosswise } from './helpers';

/** The convolution parameters only (drops shapes and output padding the backward kernels add). */
function convParams(attrs: ConvAttrs): ConvAttrs {
  const { strideH, strideW, padTop, padBottom, padLeft, padRight, dilationH, dilationW, groups } = attrs;
  return { strideH, strideW, padTop, padBottom, padLeft, padRight, dilationH, dilationW, groups };
}

const conv = (x: Tensor, w: Tensor, attrs: ConvAttrs) => runKernel('conv2d', [x, w], convParams(attrs));
/** Aᵀ·gradOut for the convolution A with weight `w`: the gradient of conv2d with respect to its input. */
const convInputGrad = (gradOut: Tensor, w: Tensor, inputShape: readonly number[], attrs: ConvAttrs) =>
  runKernel('conv2dBackwardInput', [gradOut, w], { ...convParams(attrs), inputShape });
/** The gradient of conv2d(x, w) with respect to w, for output gradient `gradOut`. */
const convWeightGrad = (x: Tensor, gradOut: Tensor, weightShape: readonly number[], attrs: ConvAttrs) =>
  runKernel('conv2dBackwardWeight', [x, gradOut], { ...convParams(attrs), weightShape });
const biasGrad = (g: Tensor) => sum(g, [0, 2, 3]);
/** The two operands' shapes, kept instead of the tensors so an unsaved operand can be freed. */
const inputShapes = (ctx: FormulaContext) => [ctx.inputs[0]!.shape, ctx.inputs[1]!.shape] as const;

/**
 * Gradient formulas of the convolution kernels (ops/conv.ts). The backward kernels are bilinear, so they
 * have formulas too (built from the same three kernels) and double backward works.
 */
export const convFormulas: FormulaTable = {
  conv2d: (ctx) => {
    const [x, w] = saveCrosswise(ctx);
    const { attrs } = ctx;
    const [xShape, wShape] = inputShapes(ctx);
    return ([g]) => [
      w && (() => convInputGrad(g!, w(), xShape, attrs)),
      x && (() => convWeightGrad(x(), g!, wShape, attrs)),
      () => biasGrad(g!),
    ];
  },
  conv2dBackwardInput: (ctx) => {
    const [gradOut, w] = saveCrosswise(ctx);
    const { attrs } = ctx;
    const [, wShape] = inputShapes(ctx);
    return ([gg]) => [
      w && (() => conv(gg!, w(), attrs)),
      gradOut && (() => convWeightGrad(gg!, gradOut(), wShape, attrs)),
    ];
  },
  conv2dBackwardWeight: (ctx) => {
    const [x, gradOut] = saveCrosswise(ctx);
    const { attrs } = ctx;
    const [xShape] = inputShapes(ctx);
    return ([gg]) => [
      gradOut && (() => convInputGrad(gradOut(), gg!, xShape, attrs)),
      x && (() => conv(x(), gg!, attrs)),
    ];
  },
  // convTranspose2d(x, w) is conv2d's input gradient applied to x.
  convTranspose2d: (ctx) => {
    const [x, w] = saveCrosswise(ctx);
    const { attrs } = ctx;
    const [, wShape] = inputShapes(ctx);
    return ([g]) => [
      w && (() => conv(g!, w(), attrs)),
      x && (() => convWeightGrad(g!, x(), wShape, attrs)),
      () => biasGrad(g!),
    ];
  },
};
