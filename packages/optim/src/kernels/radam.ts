import type { RadamStepAttrs } from '@nn/tensor';
import { cpuUpdateKernel, gradTerm } from './cpu-update';

/**
 * torch 1.13 `_single_tensor_radam` in one pass: the moments, then either the rectified adaptive step
 * (`rect` given) or momentum SGD on the bias-corrected first moment, each product rounded in torch's order.
 */
export const radamStep = cpuUpdateKernel<RadamStepAttrs>({
  variant: (a) => [a.weightDecay !== 0, a.rect !== undefined].join(),
  source: (a, round) => {
    // torch's `scalar / tensor` is `tensor.reciprocal() * scalar`
    const adaptiveLr = round(`${round(`1 / ${round(`${round('Math.sqrt(vi)')} + eps`)}`)} * bc2Sqrt`);
    const update =
      a.rect === undefined
        ? round('corrected * lr')
        : round(`${round(`${round('corrected * lr')} * ${adaptiveLr}`)} * rect`);
    return {
      arrays: ['p', 'g', 'm', 'v'],
      setup:
        'const lr = a.lr, beta1 = a.beta1, c1 = 1 - a.beta1, beta2 = a.beta2, c2 = 1 - a.beta2, eps = a.eps, ' +
        'weightDecay = a.weightDecay, bc1 = a.biasCorrection1, bc2Sqrt = a.biasCorrection2Sqrt, rect = a.rect;',
      body: `${gradTerm(false, a.weightDecay, round)}
        const mi = ${round('m[i] * beta1 + c1 * gi')};
        m[i] = mi;
        const vi = ${round('v[i] * beta2 + c2 * gi * gi')};
        v[i] = vi;
        const corrected = ${round('mi / bc1')};
        p[i] = p[i] - ${update};`,
    };
  },
});
