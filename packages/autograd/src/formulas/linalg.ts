import { matmul, sum, type Tensor } from '@nn/tensor';
import type { FormulaTable } from '../formula';
import { saveCrosswise } from './helpers';

/** Whether the last two dims of `t` are a transposed contiguous matrix (column-major), like `W.t()`. */
function columnMajor(t: Tensor): boolean {
  const rows = t.shape[t.ndim - 2] ?? 1;
  const cols = t.shape[t.ndim - 1] ?? 1;
  return rows > 1 && cols > 1 && t.strides[t.ndim - 2] === 1 && t.strides[t.ndim - 1] === rows;
}

/** Gradient formulas of the linear-algebra kernels (ops/linalg.ts). */
export const linalgFormulas: FormulaTable = {
  // The kernel takes 2-D or equal-batch 3-D operands: dA = G Bᵀ, dB = Aᵀ G. As in PyTorch's mm backward,
  // a column-major operand gets its gradient as the transpose of a row-major product, (B Gᵀ)ᵀ or (Gᵀ A)ᵀ:
  // the weight under `W.t()` in a linear layer then receives a contiguous gradient, not a strided copy.
  matmul: (ctx) => {
    const [a, b] = saveCrosswise(ctx);
    const [aColumnMajor, bColumnMajor] = ctx.inputs.map(columnMajor);
    return ([g]) => [
      b && (() => (aColumnMajor ? matmul(b(), g!.mT).mT : matmul(g!, b().mT))),
      a && (() => (bColumnMajor ? matmul(g!.mT, a()).mT : matmul(a().mT, g!))),
    ];
  },
  // y = x Wᵀ + b with x [m, in], W [out, in]: dx = G W, dW = Gᵀ x (both row-major products, the same ones
  // matmul's formula computes for x @ W.t()), db = G summed over rows.
  linear: (ctx) => {
    const [x, weight] = saveCrosswise(ctx);
    return ([g]) => [
      weight && (() => matmul(g!, weight())),
      x && (() => matmul(g!.mT, x())),
      () => sum(g!, 0),
    ];
  },
};
