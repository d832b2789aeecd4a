import type { RpropStepAttrs } from '@nn/tensor';
import { cpuUpdateKernel } from './cpu-update';

/**
 * torch 1.13 `_single_tensor_rprop` in one pass. torch overwrites the sign of `grad * prev` with the step
 * factor (etaplus above 0, etaminus below, 1 at 0 and at NaN, whose sign is 0 in torch), clamps the grown
 * step, zeroes the gradient where the sign flipped (no step now, and no flip seen next time), and steps
 * by the gradient's sign (0 at NaN: a NaN gradient leaves the parameter and its step size as they were).
 */
export const rpropStep = cpuUpdateKernel<RpropStepAttrs>({
  variant: (a) => String(a.maximize),
  source: (a, round) => ({
    arrays: ['p', 'g', 'prev', 'size'],
    // The factors and bounds are stored in (or cast to) the parameter's dtype, as in torch.
    setup:
      `const etaplus = ${round('a.etaplus')}, etaminus = ${round('a.etaminus')}, ` +
      `minStep = ${round('a.minStep')}, maxStep = ${round('a.maxStep')};`,
    body: `const gi = ${a.maximize ? '-g[i]' : 'g[i]'};
      const product = ${round('gi * prev[i]')};
      const factor = product > 0 ? etaplus : product < 0 ? etaminus : 1;
      const sizei = Math.min(Math.max(${round('size[i] * factor')}, minStep), maxStep);
      size[i] = sizei;
      const kept = product < 0 ? 0 : gi;
      prev[i] = kept;
      p[i] = p[i] - (kept > 0 ? sizei : kept < 0 ? -sizei : 0);`,
  }),
});
