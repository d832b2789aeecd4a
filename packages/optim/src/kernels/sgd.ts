import type { SgdStepAttrs } from '@nn/tensor';
import { cpuUpdateKernel, gradTerm } from './cpu-update';

/** torch 1.13 `_single_tensor_sgd`, fused into one pass over the parameter. */
export const sgdStep = cpuUpdateKernel<SgdStepAttrs>({
  variant: (a) => [a.maximize, a.weightDecay !== 0, a.momentum !== 0, a.initBuffer, a.nesterov].join(),
  source: (a, round) => {
    const useBuffer = a.momentum !== 0;
    const buffer = `const b = ${a.initBuffer ? 'gi' : round('buf[i] * momentum + keep * gi')}; buf[i] = b;`;
    const direction = !useBuffer ? 'gi' : a.nesterov ? 'gi + momentum * b' : 'b';
    return {
      arrays: ['p', 'g', 'buf'],
      setup: 'const lr = a.lr, momentum = a.momentum, keep = 1 - a.dampening, weightDecay = a.weightDecay;',
      body: `${gradTerm(a.maximize, a.weightDecay, round)} ${useBuffer ? buffer : ''} p[i] = p[i] - lr * (${direction});`,
    };
  },
});
