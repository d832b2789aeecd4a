import type { AdamaxStepAttrs } from '@nn/tensor';
import { cpuUpdateKernel, gradTerm } from './cpu-update';

/**
 * torch 1.13 `_single_tensor_adamax` in one pass: `exp_inf = max(exp_inf * beta2, |g| + eps)`, the
 * product stored (rounded) first as torch's in-place `mul_` does.
 */
export const adamaxStep = cpuUpdateKernel<AdamaxStepAttrs>({
  variant: (a) => [a.maximize, a.weightDecay !== 0].join(),
  source: (a, round) => ({
    arrays: ['p', 'g', 'm', 'u'],
    setup:
      'const beta1 = a.beta1, c1 = 1 - a.beta1, beta2 = a.beta2, eps = a.eps, weightDecay = a.weightDecay, clr = a.clr;',
    body: `${gradTerm(a.maximize, a.weightDecay, round)}
      const mi = ${round('m[i] * beta1 + c1 * gi')};
      m[i] = mi;
      const ui = Math.max(${round('u[i] * beta2')}, ${round('Math.abs(gi) + eps')});
      u[i] = ui;
      p[i] = p[i] - (clr * mi) / ui;`,
  }),
});
