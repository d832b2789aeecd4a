import '@nn/autograd';
import {
  convTranspose2d,
  coverage,
  crossEntropyLoss,
  manualSeed,
  randn,
  type Tensor,
  tensor,
} from '@nn/tensor';
import { afterAll, beforeAll, describe, expect, it, type MockInstance, vi } from 'vitest';
import { registerGpuBackend, unregisterGpuBackend } from '../src';
import { expectSameAsCpu, values } from './support/compare';
import { DAWN_BACKEND, TEST_MODES } from './support/modes';

const NATIVE = ['argmax', 'argmin', 'convTranspose2d', 'crossEntropyLoss', 'crossEntropyLossBackward'];
// what convTranspose2d's gradient formula runs (input: conv2d, weight: conv2dBackwardWeight, bias: sum)
const GRADIENT_KERNELS = ['conv2d', 'conv2dBackwardWeight', 'sum'];

describe.each(TEST_MODES)("argmax, argmin, convTranspose2d and crossEntropyLoss on 'gpu' (%s)", (mode) => {
  let warn: MockInstance<typeof console.warn>;

  beforeAll(async () => {
    await registerGpuBackend({ mode, dawnBackend: DAWN_BACKEND });
    warn = vi.spyOn(console, 'warn');
  });

  afterAll(async () => {
    // a CPU fallback warns (sync modes) or throws (webgpu); none may have happened
    expect(warn.mock.calls.filter(([m]) => String(m).includes('has no kernel on'))).toEqual([]);
    warn.mockRestore();
    await unregisterGpuBackend();
  });

  it('registers them (and the kernels of the transposed convolution gradient) natively', () => {
    const table = coverage();
    for (const name of [...NATIVE, ...GRADIENT_KERNELS]) expect(table[name]?.gpu, name).toBe('native');
  });

  it('finds the first maximum / minimum per dim, with keepdim, and over all elements', async () => {
    manualSeed(11);
    const x = randn([3, 4, 5]);
    for (const op of ['argmax', 'argmin'] as const) {
      for (const dim of [0, 1, 2, -1]) {
        await expectSameAsCpu((t) => t[op](dim), [x]);
        await expectSameAsCpu((t) => t[op](dim, { keepdim: true }), [x]);
      }
      await expectSameAsCpu((t) => t[op](), [x]);
      await expectSameAsCpu((t) => t[op](undefined, { keepdim: true }), [x]);
      // strided views: a full walk over non-mergeable dims, and every other column of a slice
      await expectSameAsCpu((t) => t.permute(2, 0, 1)[op](), [x]);
      await expectSameAsCpu((t) => t.permute(2, 0, 1)[op](1), [x]);
      await expectSameAsCpu((t) => t.slice(2, 1, 5, 2)[op](2), [x]);
      // int32 input full of ties (the first occurrence wins), and a 0-d tensor
      await expectSameAsCpu((t) => t[op](1), [x.mul(2).round().int()]);
      await expectSameAsCpu((t) => t[op](0), [tensor(3.5)]);
      await expectSameAsCpu((t) => t[op](), [tensor(3.5)]);
    }
  });

  it('follows PyTorch on ties, NaN and infinities', async () => {
    const x = tensor([
      [1, Number.NaN, 5, Number.NaN],
      [Number.NaN, 0, -1, 2],
      [4, 4, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY],
      [3, 1, 3, 1],
    ]).to('gpu');
    const argmax = x.argmax(1);
    expect([argmax.device, argmax.dtype]).toEqual(['gpu', 'int32']);
    // reference values from torch 1.13
    expect(await values(argmax)).toEqual([1, 0, 3, 0]);
    expect(await values(x.argmin(1))).toEqual([1, 0, 2, 1]);
    expect(await values(x.argmax())).toEqual([1]);
    expect(await values(x.argmin())).toEqual([1]);
    expect(await values(x.argmax(0))).toEqual([1, 0, 0, 0]);
    const argmin = x.argmin(0, { keepdim: true });
    expect(argmin.shape).toEqual([1, 4]);
    expect(await values(argmin)).toEqual([1, 0, 2, 0]);
  });

  it('transposes convolutions like the CPU: stride, padding, output padding, dilation, groups, bias', async () => {
    manualSeed(12);
    const tolerance = { rtol: 1e-4, atol: 1e-5 };
    const x = randn([2, 4, 5, 6]);
    const w = randn([4, 3, 3, 2]);
    const b = randn([6]);
    await expectSameAsCpu((a, k) => convTranspose2d(a, k), [x, w], tolerance);
    await expectSameAsCpu(
      (a, k, c) => convTranspose2d(a, k, c, { stride: [2, 3], padding: [1, 0], outputPadding: [1, 2] }),
      [x, w, b.narrow(0, 0, 3)],
      tolerance,
    );
    await expectSameAsCpu(
      (a, k, c) => convTranspose2d(a, k, c, { groups: 2, dilation: [2, 1], stride: 2, padding: 1 }),
      [x, w, b],
      tolerance,
    );
    // strided operands read in place: a transposed input, a sliced bias, and an unbatched input
    await expectSameAsCpu(
      (a, k, c) => convTranspose2d(a.transpose(2, 3), k, c.slice(0, 0, 6, 2), { stride: 2 }),
      [randn([2, 4, 6, 5]), w, b],
      tolerance,
    );
    await expectSameAsCpu(
      (a, k) => convTranspose2d(a, k, undefined, { padding: 1 }),
      [x.select(0, 1), w],
      tolerance,
    );
  });

  it('sizes the output by the output padding even where it reaches the stride (dilation > stride)', async () => {
    const x = tensor([1, 2, 3, 4], { dtype: 'float32' }).reshape(1, 1, 2, 2).to('gpu');
    const w = tensor([1, -1, 2, 0.5]).reshape(1, 1, 2, 2).to('gpu');
    const y = convTranspose2d(x, w, tensor([0.25]).to('gpu'), { dilation: 2, outputPadding: 1 });
    expect(y.shape).toEqual([1, 1, 5, 5]);
    // reference values from torch 1.13
    expect(await values(y)).toEqual([
      1.25, 2.25, -0.75, -1.75, 0.25, 3.25, 4.25, -2.75, -3.75, 0.25, 2.25, 4.25, 0.75, 1.25, 0.25, 6.25,
      8.25, 1.75, 2.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25,
    ]);
  });

  it('gets the same gradients as the CPU through a transposed convolution, on the device', async () => {
    manualSeed(13);
    const inputs = [randn([2, 4, 4, 5]), randn([4, 3, 3, 3]), randn([6])];
    const weights = randn([2, 6, 8, 10]);
    const grads: number[][] = [];
    for (const device of ['cpu', 'gpu']) {
      const [x, w, b] = inputs.map((t) => t.detach().to(device).requiresGrad_()) as [Tensor, Tensor, Tensor];
      const y = convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1, groups: 2 });
      y.mul(weights.to(device)).sum().backward();
      for (const t of [x, w, b]) {
        expect(t.grad?.device).toBe(device);
        grads.push(await values(t.grad!));
      }
    }
    grads.slice(0, 3).forEach((cpu, i) => {
      cpu.forEach((want, j) => {
        expect(Math.abs(grads[i + 3]![j]! - want), `gradient ${i} element ${j}`).toBeLessThanOrEqual(
          1e-4 + 1e-4 * Math.abs(want),
        );
      });
    });
  });

  it('computes the fused cross-entropy and its gradient like the CPU (ignored targets, logits of 1e4)', async () => {
    manualSeed(14);
    const logits = randn([6, 7]).mul(3);
    const target = tensor([3, -100, 0, 6, 2, -100], { dtype: 'int32' });
    const gradLoss = randn([6]);
    await expectSameAsCpu((x, t) => crossEntropyLoss(x, t), [logits, target], { rtol: 1e-4, atol: 1e-5 });
    // a strided view and huge logits, read in place
    const huge = tensor(
      [
        [1e4, -1e4, 0],
        [0, 1e4, 1e4],
      ],
      { dtype: 'float32' },
    );
    await expectSameAsCpu(
      (x, t) => crossEntropyLoss(x.t().contiguous().t(), t),
      [huge, tensor([0, 2], { dtype: 'int32' })],
    );
    const grads: number[][] = [];
    for (const device of ['cpu', 'gpu']) {
      const x = logits.detach().to(device).requiresGrad_();
      crossEntropyLoss(x, target.to(device)).mul(gradLoss.to(device)).sum().backward();
      expect(x.grad?.device).toBe(device);
      grads.push(await values(x.grad!));
    }
    grads[0]!.forEach((want, j) => {
      expect(Math.abs(grads[1]![j]! - want), `gradient element ${j}`).toBeLessThanOrEqual(
        1e-5 + 1e-4 * Math.abs(want),
      );
    });
  });
});
