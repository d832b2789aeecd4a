import { assertClose } from '@nn/tooling/test-utils';
import { describe, expect, it } from 'vitest';
import { fixtures, runSteps, setup, tolerance } from './optimizer-fixtures';

describe.each(Object.entries(fixtures.cases))('%s', (_name, c) => {
  const tol = tolerance(c.dtype);

  it("follows PyTorch's 20-step trajectory", () => {
    const { params, optimizer } = setup(c);
    const seen = runSteps(c, params, optimizer, 0, c.trajectory.length);
    seen.forEach((step, s) => {
      for (const [i, p] of step.entries())
        assertClose(p, c.trajectory[s]![i]!, tol, `step ${s + 1} param ${i}`);
    });
  });

  it('resumes bit-for-bit from a state dict saved after 10 steps', () => {
    const { params, optimizer } = setup(c);
    const uninterrupted = runSteps(c, params, optimizer, 0, 20);
    const first = setup(c);
    runSteps(c, first.params, first.optimizer, 0, 10);
    const saved = first.optimizer.stateDict();
    runSteps(c, first.params, first.optimizer, 10, 12); // the snapshot must not follow later steps
    const resumed = setup(c, uninterrupted[9]!);
    resumed.optimizer.loadStateDict(saved);
    const continued = runSteps(c, resumed.params, resumed.optimizer, 10, 20);
    continued.forEach((step, s) => {
      for (const [i, p] of step.entries())
        expect(p.dataSync()).toEqual(uninterrupted[10 + s]![i]!.dataSync());
    });
  });
});
