import { type KernelAttrs, runKernel, sum, type Tensor } from '@nn/tensor';
import type { Formula } from '../formula';
import { saveIf } from './helpers';

/** The convolution parameters only (drops shapes and output padding the backward kernels add). */
function convParams(attrs: KernelAttrs): KernelAttrs {
  const { strideH, strideW, padTop, padBottom, padLeft, padRight, dilationH, dilationW, groups } = attrs;
  return { strideH, strideW, padTop, padBottom, padLeft, padRight, dilationH, dilationW, groups };
}

const conv = (x: Tensor, w: Tensor, attrs: KernelAttrs) => runKernel('conv2d', [x, w], convParams(attrs));
/** Aᵀ·gradOut for the convolution A with weight `w`: the gradient of conv2d with respect to its input. */
const convInputGrad = (gradOut: Tensor, w: Tensor, inputShape: readonly number[], attrs: KernelAttrs) =>
  runKernel('conv2dBackwardInput', [gradOut, w], { ...convParams(attrs), inputShape });
/** The gradient of conv2d(x, w) with respect to w, for output gradient `gradOut`. */
const convWeightGrad = (x: Tensor, gradOut: Tensor, weightShape: readonly number[], attrs: KernelAttrs) =>
  runKernel('conv2dBackwardWeight', [x, gradOut], { ...convParams(attrs), weightShape });
const biasGrad = (g: Tensor) => sum(g, [0, 2, 3]);

/**
 * Gradient formulas of the convolution kernels (ops/conv.ts). The backward kernels are bilinear, so they
 * have formulas too (built from the same three kernels) and double backward works.
 */
export const convFormulas: Record<string, Formula> = {
  conv2d: (ctx) => {
    const [needX, needW] = ctx.needsInputGrad;
    const [xIn, wIn] = ctx.inputs as [Tensor, Tensor];
    const x = saveIf(ctx, needW, xIn);
    const w = saveIf(ctx, needX, wIn);
    const { attrs } = ctx;
    return ([g]) => [
      w && (() => convInputGrad(g!, w(), xIn.shape, attrs)),
      x && (() => convWeightGrad(x(), g!, wIn.shape, attrs)),
      () => biasGrad(g!),
    ];
  },
  conv2dBackwardInput: (ctx) => {
    const [needGrad, needW] = ctx.needsInputGrad;
    const [gradOutIn, wIn] = ctx.inputs as [Tensor, Tensor];
    const gradOut = saveIf(ctx, needW, gradOutIn);
    const w = saveIf(ctx, needGrad, wIn);
    const { attrs } = ctx;
    return ([gg]) => [
      w && (() => conv(gg!, w(), attrs)),
      gradOut && (() => convWeightGrad(gg!, gradOut(), wIn.shape, attrs)),
    ];
  },
  conv2dBackwardWeight: (ctx) => {
    const [needX, needGrad] = ctx.needsInputGrad;
    const [xIn, gradOutIn] = ctx.inputs as [Tensor, Tensor];
    const x = saveIf(ctx, needGrad, xIn);
    const gradOut = saveIf(ctx, needX, gradOutIn);
    const { attrs } = ctx;
    return ([gg]) => [
      gradOut && (() => convInputGrad(gradOut(), gg!, xIn.shape, attrs)),
      x && (() => conv(x(), gg!, attrs)),
    ];
  },
  // convTranspose2d(x, w) is conv2d's input gradient applied to x.
  convTranspose2d: (ctx) => {
    const [needX, needW] = ctx.needsInputGrad;
    const [xIn, wIn] = ctx.inputs as [Tensor, Tensor];
    const x = saveIf(ctx, needW, xIn);
    const w = saveIf(ctx, needX, wIn);
    const { attrs } = ctx;
    return ([g]) => [
      w && (() => conv(g!, w(), attrs)),
      x && (() => convWeightGrad(g!, x(), wIn.shape, attrs)),
      () => biasGrad(g!),
    ];
  },
};
