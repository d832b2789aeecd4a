import { type Tensor, zeros } from '@nn/tensor';
import type { FormulaTable } from '../formula';

/** Gradient formulas of the join kernels (ops/join.ts): each input gets its slice of the gradient. */
export const joinFormulas: FormulaTable = {
  cat: (ctx) => {
    const dim = ctx.attrs.dim;
    const ndim = ctx.outputs[0]!.ndim;
    const pieces = ctx.inputs.map((t) => ({ shape: t.shape, length: t.ndim === ndim ? t.shape[dim]! : 0 }));
    return ([g]) => {
      let start = 0;
      return pieces.map(({ shape, length }) => {
        const from = start;
        start += length;
        // Legacy empty 1-D inputs take no part in the result.
        return (): Tensor =>
          shape.length === ndim
            ? g!.narrow(dim, from, length)
            : zeros(shape, { dtype: g!.dtype, device: g!.device });
      });
    };
  },
};
