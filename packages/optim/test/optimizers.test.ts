import { type Tensor, tensor } from '@nn/tensor';
import { assertClose, type FixtureTensor, fixtureArray, loadFixtures } from '@nn/tooling/test-utils';
import { describe, expect, it } from 'vitest';
import { Adagrad, Adam, Adamax, AdamW, NAdam, type Optimizer, RMSprop, SGD } from '../src/index';

interface OptimizerCase {
  optimizer: string;
  options: Record<string, unknown>;
  dtype: 'float32' | 'float64';
  groups: boolean;
  init: FixtureTensor[];
  targets: FixtureTensor[];
  weights: FixtureTensor[];
  trajectory: FixtureTensor[][];
}

const fixtures = loadFixtures<OptimizerCase>(new URL('./fixtures/optimizers.json', import.meta.url));

// biome-ignore lint/suspicious/noExplicitAny: each constructor takes its own options type.
const constructors: Record<string, new (params: any, options: any) => Optimizer<any>> = {
  SGD,
  Adam,
  AdamW,
  RMSprop,
  Adagrad,
  Adamax,
  NAdam,
};

function load(f: FixtureTensor, dtype: 'float32' | 'float64'): Tensor {
  return tensor(fixtureArray({ ...f, dtype }), { dtype }).reshape(f.shape);
}

/** The case's parameters (a matrix, a vector, and one that never gets a gradient) and optimizer. */
function setup(c: OptimizerCase, values: readonly Tensor[] = c.init.map((f) => load(f, c.dtype))) {
  const params = values.map((v) => v.clone());
  const Ctor = constructors[c.optimizer]!;
  const lr = c.options.lr as number | undefined;
  const spec = c.groups
    ? [{ params: [params[0], params[2]] }, { params: [params[1]], lr: (lr ?? 0) * 3 }]
    : params;
  return { params, optimizer: new Ctor(spec, c.options) };
}

/** Sets p.grad = (p - target) * weight * 2 for the first two parameters, as the generator does. */
function setGrads(c: OptimizerCase, params: readonly Tensor[]): void {
  for (let i = 0; i < 2; i++) {
    const p = params[i]!;
    p.grad = p.sub(load(c.targets[i]!, c.dtype)).mul(load(c.weights[i]!, c.dtype)).mul(2);
  }
}

function runSteps(
  c: OptimizerCase,
  params: readonly Tensor[],
  // biome-ignore lint/suspicious/noExplicitAny: cases mix optimizers.
  opt: Optimizer<any>,
  from: number,
  to: number,
) {
  const seen: Tensor[][] = [];
  for (let step = from; step < to; step++) {
    if (c.groups && step === 10) for (const g of opt.paramGroups) g.lr *= 0.5;
    setGrads(c, params);
    opt.step();
    seen.push(params.map((p) => p.clone()));
  }
  return seen;
}

describe.each(Object.entries(fixtures.cases))('%s', (_name, c) => {
  const tol = c.dtype === 'float32' ? { rtol: 1e-5, atol: 1e-6 } : { rtol: 1e-6, atol: 1e-9 };

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
