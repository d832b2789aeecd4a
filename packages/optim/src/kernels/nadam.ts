import type { NadamStepAttrs } from '@nn/tensor';
import { cpuUpdateKernel, gradTerm } from './cpu-update';

/** torch 1.13 `_single_tensor_nadam` in one pass (both `addcdiv_` updates applied in torch's order). */
export const nadamStep = cpuUpdateKernel<NadamStepAttrs>({
  variant: (a) => String(a.weightDecay !== 0),
  source: (a, round) => ({
    arrays: ['p', 'g', 'm', 'v'],
    setup:
      'const beta1 = a.beta1, c1 = 1 - a.beta1, beta2 = a.beta2, c2 = 1 - a.beta2, eps = a.eps, ' +
      'weightDecay = a.weightDecay, bc2 = a.biasCorrection2, gradStep = a.gradStep, avgStep = a.avgStep;',
    body: `${gradTerm(false, a.weightDecay, round)}
      const mi = ${round('m[i] * beta1 + c1 * gi')};
      m[i] = mi;
      const vi = ${round('v[i] * beta2 + c2 * gi * gi')};
      v[i] = vi;
      const denom = Math.sqrt(vi / bc2) + eps;
      const pi = ${round('p[i] - (gradStep * gi) / denom')};
      p[i] = pi - (avgStep * mi) / denom;`,
  }),
});
