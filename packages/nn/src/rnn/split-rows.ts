import { Function as AutogradFunction, type FunctionCtx, type FunctionGrad } from '@nn/autograd';
import { cat, type Tensor } from '@nn/tensor';

/**
 * Splits `x` along dim 0 into chunks of `sizes` rows (the time steps of a projected sequence) with ONE graph
 * node whose backward concatenates the chunks' gradients, as torch's `unbind` backward stacks them. Slicing
 * step by step would give each step a gradient the size of the whole sequence (zeros but one slice).
 */
export class SplitRows extends AutogradFunction {
  static override forward(_ctx: FunctionCtx, x: Tensor, sizes: readonly number[]): Tensor[] {
    let start = 0;
    return sizes.map((n) => {
      start += n;
      return x.narrow(0, start - n, n);
    });
  }

  // The engine hands zeros for chunks that received no gradient, so every chunk has one.
  static override backward(_ctx: FunctionCtx, ...grads: Tensor[]): FunctionGrad[] {
    return [cat(grads, 0), undefined];
  }
}
