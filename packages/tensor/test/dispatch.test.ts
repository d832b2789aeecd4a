import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  type Backend,
  coverage,
  registerBackend,
  registerKernel,
  runKernel,
  Storage,
  Tensor,
  type TypedArray,
  tensor,
  unregisterBackend,
} from '../src';

/** A device whose memory is a boxed copy of the values, so host reads must go through the backend. */
interface Boxed {
  values: TypedArray;
}
const reads = { sync: 0 };
const mockBackend: Backend = {
  name: 'mock',
  fromHost: (values) => ({ values: values.slice() }) satisfies Boxed,
  allocate: (dtype, size) => ({ values: new (dtype === 'float64' ? Float64Array : Float32Array)(size) }),
  read: async (storage: Storage) => (storage.data as Boxed).values.slice(),
  readSync: (storage: Storage) => {
    reads.sync++;
    return (storage.data as Boxed).values.slice();
  },
};
registerBackend(mockBackend);
// A native kernel on the mock device: negation computed on its boxed memory.
registerKernel('neg', 'mock', ([x]) => {
  const src = (x!.contiguous().storage.data as Boxed).values;
  const out = { values: src.map((v) => -v) };
  return new Tensor(new Storage('mock', x!.dtype, src.length, out), x!.shape);
});

afterAll(() => unregisterBackend('mock'));

describe('dispatcher', () => {
  it('runs a device kernel natively and keeps the result on the device', () => {
    const x = tensor([1, -2, 3]).float().to('mock');
    const y = x.neg();
    expect(y.device).toBe('mock');
    expect(y.tolist()).toEqual([-1, 2, -3]);
  });

  it('falls back to the CPU with one warning per op and device, moving the result back', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const x = tensor([1, 4, 9]).float().to('mock');
    const y = x.sqrt();
    const z = x.sqrt();
    expect(y.device).toBe('mock');
    expect(z.tolist()).toEqual([1, 2, 3]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toContain("'sqrt' has no kernel on 'mock'");
    warn.mockRestore();
  });

  it('device-independent view kernels run on any device without reading it', () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ])
      .float()
      .to('mock');
    reads.sync = 0;
    const v = x.t().unsqueeze(0);
    expect(reads.sync).toBe(0);
    expect(v.device).toBe('mock');
    expect(v.shape).toEqual([1, 2, 2]);
  });

  it('refuses tensors on different devices with the fix in the message', () => {
    const a = tensor([1]).float().to('mock');
    expect(() => a.add(tensor([1]).float())).toThrow(
      "add: expected all tensors to be on the same device, but found at least two devices, mock and cpu. Move them with .to('mock') first.",
    );
  });

  it('says how to get a missing device', () => {
    expect(() => tensor([1]).to('gpu')).toThrow("no backend registered for device 'gpu'");
    expect(() => tensor([1]).to('gpu')).toThrow("registerGpuBackend() from '@nn/backend-gpu'");
  });

  it('coverage() lists every kernel per device', () => {
    const table = coverage();
    expect(table.neg).toEqual({ cpu: 'native', mock: 'native' });
    expect(table.sqrt).toEqual({ cpu: 'native', mock: 'cpu-fallback' });
    expect(table.view).toEqual({ cpu: 'any', mock: 'any' });
    // Every op of the table runs on the CPU, except the fused optimizer steps, whose kernels @nn/optim brings.
    for (const [op, row] of Object.entries(table)) {
      if (!op.endsWith('Step')) expect([op, row.cpu]).not.toEqual([op, 'missing']);
    }
  });

  it('unknown kernels fail clearly', () => {
    expect(() => runKernel('noSuchKernel', [tensor([1])])).toThrow(
      "noSuchKernel: no kernel 'noSuchKernel' is registered for device 'cpu' or the CPU",
    );
  });

  it('backward without @nn/autograd tells the user what to import', () => {
    expect(() => tensor([1.5]).backward()).toThrow("import '@nn/autograd'");
  });

  it('reads out asynchronously on every device', async () => {
    const x = tensor([1.5, 2.5]).to('mock');
    expect(Array.from(await x.data())).toEqual([1.5, 2.5]);
    expect(x.sub(0.5).tolist()).toEqual([1, 2]);
  });
});
