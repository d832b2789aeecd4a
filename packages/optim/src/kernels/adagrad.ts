import type { AdagradStepAttrs } from '@nn/tensor';
import { cpuUpdateKernel, gradTerm } from './cpu-update';

/** torch 1.13 `_single_tensor_adagrad` (dense gradients) in one pass. */
export const adagradStep = cpuUpdateKernel<AdagradStepAttrs>({
  variant: (a) => [a.maximize, a.weightDecay !== 0].join(),
  source: (a, round) => ({
    arrays: ['p', 'g', 'sum'],
    setup: 'const clr = a.clr, eps = a.eps, weightDecay = a.weightDecay;',
    body: `${gradTerm(a.maximize, a.weightDecay, round)}
      const s = ${round('sum[i] + gi * gi')};
      sum[i] = s;
      p[i] = p[i] - (clr * gi) / (Math.sqrt(s) + eps);`,
  }),
});
