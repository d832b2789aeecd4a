import type { AdadeltaStepAttrs } from '@nn/tensor';
import { cpuUpdateKernel, gradTerm } from './cpu-update';

/**
 * torch 1.13 `_single_tensor_adadelta` in one pass: the step `delta` is taken from the old `acc_delta`,
 * then folded into it, and the standard deviations are rounded as torch's temporaries are.
 */
export const adadeltaStep = cpuUpdateKernel<AdadeltaStepAttrs>({
  variant: (a) => [a.maximize, a.weightDecay !== 0].join(),
  source: (a, round) => ({
    arrays: ['p', 'g', 'sq', 'acc'],
    setup: 'const lr = a.lr, rho = a.rho, c = 1 - a.rho, eps = a.eps, weightDecay = a.weightDecay;',
    body: `${gradTerm(a.maximize, a.weightDecay, round)}
      const sqi = ${round('sq[i] * rho + c * gi * gi')};
      sq[i] = sqi;
      const std = ${round(`Math.sqrt(${round('sqi + eps')})`)};
      const delta = ${round(`${round(`${round(`Math.sqrt(${round('acc[i] + eps')})`)} / std`)} * gi`)};
      acc[i] = ${round('acc[i] * rho + c * delta * delta')};
      p[i] = p[i] - lr * delta;`,
  }),
});
