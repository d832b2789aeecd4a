import { flip, logcumsumexp, type Tensor, where } from '@nn/tensor';
import type { FormulaTable } from '../formula';
import { indexedValues } from './reductions';

/** The lowest finite value of a float dtype (what the masked logarithms below stand at). */
const LOWEST = { float32: -3.4028234663852886e38, float64: -Number.MAX_VALUE } as const;

/** logcumsumexp from the end of `dim` backwards. */
function reverseLogcumsumexp(x: Tensor, dim: number): Tensor {
  return flip(logcumsumexp(flip(x, [dim]), dim), [dim]);
}

/** Gradient formulas of cummax, cummin, logcumsumexp and mode (ops/running.ts). */
export const runningFormulas: FormulaTable = {
  cummax: indexedValues(),
  cummin: indexedValues(),
  mode: indexedValues(),
  // PyTorch's formula: dx_j = sum_{i >= j} g_i exp(x_j - y_i), summed in log space separately for the
  // positive and the negative parts of g, so nothing overflows.
  logcumsumexp: (ctx) => {
    const x = ctx.save(ctx.inputs[0]!);
    const y = ctx.save(ctx.outputs[0]!);
    const { dim } = ctx.attrs;
    return ([g]) => [
      () => {
        const lowest = LOWEST[g!.dtype as 'float32' | 'float64'] ?? LOWEST.float64;
        const logPositive = where(g!.gt(0), where(g!.gt(0), g!, 1).log(), lowest);
        const logNegative = where(g!.lt(0), where(g!.lt(0), g!.neg(), 1).log(), lowest);
        const part = (logG: Tensor) => reverseLogcumsumexp(logG.sub(y()), dim).add(x()).exp();
        return part(logPositive).sub(part(logNegative));
      },
    ];
  },
};
