import { flip, padSourceIndices, runKernel, type Tensor, tensor, zeros } from '@nn/tensor';
import type { FormulaTable } from '../formula';

/** Gradient formulas of the shaping kernels (ops/shaping.ts). */
export const shapingFormulas: FormulaTable = {
  flip: (ctx) => {
    const dims = ctx.attrs.dims;
    return ([g]) => [() => flip(g!, dims)];
  },
  pad: (ctx) => {
    const { before, after, mode } = ctx.attrs;
    const shape = ctx.inputs[0]!.shape;
    return ([g]) => [
      () => {
        // Constant padding's adjoint is cropping: padding by the negated amounts.
        if (mode === 'constant') {
          const neg = (p: number[]) => p.map((v) => -v);
          return runKernel('pad', [g!], { before: neg(before), after: neg(after), mode, value: 0 });
        }
        // Reflect/replicate/circular: every output element adds its gradient to the input element it
        // copied.
        let grad: Tensor = g!;
        for (let d = 0; d < shape.length; d++) {
          if (before[d] === 0 && after[d] === 0) continue;
          const index = tensor(padSourceIndices(shape[d]!, before[d]!, after[d]!, mode), {
            device: g!.device,
          });
          const target = grad.shape.map((s, i) => (i === d ? shape[d]! : s));
          grad = zeros(target, { dtype: g!.dtype, device: g!.device }).indexAdd(d, index, grad);
        }
        return grad;
      },
    ];
  },
};
