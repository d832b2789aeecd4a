import { Function as AutogradFunction, type FunctionCtx, grad } from '@nn/autograd';
import { F, Linear, ReLU, Sequential } from '@nn/nn';
import { SGD } from '@nn/optim';
import { manualSeed, randn, type Tensor, tensor } from '@nn/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gpuBackendInfo, registerGpuBackend, synchronizeGpu, unregisterGpuBackend } from '../src';
import { values } from './support/compare';
import { DAWN_BACKEND, TEST_MODES } from './support/modes';

// What the framework knows is dead it frees at once: backward's gradients on their way to the leaves,
// and the intermediates of functional layers and losses (once backward releases the graph that saved
// them). Finalizers cannot run inside synchronous code, so a count taken in one synchronous block sees
// only these deterministic frees, never the garbage collector's.

const live = () => gpuBackendInfo()!.liveBuffers;

function mlp(): Sequential {
  manualSeed(3);
  return new Sequential(new Linear(8, 16), new ReLU(), new Linear(16, 4));
}

function batch(): { x: Tensor; y: Tensor } {
  manualSeed(4);
  return { x: randn([32, 8]), y: tensor(Array.from({ length: 32 }, (_, i) => i % 4)) };
}

/** Doubles its input; its backward is user code. */
class Double extends AutogradFunction {
  static override forward(_ctx: FunctionCtx, x: Tensor): Tensor {
    return x.mul(2);
  }
  static override backward(_ctx: FunctionCtx, g: Tensor): Tensor {
    return g.mul(2);
  }
}

describe.each(TEST_MODES)("deterministic frees on 'gpu' (%s)", (mode) => {
  beforeAll(async () => {
    await registerGpuBackend({ mode, dawnBackend: DAWN_BACKEND });
  });

  afterAll(async () => {
    await unregisterGpuBackend();
  });

  it("a training step leaves only the tensors the user's code can reach, without yielding", async () => {
    const model = mlp().to('gpu');
    const optimizer = new SGD(model.parameters(), { lr: 0.1 });
    const { x, y } = batch();
    const [xg, yg] = [x.to('gpu'), y.to('gpu')];
    const step = () => {
      // in-place zeroing keeps the gradient buffers, so every buffer a step adds is a tensor it made
      optimizer.zeroGrad({ setToNone: false });
      const loss = F.crossEntropy(model.forward(xg), yg);
      loss.backward();
      optimizer.step();
      return loss;
    };
    const first = await values(step());
    await synchronizeGpu();
    const steps = 20;
    const before = live();
    const losses: Tensor[] = [];
    for (let i = 0; i < steps; i++) losses.push(step());
    await synchronizeGpu();
    // Reachable per step: the first Linear's output, the ReLU's and the logits (Sequential's), and the
    // loss. Before, 26 buffers a step stayed until the garbage collector and an event-loop turn came.
    expect(live() - before).toBeLessThanOrEqual(4 * steps);
    const last = await values(losses.at(-1)!);
    expect(last[0]!).toBeLessThan(first[0]!);
  });

  it('numbers put on the device for an op are freed with it unless a graph saved them', async () => {
    const x = tensor([1, 2, 3], { dtype: 'float32' }).to('gpu');
    await synchronizeGpu();
    const before = live();
    const kept: Tensor[] = [];
    for (let i = 0; i < 50; i++) kept.push(x.add(1).mul(2));
    expect(live() - before).toBeLessThanOrEqual(2 * 50); // each step: two results, no buffer per number
    const inplace = live();
    for (let i = 0; i < 50; i++) x.mul_(1);
    expect(live()).toBe(inplace);
    // A recorded product saves its number for backward: that one must stay readable.
    const w = tensor([1, 2, 3], { dtype: 'float32' }).to('gpu').requiresGrad_();
    w.mul(3).sum().backward();
    expect(await values(w.grad!)).toEqual([3, 3, 3]);
    expect(await values(kept.at(-1)!)).toEqual([4, 6, 8]);
  });

  it('F.linear and F.crossEntropy free their intermediates; the graph keeps what backward needs', async () => {
    const { x, y } = batch();
    const [cpuW, cpuB] = [randn([4, 8]).requiresGrad_(), randn([4]).requiresGrad_()];
    const w = cpuW.detach().to('gpu').requiresGrad_();
    const b = cpuB.detach().to('gpu').requiresGrad_();
    const xg = x.to('gpu');
    await synchronizeGpu();
    const start = live();
    const logits = F.linear(xg, w, b);
    const loss = F.crossEntropy(logits, y.to('gpu'));
    // with retainGraph the saved tensors stay: a second backward works and accumulates
    loss.backward(undefined, { retainGraph: true });
    const once = await values(w.grad!);
    loss.backward();
    const twice = await values(w.grad!);
    twice.forEach((v, i) => {
      expect(v).toBeCloseTo(2 * once[i]!, 5);
    });
    await synchronizeGpu();
    // logits, the moved targets, the loss and the two leaf gradients: nothing else
    expect(live() - start).toBeLessThanOrEqual(5);

    const cpuLoss = F.crossEntropy(F.linear(x, cpuW, cpuB), y);
    expect((await values(loss))[0]).toBeCloseTo((await values(cpuLoss))[0]!, 5);
  });

  it('hands out what it returns: captured gradients, hooked and retained gradients, user Functions', async () => {
    const { x, y } = batch();
    const model = mlp().to('gpu');
    const [first, , last] = [...model] as [Linear, ReLU, Linear];
    const hidden = first.call(x.to('gpu'));
    hidden.retainGrad();
    const seen: Tensor[] = [];
    const hooked = hidden.relu();
    hooked.registerHook((g) => {
      seen.push(g);
      return undefined;
    });
    const doubled = Double.apply(hooked) as Tensor;
    const loss = F.crossEntropy(last.call(doubled), y.to('gpu'));
    const [gw] = grad(loss, [last.weight], { retainGraph: true });
    loss.backward();
    // every tensor handed out is still readable (a freed one throws on read)
    for (const t of [gw!, hidden.grad!, seen[0]!, first.weight.grad!]) {
      expect((await values(t)).every(Number.isFinite)).toBe(true);
    }
    // and the forward intermediates the user holds too
    expect((await values(hidden)).length).toBe(32 * 16);
  });
});
