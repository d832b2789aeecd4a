import '@nn/autograd';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  AdaptiveAvgPool2d,
  AvgPool2d,
  Conv2d,
  F,
  Flatten,
  Linear,
  MaxPool2d,
  ReLU,
  Sequential,
} from '@nn/nn';
import { Adadelta, Adam, ASGD, type Optimizer, RAdam, Rprop, SGD } from '@nn/optim';
import { manualSeed, randn, type Tensor, tensor } from '@nn/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gpuBackendInfo, registerGpuBackend, synchronizeGpu, unregisterGpuBackend } from '../src';
import { values } from './support/compare';
import { DAWN_BACKEND, TEST_MODES } from './support/modes';

// A full collection on demand, so the FinalizationRegistry's work is observable in a test.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

async function collectGarbage(): Promise<void> {
  collect();
  // finalization callbacks run in later tasks
  await new Promise((resolve) => setTimeout(resolve, 0));
}

function mlp(): Sequential {
  manualSeed(7);
  return new Sequential(new Linear(8, 16), new ReLU(), new Linear(16, 4));
}

function batch(seed: number): { x: Tensor; y: Tensor } {
  manualSeed(seed);
  const x = randn([32, 8]);
  // a learnable rule: the class is the argmax of the first four features
  const y = x.narrow(1, 0, 4).argmax(1);
  return { x, y };
}

/** Live device buffers once queued work (async modes) has finished. */
async function live(): Promise<number> {
  await synchronizeGpu();
  return gpuBackendInfo()!.liveBuffers;
}

/**
 * Live device buffers once garbage is collected: collections repeat until the count has not fallen for
 * three rounds, as finalization callbacks sometimes come a collection or two late.
 */
async function liveAfterCollection(): Promise<number> {
  let count = Number.POSITIVE_INFINITY;
  let steady = 0;
  for (let round = 0; round < 20 && steady < 3; round++) {
    await collectGarbage();
    const now = await live();
    steady = now < count ? 0 : steady + 1;
    count = Math.min(count, now);
  }
  return count;
}

/** A pool bound that training the small MLP below reaches on webgpu, so the bound is seen to hold. */
const POOL_BYTES = 1 << 20;

describe.each(TEST_MODES)("training on 'gpu' (%s)", (mode) => {
  beforeAll(async () => {
    await registerGpuBackend({ mode, dawnBackend: DAWN_BACKEND, poolBytes: POOL_BYTES });
  });

  afterAll(async () => {
    await unregisterGpuBackend();
  });

  /** Loss and parameter gradients of `build()` on `x`, `y`, on the CPU and on 'gpu', compared. */
  async function expectSameGradients(build: () => Sequential, x: Tensor, y: Tensor): Promise<void> {
    const losses: number[] = [];
    const grads: number[][][] = [];
    for (const device of ['cpu', 'gpu']) {
      const model = build().to(device);
      const loss = F.crossEntropy(model.forward(x.to(device)), y.to(device));
      loss.backward();
      losses.push((await values(loss))[0]!);
      grads.push(await Promise.all(model.parameters().map((p) => values(p.grad!))));
      expect(model.parameters().every((p) => p.device === device && p.grad?.device === device)).toBe(true);
    }
    expect(Math.abs(losses[1]! - losses[0]!)).toBeLessThanOrEqual(1e-5 * Math.abs(losses[0]!) + 1e-6);
    grads[0]!.forEach((cpu, i) => {
      cpu.forEach((want, j) => {
        expect(Math.abs(grads[1]![i]![j]! - want), `param ${i} element ${j}`).toBeLessThanOrEqual(
          1e-5 + 1e-4 * Math.abs(want),
        );
      });
    });
  }

  it('gets the same loss and gradients as the CPU for a small MLP', async () => {
    const { x, y } = batch(1);
    await expectSameGradients(mlp, x, y);
  });

  it('gets the same loss and gradients as the CPU for a small CNN (conv, max/avg/adaptive pooling)', async () => {
    const cnn = () => {
      manualSeed(8);
      return new Sequential(
        new Conv2d(2, 6, 3, { padding: 1 }),
        new ReLU(),
        new MaxPool2d(2),
        new Conv2d(6, 4, 3, { stride: 2, padding: 1, groups: 2 }),
        new AvgPool2d(2, { stride: 1, padding: 1 }),
        new AdaptiveAvgPool2d([2, 2]),
        new Flatten(),
        new Linear(16, 3),
      );
    };
    manualSeed(9);
    await expectSameGradients(cnn, randn([4, 2, 8, 8]), tensor([0, 2, 1, 2]));
  });

  /** Trains the MLP on 'cpu' and on 'gpu' with the optimizer each step names, and compares the parameters. */
  async function expectSameSteps(stepsWith: (params: Tensor[]) => Optimizer[]): Promise<void> {
    const { x, y } = batch(2);
    const results: number[][] = [];
    for (const device of ['cpu', 'gpu']) {
      const model = mlp().to(device);
      for (const optimizer of stepsWith(model.parameters())) {
        optimizer.zeroGrad();
        F.crossEntropy(model.forward(x.to(device)), y.to(device)).backward();
        optimizer.step();
      }
      results.push((await Promise.all(model.parameters().map((p) => values(p)))).flat());
    }
    results[0]!.forEach((want, i) => {
      expect(Math.abs(results[1]![i]! - want), `element ${i}`).toBeLessThanOrEqual(
        1e-4 + 1e-4 * Math.abs(want),
      );
    });
  }

  it('takes SGD and Adam steps on the device like the CPU', async () => {
    await expectSameSteps((params) => {
      const sgd = new SGD(params, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-3 });
      const adam = new Adam(params, { lr: 1e-2, amsgrad: true });
      return [sgd, adam, sgd, adam];
    });
  });

  it.each([
    ['Adadelta', (ps: Tensor[]) => new Adadelta(ps, { lr: 0.5, weightDecay: 1e-2, maximize: true })],
    // 8 steps: RAdam's rectified step starts at the sixth
    ['RAdam', (ps: Tensor[]) => new RAdam(ps, { lr: 1e-2, weightDecay: 1e-2 })],
    ['Rprop', (ps: Tensor[]) => new Rprop(ps, { lr: 1e-2, etas: [0.4, 1.3], stepSizes: [1e-3, 0.02] })],
    ['ASGD', (ps: Tensor[]) => new ASGD(ps, { lr: 0.05, t0: 3, weightDecay: 1e-2 })],
  ] as const)('takes %s steps on the device like the CPU', async (_name, make) => {
    await expectSameSteps((params) => Array(8).fill(make(params)));
  });

  it('trains 1000 steps with a flat live device-buffer count, reusing pooled memory, and disposes on demand', async () => {
    // regression with SGD: fewer kernels per step than cross-entropy and Adam, so 1000 steps stay quick
    const model = mlp().to('gpu');
    const optimizer = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
    const data = [3, 4].map((seed) => {
      manualSeed(seed);
      const x = randn([32, 8]);
      return { x: x.to('gpu'), y: x.narrow(1, 0, 4).relu().to('gpu') };
    });
    // the loss is read every 10 steps, as a training loop logging it (the async queue stays short)
    const step = async (i: number): Promise<number | undefined> => {
      const { x, y } = data[i % 2]!;
      optimizer.zeroGrad();
      const loss = F.mseLoss(model.forward(x), y);
      loss.backward();
      optimizer.step();
      return i % 10 === 0 ? (await values(loss))[0] : undefined;
    };
    const first = (await step(0))!;
    for (let i = 1; i < 20; i++) await step(i);
    const settled = await liveAfterCollection();
    const start = gpuBackendInfo()!.pool;
    let last = first;
    let windows = 0;
    for (let i = 20; i < 1000; i++) {
      last = (await step(i)) ?? last;
      if (i % 250 === 249) {
        windows++;
        expect(await liveAfterCollection()).toBeLessThanOrEqual(settled);
        expect(gpuBackendInfo()!.pool.pooledBytes).toBeLessThanOrEqual(POOL_BYTES);
      }
    }
    expect(await liveAfterCollection()).toBeLessThanOrEqual(settled);
    expect(last).toBeLessThan(first * 0.5);
    const end = gpuBackendInfo()!.pool;
    if (mode === 'webgpu') {
      // kernel outputs reuse released buffers (more than one per step), and the bound was reached and held
      expect(end.hits - start.hits).toBeGreaterThan(1000);
      expect(end.evicted).toBeGreaterThan(start.evicted);
    } else {
      // gpu.js allocates these modes' kernel outputs itself: released arrays serve the scalar uploads
      expect(end.hits - start.hits).toBeGreaterThanOrEqual(windows);
    }
    const before = await live();
    const scratch = tensor([1, 2, 3]).to('gpu');
    expect(await live()).toBe(before + 1);
    scratch.dispose();
    expect(await live()).toBe(before);
    expect(() => scratch.neg()).toThrow(/used after dispose\(\)/);
    {
      using held = tensor([4, 5]).to('gpu');
      expect(held.device).toBe('gpu');
      expect(await live()).toBe(before + 1);
    }
    expect(await live()).toBe(before);
  }, 300_000); // webgpu on a software adapter pays ~0.3 ms per kernel launch; CI shares 2 cores
});
