import type { AsgdStepAttrs } from '@nn/tensor';
import { cpuUpdateKernel, gradTerm } from './cpu-update';

/**
 * torch 1.13 `_single_tensor_asgd` in one pass: the decayed parameter takes its SGD step, then `ax` moves
 * toward it by `mu` (or copies it while `mu` is 1).
 */
export const asgdStep = cpuUpdateKernel<AsgdStepAttrs>({
  variant: (a) => [a.maximize, a.weightDecay !== 0, a.mu !== 1].join(),
  source: (a, round) => ({
    arrays: ['p', 'g', 'ax'],
    setup: 'const eta = a.eta, decay = a.decay, mu = a.mu, weightDecay = a.weightDecay;',
    body: `${gradTerm(a.maximize, a.weightDecay, round)}
      const pi = ${round(`${round('p[i] * decay')} - eta * gi`)};
      p[i] = pi;
      ax[i] = ${a.mu !== 1 ? `ax[i] + ${round(`${round('pi - ax[i]')} * mu`)}` : 'pi'};`,
  }),
});
