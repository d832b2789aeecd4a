import { describe, expect, it } from 'vitest';
import { fitLinearRegression } from '../src/fit';

describe('linear regression example', () => {
  it('recovers the generating weights and bias', () => {
    const fit = fitLinearRegression({ steps: 150 });
    expect(fit.losses.at(-1)!).toBeLessThan(fit.losses[0]! / 100);
    fit.weight.forEach((w, i) => {
      expect(w).toBeCloseTo(fit.trueWeight[i]!, 1);
    });
    expect(fit.bias).toBeCloseTo(fit.trueBias, 1);
  });
});
