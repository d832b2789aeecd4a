import * as autograd from '@nn/autograd';
import { type FunctionCtx, type FunctionGrad, grad, gradcheck, gradgradcheck } from '@nn/autograd';
import { type Tensor, tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { leaf } from './helpers';

class Exp extends autograd.Function {
  static override forward(ctx: FunctionCtx, x: Tensor): Tensor {
    const y = x.exp();
    ctx.saveForBackward(y);
    return y;
  }
  static override backward(ctx: FunctionCtx, g: Tensor): FunctionGrad[] {
    const [y] = ctx.savedTensors;
    return [g.mul(y!)];
  }
}

/** `scale * a * b` with a non-tensor argument and a gradient only where needed. */
class ScaledMul extends autograd.Function {
  static override forward(ctx: FunctionCtx, a: Tensor, b: Tensor, scale: number): Tensor {
    ctx.saveForBackward(a, b);
    ctx.scale = scale;
    return a.mul(b).mul(scale);
  }
  static override backward(ctx: FunctionCtx, g: Tensor): FunctionGrad[] {
    const [a, b] = ctx.savedTensors as [Tensor, Tensor];
    const scale = ctx.scale as number;
    return [
      ctx.needsInputGrad[0] ? g.mul(b).mul(scale) : undefined,
      ctx.needsInputGrad[1] ? g.mul(a).mul(scale) : undefined,
      undefined,
    ];
  }
}

/** Sorted values and their (non-differentiable) positions. */
class SortWithIndex extends autograd.Function {
  static override forward(ctx: FunctionCtx, x: Tensor): Tensor[] {
    const { values, indices } = x.sort(0);
    ctx.saveForBackward(indices);
    ctx.markNonDifferentiable(indices);
    return [values, indices];
  }
  static override backward(ctx: FunctionCtx, g: Tensor): FunctionGrad[] {
    const [indices] = ctx.savedTensors;
    return [g.mul(0).scatterAdd(0, indices!, g)];
  }
}

describe('custom Function', () => {
  it('records one node named after the class and backpropagates', () => {
    const x = tensor([0, 1], { dtype: 'float64', requiresGrad: true });
    const y = Exp.apply(x);
    expect((y.gradFn as { name: string }).name).toBe('ExpBackward');
    y.sum().backward();
    expect(Array.from(x.grad!.dataSync())).toEqual([1, Math.E]);
  });

  it('passes gradcheck and gradgradcheck (its backward is differentiable)', () => {
    expect(gradcheck((x) => Exp.apply(x), [leaf([2, 3], 'transposed')])).toBe(true);
    expect(gradgradcheck((x) => Exp.apply(x), [leaf([2, 3])])).toBe(true);
    expect(gradcheck((a, b) => ScaledMul.apply(a, b, 3), [leaf([2, 3]), leaf([2, 3], 'sliced')])).toBe(true);
  });

  it('exposes needsInputGrad (non-tensors false) and ctx fields', () => {
    const a = tensor([1.5, 2], { requiresGrad: true });
    const b = tensor([3.5, 4]);
    const y = ScaledMul.apply(a, b, 2);
    const ctxNeeds = (y.gradFn as unknown as { name: string }).name;
    expect(ctxNeeds).toBe('ScaledMulBackward');
    const [ga] = grad(y.sum(), [a]);
    expect(Array.from(ga!.dataSync())).toEqual([7, 8]);
  });

  it('runs without recording when nothing requires grad', () => {
    const y = ScaledMul.apply(tensor([1.5]), tensor([2.5]), 2);
    expect(y.requiresGrad).toBe(false);
  });

  it('markNonDifferentiable outputs do not require grad', () => {
    const x = tensor([3, 1, 2], { dtype: 'float64', requiresGrad: true });
    const [values, indices] = SortWithIndex.apply(x) as [Tensor, Tensor];
    expect(values.requiresGrad).toBe(true);
    expect(indices.requiresGrad).toBe(false);
    values
      .mul(tensor([1, 10, 100], { dtype: 'float64' }))
      .sum()
      .backward();
    expect(Array.from(x.grad!.dataSync())).toEqual([100, 1, 10]);
  });

  it('checks the number of gradients backward returns', () => {
    class Bad extends autograd.Function {
      static override forward(_ctx: FunctionCtx, x: Tensor): Tensor {
        return x.mul(2);
      }
      static override backward(_ctx: FunctionCtx, g: Tensor): FunctionGrad[] {
        return [g, g];
      }
    }
    const x = tensor([1.5], { requiresGrad: true });
    expect(() => Bad.apply(x).sum().backward()).toThrow(
      /BadBackward: backward returned an incorrect number of gradients/,
    );
  });

  it('detects saved tensors modified in place', () => {
    const x = tensor([1.5], { requiresGrad: true });
    const y = Exp.apply(x);
    y.detach().add_(1);
    expect(() => y.sum().backward()).toThrow(/modified by an inplace operation/);
  });
});
