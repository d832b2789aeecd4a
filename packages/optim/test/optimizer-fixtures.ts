// PyTorch optimizer trajectories (tooling/fixtures/cases/optim.py) and the loop that replays them.
import { type Tensor, tensor } from '@nn/tensor';
import { type FixtureTensor, fixtureArray, loadFixtures } from '@nn/tooling/test-utils';
import {
  Adadelta,
  Adagrad,
  Adam,
  Adamax,
  AdamW,
  ASGD,
  NAdam,
  type Optimizer,
  RAdam,
  RMSprop,
  Rprop,
  SGD,
} from '../src/index';

/** One optimizer configuration and torch's trajectory for it. */
export interface OptimizerCase {
  optimizer: string;
  options: Record<string, unknown>;
  dtype: 'float32' | 'float64';
  groups: boolean;
  init: FixtureTensor[];
  targets: FixtureTensor[];
  weights: FixtureTensor[];
  trajectory: FixtureTensor[][];
}

export const fixtures = loadFixtures<OptimizerCase>(new URL('./fixtures/optimizers.jsonl', import.meta.url));

/** The float32 Adam and AdamW cases (the kernel with its own float32 implementations). */
export const adamFloat32Cases = Object.entries(fixtures.cases).filter(
  ([, c]) => (c.optimizer === 'Adam' || c.optimizer === 'AdamW') && c.dtype === 'float32',
);

/** How close a trajectory of `dtype` must follow torch's. */
export function tolerance(dtype: 'float32' | 'float64') {
  return dtype === 'float32' ? { rtol: 1e-5, atol: 1e-6 } : { rtol: 1e-6, atol: 1e-9 };
}

// biome-ignore lint/suspicious/noExplicitAny: each constructor takes its own options type.
const constructors: Record<string, new (params: any, options: any) => Optimizer<any>> = {
  SGD,
  Adam,
  AdamW,
  RMSprop,
  Adagrad,
  Adamax,
  NAdam,
  RAdam,
  Adadelta,
  Rprop,
  ASGD,
};

function load(f: FixtureTensor, dtype: 'float32' | 'float64'): Tensor {
  return tensor(fixtureArray({ ...f, dtype }), { dtype }).reshape(f.shape);
}

/** The case's parameters (a matrix, a vector, and one that never gets a gradient) and optimizer. */
export function setup(c: OptimizerCase, values: readonly Tensor[] = c.init.map((f) => load(f, c.dtype))) {
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

/** Steps `from` to `to` (setting gradients first), returning copies of the parameters after each. */
export function runSteps(
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
