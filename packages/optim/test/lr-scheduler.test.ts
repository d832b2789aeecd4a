import { zeros } from '@nn/tensor';
import { loadFixtures } from '@nn/tooling/test-utils';
import { describe, expect, it } from 'vitest';
import { Adam, lrScheduler, type Optimizer, SGD } from '../src/index';

interface SchedulerCase {
  optimizer: 'sgd' | 'adam';
  scheduler: string;
  options: Record<string, unknown>;
  metrics: number[] | null;
  lrs: number[][];
  momenta: number[][];
}

interface ClosedFormCase {
  epochs: number[];
  lrs: number[][];
}

const { cases } = loadFixtures<SchedulerCase | Record<string, ClosedFormCase>>(
  new URL('./fixtures/lr-scheduler.jsonl', import.meta.url),
);
const { closedForm, ...scheduleCases } = cases as Record<string, SchedulerCase> & {
  closedForm: Record<string, ClosedFormCase>;
};

// biome-ignore lint/suspicious/noExplicitAny: schedulers drive any optimizer.
type AnyOpt = Optimizer<any, any>;

/** The generator's optimizers: two groups, the second with its own lr. */
function makeOptimizer(kind: 'sgd' | 'adam'): AnyOpt {
  const params = [zeros([2]), zeros([3])];
  if (kind === 'adam')
    return new Adam([{ params: [params[0]!] }, { params: [params[1]!], lr: 0.005 }], { lr: 0.01 });
  return new SGD([{ params: [params[0]!] }, { params: [params[1]!], lr: 0.05 }], { lr: 0.1, momentum: 0.9 });
}

const lambdas: Record<string, (epoch: number) => number> = { pow095: (epoch) => 0.95 ** epoch };

function build(opt: AnyOpt, name: string, options: Record<string, unknown>): lrScheduler.Scheduler {
  const o = { ...options } as Record<string, never>;
  switch (name) {
    case 'LambdaLR':
      return new lrScheduler.LambdaLR(opt, { lrLambda: lambdas[options.lrLambda as string]! });
    case 'SequentialLR':
    case 'ChainedScheduler': {
      const children = (options.schedulers as [string, Record<string, unknown>][]).map(
        ([child, childOptions]) => build(opt, child, childOptions) as lrScheduler.LRScheduler,
      );
      return name === 'ChainedScheduler'
        ? new lrScheduler.ChainedScheduler(children)
        : new lrScheduler.SequentialLR(opt, {
            schedulers: children,
            milestones: options.milestones as number[],
          });
    }
    default: {
      const Ctor = (
        lrScheduler as unknown as Record<string, new (o: AnyOpt, x: unknown) => lrScheduler.Scheduler>
      )[name]!;
      return new Ctor(opt, o);
    }
  }
}

function momenta(opt: AnyOpt): number[] {
  return opt.paramGroups.map((g) => (g.betas ? (g.betas as number[])[0]! : (g.momentum as number)));
}

function expectClose(actual: number[], expected: number[], label: string): void {
  expect(actual.length, label).toBe(expected.length);
  actual.forEach((a, i) => {
    expect(Math.abs(a - expected[i]!), `${label}[${i}]: ${a} vs ${expected[i]}`).toBeLessThanOrEqual(
      1e-12 * Math.abs(expected[i]!) + 1e-15,
    );
  });
}

function advance(c: SchedulerCase, opt: AnyOpt, sched: lrScheduler.Scheduler, epoch: number): void {
  opt.step();
  if (sched instanceof lrScheduler.ReduceLROnPlateau) sched.step(c.metrics![epoch]!);
  else (sched as lrScheduler.LRScheduler).step();
}

describe.each(Object.entries(scheduleCases))('%s', (name, c) => {
  it("sets PyTorch's learning rates (and momenta) over 30 epochs", () => {
    const opt = makeOptimizer(c.optimizer);
    const sched = build(opt, c.scheduler, c.options);
    expectClose(
      opt.paramGroups.map((g) => g.lr),
      c.lrs[0]!,
      `${name} epoch 0`,
    );
    for (let epoch = 0; epoch < 30; epoch++) {
      advance(c, opt, sched, epoch);
      expectClose(sched.getLastLr(), c.lrs[epoch + 1]!, `${name} getLastLr epoch ${epoch + 1}`);
      expectClose(
        opt.paramGroups.map((g) => g.lr),
        c.lrs[epoch + 1]!,
        `${name} lr epoch ${epoch + 1}`,
      );
      expectClose(momenta(opt), c.momenta[epoch + 1]!, `${name} momentum epoch ${epoch + 1}`);
    }
  });

  it('resumes from state dicts saved after 15 epochs', () => {
    const opt = makeOptimizer(c.optimizer);
    const sched = build(opt, c.scheduler, c.options);
    for (let epoch = 0; epoch < 15; epoch++) advance(c, opt, sched, epoch);
    const savedOpt = opt.stateDict();
    const savedSched = JSON.parse(JSON.stringify(sched.stateDict())) as Record<string, unknown>;
    const fresh = makeOptimizer(c.optimizer);
    const resumed = build(fresh, c.scheduler, c.options);
    fresh.loadStateDict(savedOpt);
    resumed.loadStateDict(savedSched);
    for (let epoch = 15; epoch < 30; epoch++) {
      advance(c, fresh, resumed, epoch);
      expectClose(resumed.getLastLr(), c.lrs[epoch + 1]!, `${name} resumed epoch ${epoch + 1}`);
    }
  });
});

describe('step(epoch) uses the closed form', () => {
  it.each(Object.entries(closedForm))('%s', (name, c) => {
    const opt = makeOptimizer('sgd');
    const options: Record<string, Record<string, number>> = {
      StepLR: { stepSize: 3, gamma: 0.5 },
      CosineAnnealingLR: { TMax: 10 },
      CosineAnnealingWarmRestarts: { T0: 4, TMult: 2 },
    };
    const sched = build(opt, name, options[name]!) as lrScheduler.LRScheduler;
    c.epochs.forEach((epoch, i) => {
      sched.step(epoch);
      expectClose(sched.getLastLr(), c.lrs[i]!, `${name} epoch ${epoch}`);
    });
  });
});

describe('scheduler validation', () => {
  const opt = () => makeOptimizer('sgd');
  it.each([
    [
      () => new lrScheduler.ConstantLR(opt(), { factor: 2 }),
      'Constant multiplicative factor expected to be between 0 and 1.',
    ],
    [() => new lrScheduler.LinearLR(opt(), { startFactor: -1 }), 'Starting multiplicative factor expected'],
    [() => new lrScheduler.LinearLR(opt(), { endFactor: 2 }), 'Ending multiplicative factor expected'],
    [() => new lrScheduler.LambdaLR(opt(), { lrLambda: [() => 1] }), 'Expected 2 lr_lambdas, but got 1'],
    [
      () => new lrScheduler.CosineAnnealingWarmRestarts(opt(), { T0: 0 }),
      'Expected positive integer T0, but got 0',
    ],
    [
      () => new lrScheduler.CosineAnnealingWarmRestarts(opt(), { T0: 2, TMult: 1.5 }),
      'Expected integer TMult >= 1',
    ],
    [() => new lrScheduler.OneCycleLR(opt(), { maxLr: 1 }), 'You must define either totalSteps OR'],
    [
      () => new lrScheduler.OneCycleLR(opt(), { maxLr: 1, totalSteps: 0 }),
      'Expected positive integer totalSteps',
    ],
    [
      () => new lrScheduler.OneCycleLR(opt(), { maxLr: [1], totalSteps: 5 }),
      'expected 2 values for maxLr, got 1',
    ],
    [
      () => new lrScheduler.CyclicLR(makeOptimizer('adam'), { baseLr: 0.1, maxLr: 1 }),
      'optimizer must support momentum',
    ],
    [() => new lrScheduler.ReduceLROnPlateau(opt(), { factor: 1 }), 'Factor should be < 1.0.'],
    [
      () => new lrScheduler.StepLR(opt(), { stepSize: 2, lastEpoch: 3 }),
      "param 'initialLr' is not specified",
    ],
    [
      () =>
        new lrScheduler.SequentialLR(opt(), {
          schedulers: [new lrScheduler.ExponentialLR(opt(), { gamma: 0.9 })],
          milestones: [],
        }),
      'belong to the same optimizer',
    ],
  ])('%#: %s', (make, message) => {
    expect(make).toThrow(message);
  });

  it('OneCycleLR refuses to step past totalSteps', () => {
    const o = opt();
    const sched = new lrScheduler.OneCycleLR(o, { maxLr: 1, totalSteps: 2 });
    sched.step();
    sched.step();
    expect(() => sched.step()).toThrow('Tried to step 4 times. The specified number of total steps is 2');
  });
});
