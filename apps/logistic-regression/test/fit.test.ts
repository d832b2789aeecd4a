import { describe, expect, it } from 'vitest';
import { fitLogisticRegression } from '../src/fit';

describe('logistic regression example', () => {
  it('learns the separating direction', () => {
    const fit = fitLogisticRegression({ steps: 200 });
    expect(fit.losses.at(-1)!).toBeLessThan(fit.losses[0]! / 3);
    expect(fit.accuracy).toBeGreaterThan(0.95);
    const norm = Math.hypot(...fit.weight);
    const trueNorm = Math.hypot(...fit.trueWeight);
    expect(fit.weight[0]! / norm).toBeCloseTo(fit.trueWeight[0]! / trueNorm, 1);
    expect(fit.weight[1]! / norm).toBeCloseTo(fit.trueWeight[1]! / trueNorm, 1);
  });
});
