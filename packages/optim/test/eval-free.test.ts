import { canGenerateCode, codegenSettings } from '@nn/tensor';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fixtures, runSteps, setup } from './optimizer-fixtures';

// Under a Content-Security-Policy without 'unsafe-eval' the update loops run through the eval-free
// closure compiler: every optimizer must take bit for bit the steps its generated loop takes.

/** Runs `body` as a host that refuses code generation would: `new Function` throws EvalError. */
function withoutEval<T>(body: () => T): T {
  const original = globalThis.Function;
  globalThis.Function = (() => {
    throw new EvalError('code generation from strings disallowed for this context');
  }) as unknown as FunctionConstructor;
  try {
    return body();
  } finally {
    globalThis.Function = original;
  }
}

beforeAll(() => {
  expect(canGenerateCode()).toBe(true); // probed here, where allowed, so 'auto' means generated loops
});
afterEach(() => {
  codegenSettings({ functions: 'auto' });
});

describe.each(Object.entries(fixtures.cases))('%s without code generation', (_name, c) => {
  it('takes the same steps as the generated loop, bit for bit', () => {
    const trajectory = () => {
      const { params, optimizer } = setup(c);
      return runSteps(c, params, optimizer, 0, c.trajectory.length).map((step) =>
        step.map((p) => Array.from(p.dataSync())),
      );
    };
    const generated = trajectory();
    codegenSettings({ functions: 'closures' });
    const evalFree = withoutEval(trajectory);
    // toEqual tells -0 from 0 and treats NaN as equal to NaN: an exact comparison of the values.
    expect(evalFree).toEqual(generated);
  });
});
