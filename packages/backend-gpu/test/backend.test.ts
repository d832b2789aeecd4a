import '@nn/autograd';
import { coverage, manualSeed, oneHot, randn, type Tensor, tensor } from '@nn/tensor';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { gpuBackendInfo, registerGpuBackend, synchronizeGpu, unregisterGpuBackend } from '../src';
import { expectSameAsCpu, values } from './support/compare';
import { DAWN_BACKEND, TEST_MODES } from './support/modes';

let fallbackWarned = false;

/**
 * Ops without a device kernel (CPU fallbacks) give the CPU's results: on device results and feeding
 * device kernels, on strided views, in place, with int32 results exact beyond float32, and with gradients.
 */
async function expectCpuFallbacks(): Promise<void> {
  manualSeed(5);
  const a = randn([4, 6]);
  await expectSameAsCpu((x) => x.cumsum(1), [a]);
  await expectSameAsCpu((x) => x.exp().cumsum(0).mul(2).cumprod(1), [a]);
  await expectSameAsCpu((x) => x.t().sort(0, { descending: true }).values, [a]);
  await expectSameAsCpu((x) => x.narrow(1, 1, 4).sort(1).indices, [a]);
  await expectSameAsCpu((x) => x.topk(2, 1).values.add(1), [a]);
  await expectSameAsCpu((x) => x.flip(0).relu(), [a]);
  await expectSameAsCpu((x, i, s) => x.mul(1).indexAdd_(0, i, s), [a, tensor([3, 0]), randn([2, 6])]);
  // on a device-computed input (no host copy), an int32 result beyond 2^24 reads back exactly
  await expectSameAsCpu(
    (x) => x.mul(1).cumsum(0, { dtype: 'int32' }),
    [tensor([8_388_609, 8_388_609, 1], { dtype: 'float32' })],
  );
  const w = randn([3, 5]);
  const scale = randn([5]);
  const grads: number[][] = [];
  for (const device of ['cpu', 'gpu']) {
    const leaf = w.detach().to(device).requiresGrad_();
    const s = scale.to(device);
    leaf.cumsum(1).mul(s).sum().add(leaf.mul(2).sort(1).values.mul(s).sum()).backward();
    expect(leaf.grad?.device).toBe(device);
    grads.push(await values(leaf.grad!));
  }
  grads[1]!.forEach((g, i) => {
    expect(Math.abs(g - grads[0]![i]!), `grad ${i}`).toBeLessThanOrEqual(1e-5);
  });
}

/**
 * Under the async contract a fallback's result is pending: an output shape that depends on device values
 * cannot be known at once (an error then), and an error the CPU kernel finds later rejects every read of
 * the result and of what was computed from it.
 */
async function expectAsyncFallbackErrors(): Promise<void> {
  const x = tensor([1, -2, 3]).to('gpu');
  expect(() => x.maskedSelect(x.gt(0))).toThrow(/maskedSelect: its output shape depends on input values/);
  // the class count comes from uploaded labels, whose exact values the host keeps
  const classes = oneHot(tensor([0, 2]).to('gpu'));
  expect(classes.shape).toEqual([2, 3]);
  expect(Array.from(await classes.data())).toEqual([1, 0, 0, 0, 0, 1]);
  expect(() => oneHot(tensor([0, 2]).to('gpu').add(0))).toThrow(/oneHot: its output shape depends/);
  const index = tensor([0, 7]).to('gpu').add(0);
  const picked = x.indexSelect(0, index);
  expect(picked.shape).toEqual([2]);
  await expect(picked.data()).rejects.toThrow(/index 7 is out of bounds/);
  await expect(picked.mul(2).data()).rejects.toThrow(/index 7 is out of bounds/);
  expect(Array.from(await x.neg().data())).toEqual([-1, 2, -3]);
}

describe.each(TEST_MODES)("the 'gpu' backend on %s", (mode) => {
  beforeAll(async () => {
    const info = await registerGpuBackend({ mode, dawnBackend: DAWN_BACKEND });
    expect(info.mode).toBe(mode);
    expect(info.contract).toBe(mode === 'webgpu' ? 'async' : 'sync');
    if (mode === 'webgpu') expect(info.adapter).toBeTruthy();
    else expect(info.adapter).toBeNull();
  });

  afterAll(async () => {
    await unregisterGpuBackend();
  });

  const sync = mode !== 'webgpu';

  it('moves tensors of every dtype to the device and back', async () => {
    const cases: Tensor[] = [
      tensor([1.5, -2.25, 3]),
      tensor([1, -2, 16_777_217], { dtype: 'int32' }),
      tensor([true, false, true]),
      tensor([0.5, 0.1], { dtype: 'float64' }),
      tensor([]),
      tensor(7),
    ];
    for (const x of cases) {
      const y = x.to('gpu');
      expect(y.device).toBe('gpu');
      expect(y.dtype).toBe(x.dtype);
      expect(y.shape).toEqual(x.shape);
      const read = await y.data();
      expect(read.constructor).toBe(x.dataSync().constructor);
      // exact, even for int32 beyond 2^24 and float64: uploads keep their host values until written
      expect(Array.from(read)).toEqual(Array.from(x.dataSync()));
      if (sync) expect(Array.from(y.dataSync())).toEqual(Array.from(read));
      else expect(() => y.dataSync()).toThrow(/asynchronously only; use await tensor.data\(\)/);
    }
  });

  it('computes elementwise ops with broadcasting and strided operands like the CPU', async () => {
    manualSeed(1);
    const a = randn([3, 4]);
    const b = randn([4]);
    const c = randn([3, 1]);
    const t = randn([4, 3]);
    const unary = [
      'neg',
      'abs',
      'exp',
      'tanh',
      'sigmoid',
      'relu',
      'square',
      'floor',
      'round',
      'sin',
    ] as const;
    for (const op of unary) await expectSameAsCpu((x) => x[op](), [a]);
    await expectSameAsCpu((x) => x.abs().log(), [a]);
    await expectSameAsCpu((x) => x.abs().sqrt(), [t.t()]);
    await expectSameAsCpu((x, y) => x.add(y, { alpha: 2 }), [a, b]);
    await expectSameAsCpu((x, y) => x.sub(y), [a, c]);
    await expectSameAsCpu((x, y) => x.mul(y), [a, t.t()]);
    await expectSameAsCpu((x, y) => x.div(y), [a, c]);
    await expectSameAsCpu((x, y) => x.maximum(y), [a, b]);
    await expectSameAsCpu((x, y) => x.gt(y), [a, b]);
    await expectSameAsCpu((x) => x.pow(3), [a]);
    await expectSameAsCpu((x) => x.pow(2.5), [a.abs()]);
    await expectSameAsCpu((x, y) => x.remainder(y), [a.mul(5), c.abs().add(0.5)]);
    await expectSameAsCpu((x) => x.clamp(-0.5, 0.5), [a]);
    await expectSameAsCpu((x, y, z) => x.addcmul(y, z, { value: 0.5 }), [a, b, c]);
    await expectSameAsCpu((x, y, z) => x.gt(0).float().lerp(y, z.sigmoid()), [a, b, c]);
    await expectSameAsCpu((x, y, z) => y.where(x.gt(0), z), [a, b, c]);
    await expectSameAsCpu((x) => x.mul(3).int().add(x.gt(0).int()), [a]);
    await expectSameAsCpu((x) => x.int().div(2, { roundingMode: 'floor' }), [a.mul(9)]);
    // int32 stays exact up to 2^24: odd values past 2^23 are not rounded up to the next even one
    const big = tensor([8_388_609, 16_777_215, -8_388_609, 5], { dtype: 'int32' });
    await expectSameAsCpu((x) => x.add(0), [big]);
    await expectSameAsCpu((x, y) => x.mul(y).sub(1), [big, tensor([1, 1, 1, 3], { dtype: 'int32' })]);
  });

  it('clones, casts and writes into views (copy_) on the device', async () => {
    manualSeed(2);
    const a = randn([4, 5]);
    await expectSameAsCpu((x) => x.t().clone(), [a]);
    await expectSameAsCpu((x) => x.mul(4).to('int32'), [a]);
    await expectSameAsCpu((x) => x.to('bool'), [a.gt(0).float()]);
    await expectSameAsCpu(
      (x, y) => {
        const out = x.clone();
        out.slice(1, 1, 5, 2).copy_(y);
        out.select(0, 2).fill_(7);
        out.diagonal().mul_(-1);
        return out;
      },
      [a, randn([4, 2])],
    );
    await expectSameAsCpu(
      (x) => {
        const out = x.clone();
        out.add_(1).relu_();
        out.t().narrow(0, 1, 2).zero_();
        return out;
      },
      [a],
    );
  });

  it('multiplies matrices: 2-D, transposed, batched and batch-broadcast', async () => {
    manualSeed(3);
    const a = randn([7, 5]);
    const b = randn([5, 9]);
    await expectSameAsCpu((x, y) => x.matmul(y), [a, b]);
    await expectSameAsCpu((x, y) => x.t().matmul(y.t()), [randn([5, 7]), randn([9, 5])]);
    await expectSameAsCpu((x, y) => x.matmul(y), [randn([3, 4, 6]), randn([3, 6, 2])]);
    await expectSameAsCpu((x, y) => x.matmul(y), [randn([3, 4, 6]), randn([6, 2])]);
    await expectSameAsCpu((x, y) => x.matmul(y), [randn([2, 1, 4, 6]), randn([3, 6, 5])]);
    await expectSameAsCpu((x, y) => x.matmul(y), [randn([33, 130]), randn([130, 17])], {
      rtol: 1e-4,
      atol: 1e-5,
    });
    await expectSameAsCpu((x, y) => x.matmul(y), [randn([3]), randn([3, 2])]);
  });

  it('reduces over dims and computes softmax / logSoftmax', async () => {
    manualSeed(4);
    const x = randn([3, 4, 5]);
    await expectSameAsCpu((t) => t.sum(), [x]);
    await expectSameAsCpu((t) => t.sum(1), [x]);
    await expectSameAsCpu((t) => t.sum([0, 2], { keepdim: true }), [x]);
    await expectSameAsCpu((t) => t.permute(2, 0, 1).sum([0, 2]), [x]);
    await expectSameAsCpu((t) => t.mean(-1), [x]);
    await expectSameAsCpu((t) => t.amax(1), [x]);
    await expectSameAsCpu((t) => t.amin([0, 1]), [x]);
    await expectSameAsCpu((t) => t.gt(0).sum(2), [x]);
    await expectSameAsCpu((t) => t.softmax(-1), [x.mul(10)]);
    await expectSameAsCpu((t) => t.logSoftmax(1), [x.mul(10)]);
    await expectSameAsCpu((t) => t.transpose(0, 2).softmax(0), [x]);
    await expectSameAsCpu((t) => t.sum(0), [tensor([]).reshape(0, 3)]);
  });

  it('runs ops without a device kernel on the CPU like the CPU, warning once, gradients included', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await expectCpuFallbacks();
    // the dispatcher warns once per (op, device) and process: on the first mode tested
    const warnings = warn.mock.calls.filter(([m]) => String(m).includes("'cumsum' has no kernel on 'gpu'"));
    expect(warnings).toHaveLength(fallbackWarned ? 0 : 1);
    fallbackWarned = true;
    warn.mockRestore();
  });

  it(`${sync ? 'selects by a device-computed mask' : 'refuses output shapes that depend on device values'}, and reports CPU errors on read`, async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    if (sync) await expectSameAsCpu((x) => x.maskedSelect(x.gt(0)), [tensor([1, -2, 3])]);
    else await expectAsyncFallbackErrors();
    warn.mockRestore();
  });

  it('reports live and peak device bytes', async () => {
    await synchronizeGpu();
    const start = gpuBackendInfo()!;
    const a = randn([1000]).to('gpu');
    const b = a.mul(2);
    await synchronizeGpu();
    expect(gpuBackendInfo()!.liveBytes - start.liveBytes).toBe(8000);
    a.dispose();
    b.dispose();
    await synchronizeGpu();
    const end = gpuBackendInfo()!;
    expect(end.liveBytes).toBe(start.liveBytes);
    expect(end.peakBytes).toBeGreaterThanOrEqual(start.liveBytes + 8000);
  });

  it('reports its mode and native kernels in coverage()', () => {
    expect(gpuBackendInfo()?.mode).toBe(mode);
    const table = coverage();
    for (const name of ['add', 'matmul', 'sum', 'softmax', 'copy_', 'clone', 'cast']) {
      expect(table[name]?.gpu, name).toBe('native');
    }
    expect(table.cumsum?.gpu).toBe('cpu-fallback');
  });
});

describe('CPU fallbacks under the async contract on threaded webasm', () => {
  beforeAll(async () => {
    const info = await registerGpuBackend({ mode: 'webasm', threads: true });
    expect(info.contract).toBe('async');
  });

  afterAll(async () => {
    await unregisterGpuBackend();
  });

  it('computes ops without a device kernel like the CPU, gradients included', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await expectCpuFallbacks();
    await expectAsyncFallbackErrors();
    warn.mockRestore();
  });
});

describe('registration', () => {
  it('has no import side effects and unregisters cleanly', async () => {
    expect(gpuBackendInfo()).toBeUndefined();
    expect(() => tensor([1]).to('gpu')).toThrow(/registerGpuBackend/);
    const info = await registerGpuBackend({ mode: 'cpu' });
    expect(info).toMatchObject({ requestedMode: 'cpu', mode: 'cpu', contract: 'sync', adapter: null });
    await unregisterGpuBackend();
    expect(gpuBackendInfo()).toBeUndefined();
    expect(() => tensor([1]).to('gpu')).toThrow(/registerGpuBackend/);
  });

  it('refuses an unknown option by name instead of ignoring it', async () => {
    await expect(registerGpuBackend({ mode: 'cpu', pool_bytes: 1024 } as never)).rejects.toThrow(
      "registerGpuBackend: unknown option 'pool_bytes'; did you mean 'poolBytes'?",
    );
    expect(gpuBackendInfo()).toBeUndefined();
  });
});
