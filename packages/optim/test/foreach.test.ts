import { tensor } from '@nn/tensor';
import { assertClose } from '@nn/tooling/test-utils';
import { describe, expect, it } from 'vitest';
import { LBFGS, SparseAdam } from '../src/index';
import { fixtures, runSteps, setup, tolerance } from './optimizer-fixtures';

// One float64 case per optimizer, replayed with foreach on and off: torch's flag picks an implementation
// with the same result, and @nn has one, so both follow torch's trajectory.
const float64Cases = Object.values(fixtures.cases).filter((c) => c.dtype === 'float64' && !c.groups);
const firstPerOptimizer = float64Cases.filter(
  (c, i) => float64Cases.findIndex((o) => o.optimizer === c.optimizer) === i,
);

describe.each(firstPerOptimizer.map((c) => [c.optimizer, c] as const))('%s foreach', (_name, c) => {
  it.each([true, false])('foreach: %s is accepted, kept in the groups, and changes nothing', (foreach) => {
    const { params, optimizer } = setup({ ...c, options: { ...c.options, foreach } });
    expect(optimizer.paramGroups[0]!.foreach).toBe(foreach);
    expect(optimizer.stateDict().paramGroups[0]!.foreach).toBe(foreach);
    const seen = runSteps(c, params, optimizer, 0, c.trajectory.length);
    seen.forEach((step, s) => {
      for (const [i, p] of step.entries()) assertClose(p, c.trajectory[s]![i]!, tolerance(c.dtype));
    });
  });
});

it('covers every optimizer that has foreach in torch 1.13, and defaults it to null', () => {
  expect(firstPerOptimizer.map((c) => c.optimizer).sort()).toEqual(
    [
      'ASGD',
      'Adadelta',
      'Adagrad',
      'Adam',
      'AdamW',
      'Adamax',
      'NAdam',
      'RAdam',
      'RMSprop',
      'Rprop',
      'SGD',
    ].sort(),
  );
  const c = firstPerOptimizer[0]!;
  expect(setup(c).optimizer.defaults).toHaveProperty('foreach', null);
});

it('LBFGS and SparseAdam reject it, as torch 1.13 does', () => {
  const p = tensor([1.5], { requiresGrad: true });
  expect(() => new LBFGS([p], { foreach: true } as never)).toThrow("LBFGS: unknown option 'foreach'");
  expect(() => new SparseAdam([p], { foreach: true } as never)).toThrow(
    "SparseAdam: unknown option 'foreach'",
  );
});
