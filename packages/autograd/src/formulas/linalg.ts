import { matmul } from '@nn/tensor';
import type { Formula } from '../formula';
import { saveCrosswise } from './helpers';

/** Gradient formulas of the linear-algebra kernels (ops/linalg.ts). */
export const linalgFormulas: Record<string, Formula> = {
  // The kernel takes 2-D or equal-batch 3-D operands: dA = G Bᵀ, dB = Aᵀ G.
  matmul: (ctx) => {
    const [a, b] = saveCrosswise(ctx);
    return ([g]) => [b && (() => matmul(g!, b().mT)), a && (() => matmul(a().mT, g!))];
  },
};
