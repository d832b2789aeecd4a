import '@nn/autograd';
import { DeviceError, getBackend, registerBackend, tensor, unregisterBackend, ValueError } from '@nn/tensor';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { gpuBackendInfo, gpuDevices, registerGpuBackend, synchronizeGpu, unregisterGpuBackend } from '../src';
import { expectSameLosses, values } from './support/compare';
import { trainInterleaved } from './support/interleaved-training';
import { DAWN_BACKEND, TEST_MODES } from './support/modes';

// Several gpu devices registered at once, one per mode under test (at least two: one mode twice when
// only one is listed), named the PyTorch way: 'gpu:0', 'gpu:1', ...
const MODES = TEST_MODES.length >= 2 ? TEST_MODES : [TEST_MODES[0]!, TEST_MODES[0]!];
const DEVICES = MODES.map((mode, i) => ({ mode, name: `gpu:${i}` }));
/** The devices values can leave synchronously (every mode but webgpu). */
const SYNC = DEVICES.filter(({ mode }) => mode !== 'webgpu');

describe(`several gpu devices at once (${DEVICES.map(({ name, mode }) => `${name}: ${mode}`).join(', ')})`, () => {
  beforeAll(async () => {
    for (const { mode, name } of DEVICES) {
      const info = await registerGpuBackend({ mode, device: name, dawnBackend: DAWN_BACKEND });
      expect(info).toMatchObject({ device: name, mode });
    }
  });

  afterAll(async () => {
    for (const { name } of DEVICES) await unregisterGpuBackend(name);
  });

  it('registers each device under its own name with its own runtime', () => {
    expect(gpuDevices()).toEqual(DEVICES.map(({ name }) => name));
    for (const { mode, name } of DEVICES) {
      expect(gpuBackendInfo(name)).toMatchObject({ device: name, mode });
    }
    // the default name stays free: nothing was registered under 'gpu'
    expect(gpuBackendInfo()).toBeUndefined();
  });

  it('trains the same MLP on every device to the same losses as the CPU, steps interleaved', async () => {
    const steps = 15;
    const [cpu, ...gpus] = await trainInterleaved(['cpu', ...DEVICES.map(({ name }) => name)], steps);
    expect(cpu![steps - 1]!).toBeLessThan(cpu![0]! * 0.9);
    gpus.forEach((losses, d) => {
      expectSameLosses(DEVICES[d]!.name, losses, cpu!);
    });
  });

  it("keeps each device's tensors on it: kernel results carry its name", async () => {
    for (const { name } of DEVICES) {
      const a = tensor([1, 2, 3]).to(name);
      const out = a.mul(2).add(a).sum();
      expect(out.device).toBe(name);
      expect(await values(out)).toEqual([18]);
    }
  });

  it('moves tensors between devices through the CPU', async () => {
    // a strided view, gathered on the way; reads leave a device synchronously only on sync modes, so the
    // chain visits those first and ends in each async one
    let moved = tensor([
      [1.5, -2],
      [3, 4.25],
    ]).t();
    for (const { name } of SYNC) {
      moved = moved.to(name);
      expect(moved.device).toBe(name);
    }
    for (const { name } of DEVICES.filter((d) => !SYNC.includes(d))) {
      const last = moved.to(name);
      expect(last.device).toBe(name);
      expect(await values(last)).toEqual([1.5, 3, -2, 4.25]);
    }
    expect(await values(moved)).toEqual([1.5, 3, -2, 4.25]);
  });

  it('refuses an op over tensors on two gpu devices, naming both', () => {
    const a = tensor([1, 2]).to(DEVICES[0]!.name);
    const b = tensor([3, 4]).to(DEVICES[1]!.name);
    expect(() => a.add(b)).toThrow(DeviceError);
    expect(() => a.add(b)).toThrow(`${DEVICES[0]!.name} and ${DEVICES[1]!.name}`);
  });

  it('runs a CPU fallback per device, returning the result on that device', async () => {
    // cumsum has no device kernel: the dispatcher warns once per op and device
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      for (const { name } of DEVICES) {
        const out = tensor([1, 2, 3]).to(name).mul(2).cumsum(0);
        expect(out.device).toBe(name);
        expect(await values(out)).toEqual([2, 6, 12]);
      }
      expect(warn.mock.calls.filter(([message]) => String(message).includes("'cumsum'"))).toHaveLength(
        DEVICES.length,
      );
    } finally {
      warn.mockRestore();
    }
  });

  it('synchronizes one device by name, or all', async () => {
    for (const { name } of DEVICES) tensor([1, 2]).to(name).exp();
    await expect(synchronizeGpu(DEVICES[0]!.name)).resolves.toBeUndefined();
    await expect(synchronizeGpu()).resolves.toBeUndefined();
    await expect(synchronizeGpu('gpu:absent')).rejects.toThrow(
      /no gpu device 'gpu:absent' is registered \(registered: gpu:0, gpu:1/,
    );
  });

  it('unregisters one device while the others keep working, and registers it again', async () => {
    const [first, second] = DEVICES as [(typeof DEVICES)[0], (typeof DEVICES)[0]];
    const stale = tensor([1, 2]).to(first.name);
    await unregisterGpuBackend(first.name);
    expect(gpuBackendInfo(first.name)).toBeUndefined();
    expect(gpuDevices()).not.toContain(first.name);
    expect(() => stale.add(1)).toThrow(`no backend registered for device '${first.name}'`);
    expect(() => tensor([1]).to(first.name)).toThrow(`registerGpuBackend({ device: '${first.name}' })`);
    expect(await values(tensor([1, 2]).to(second.name).add(1))).toEqual([2, 3]);

    await registerGpuBackend({ mode: first.mode, device: first.name, dawnBackend: DAWN_BACKEND });
    expect(await values(tensor([1, 2]).to(first.name).add(1))).toEqual([2, 3]);
  });
});

describe('a gpu device name taken over by another backend', () => {
  it("makes the device's kernels throw, naming the device and the fix", async () => {
    await registerGpuBackend({ mode: 'cpu', device: 'gpu:foreign' });
    await unregisterGpuBackend('gpu:foreign');
    // the kernels stay registered under the name; a backend from elsewhere now holds it
    registerBackend({ ...getBackend('cpu'), name: 'gpu:foreign' });
    try {
      const x = tensor([1, 2]).to('gpu:foreign');
      expect(() => x.mul(x)).toThrow(DeviceError);
      expect(() => x.mul(x)).toThrow(
        "mul: device 'gpu:foreign' has @nn/backend-gpu kernels but its backend was not registered by " +
          "registerGpuBackend(); call registerGpuBackend({ device: 'gpu:foreign' })",
      );
    } finally {
      unregisterBackend('gpu:foreign');
    }
  });
});

describe('registerGpuBackend device names', () => {
  it.each(['cpu', 'gpu0', 'gpu:', 'GPU:1', 'gpu:a b', ''])('refuses %j', async (name) => {
    await expect(registerGpuBackend({ mode: 'cpu', device: name })).rejects.toThrow(ValueError);
    await expect(registerGpuBackend({ mode: 'cpu', device: name })).rejects.toThrow(
      "registerGpuBackend: device must be 'gpu' or 'gpu:<label>'",
    );
  });

  it('checks the name in the per-device functions too', async () => {
    expect(() => gpuBackendInfo('cuda')).toThrow(ValueError);
    await expect(unregisterGpuBackend('cuda')).rejects.toThrow(ValueError);
    await expect(synchronizeGpu('cuda')).rejects.toThrow(ValueError);
  });
});
