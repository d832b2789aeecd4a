import type { RmspropStepAttrs } from '@nn/tensor';
import { cpuUpdateKernel, gradTerm } from './cpu-update';

/** torch 1.13 `_single_tensor_rmsprop` in one pass. */
export const rmspropStep = cpuUpdateKernel<RmspropStepAttrs>({
  variant: (a) => [a.maximize, a.weightDecay !== 0, a.centered, a.momentum > 0].join(),
  source: (a, round) => {
    const arrays = ['p', 'g', 'sq'];
    if (a.centered) arrays.push('ga');
    if (a.momentum > 0) arrays.push('buf');
    const avg = a.centered
      ? `const gai = ${round('ga[i] * alpha + c * gi')}; ga[i] = gai; const avg = Math.sqrt(sqi - gai * gai) + eps;`
      : 'const avg = Math.sqrt(sqi) + eps;';
    const update =
      a.momentum > 0
        ? `const b = ${round('buf[i] * momentum + gi / avg')}; buf[i] = b; p[i] = p[i] - lr * b;`
        : 'p[i] = p[i] - (lr * gi) / avg;';
    return {
      arrays,
      setup:
        'const lr = a.lr, alpha = a.alpha, c = 1 - a.alpha, eps = a.eps, weightDecay = a.weightDecay, ' +
        'momentum = a.momentum;',
      body: `${gradTerm(a.maximize, a.weightDecay, round)} const sqi = ${round('sq[i] * alpha + c * gi * gi')}; sq[i] = sqi; ${avg} ${update}`,
    };
  },
});
