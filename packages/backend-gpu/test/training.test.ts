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
import { Adam, SGD } from '@nn/optim';
import { manualSeed, randn, type Tensor, tensor } from '@nn/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gpuBackendInfo, registerGpuBackend, synchronizeGpu, unregisterGpuBackend } from '../src';
import { values } from './support/compare';
import { DAWN_BACKEND, TEST_MODES } from './support/modes';

// A full collection on demand, so the FinalizationRegistry's work is observable in a test.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

async function collectGarbage(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    collect();
    // finalization callbacks run in later tasks
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
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

describe.each(TEST_MODES)("training on 'gpu' (%s)", (mode) => {
  beforeAll(async () => {
    await registerGpuBackend({ mode, dawnBackend: DAWN_BACKEND });
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

  it('takes SGD and Adam steps on the device like the CPU', async () => {
    const { x, y } = batch(2);
    const results: number[][] = [];
    for (const device of ['cpu', 'gpu']) {
      const model = mlp().to(device);
      const sgd = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-3 });
      const adam = new Adam(model.parameters(), { lr: 1e-2, amsgrad: true });
      for (const optimizer of [sgd, adam, sgd, adam]) {
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
  });

  it('trains 300 steps with a flat live device-buffer count, and disposes on demand', async () => {
    const model = mlp().to('gpu');
    const optimizer = new Adam(model.parameters(), { lr: 1e-2 });
    const data = [batch(3), batch(4)].map(({ x, y }) => ({ x: x.to('gpu'), y: y.to('gpu') }));
    const step = async (i: number): Promise<number> => {
      const { x, y } = data[i % 2]!;
      optimizer.zeroGrad();
      const loss = F.crossEntropy(model.forward(x), y);
      loss.backward();
      optimizer.step();
      return (await values(loss))[0]!;
    };
    const first = await step(0);
    for (let i = 1; i < 20; i++) await step(i);
    await collectGarbage();
    const settled = await live();
    let last = first;
    for (let i = 20; i < 300; i++) {
      last = await step(i);
      if (i % 100 === 99) await collectGarbage();
    }
    await collectGarbage();
    expect(await live()).toBeLessThanOrEqual(settled);
    expect(last).toBeLessThan(first * 0.5);

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
  });
});
