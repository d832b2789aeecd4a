import type { AdamStepAttrs } from '@nn/tensor';
import { simdAdamLoop } from './adam-simd';
import { cpuUpdateKernel, gradTerm } from './cpu-update';

/**
 * torch 1.13 `_single_tensor_adam` / `_single_tensor_adamw` in one pass, in torch's order:
 * `denom = sqrt(v) / sqrt(bias_correction2) + eps`, `param += -step_size * m / denom`. Float32 runs in
 * WebAssembly SIMD ({@link simdAdamLoop}, in float32 as torch); the generated loop below serves float64
 * (dividing as torch) and float32 on hosts without it, where it multiplies by the reciprocal instead of
 * dividing (one division fewer per element; computed in double, the result still agrees with torch's
 * float32 arithmetic to float32 precision).
 */
export const adamStep = cpuUpdateKernel<AdamStepAttrs>({
  variant: (a) => [a.maximize, a.weightDecay !== 0, a.paramScale !== 1, a.amsgrad].join(),
  source: (a, round, dtype) => ({
    arrays: ['p', 'g', 'm', 'v', 'vMax'],
    setup:
      'const beta1 = a.beta1, beta2 = a.beta2, c1 = 1 - a.beta1, c2 = 1 - a.beta2, eps = a.eps, ' +
      'weightDecay = a.weightDecay, paramScale = a.paramScale, stepSize = a.stepSize, ' +
      'bc2 = a.biasCorrection2Sqrt, invBc2 = 1 / a.biasCorrection2Sqrt;',
    body: `${gradTerm(a.maximize, a.weightDecay, round)}
      const pi = ${a.paramScale !== 1 ? round('p[i] * paramScale') : 'p[i]'};
      const mi = ${round('m[i] * beta1 + c1 * gi')};
      m[i] = mi;
      let vi = ${round('v[i] * beta2 + c2 * gi * gi')};
      v[i] = vi;
      ${a.amsgrad ? 'vi = Math.max(vMax[i], vi); vMax[i] = vi;' : ''}
      p[i] = pi - (stepSize * mi) / (Math.sqrt(vi) ${dtype === 'float32' ? '* invBc2' : '/ bc2'} + eps);`,
  }),
  float32Loop: simdAdamLoop,
});
