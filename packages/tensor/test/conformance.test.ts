import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  allocate,
  type Backend,
  coverage,
  type KernelFn,
  registerBackend,
  registerKernel,
  Storage,
  Tensor,
  type TensorKernelFn,
  type TypedArray,
  transfer,
  unregisterBackend,
} from '../src';
import { addDispatchObserver, lookupOp, registry } from '../src/kernel/registry';
import { type ConformanceCase, checkConformance, conformanceCases, conformanceKernels } from '../src/testing';

const cases = conformanceCases();
const byName = (name: string): ConformanceCase => cases.find((c) => c.name === name)!;

describe('the CPU backend passes the conformance suite', () => {
  // Wraps every registered kernel to record which ones each case really dispatches.
  const invoked = new Set<string>();
  const restore: (() => void)[] = [];
  // Every dispatched op's outputs are compared with what the op table's meta function predicts.
  const metaChecked = new Set<string>();
  const metaMismatches: string[] = [];
  beforeAll(() => {
    restore.push(
      addDispatchObserver({
        exit: ({ op, inputs, attrs, outputs }) => {
          const predicted = lookupOp(op)?.meta(inputs, attrs as never);
          if (predicted === undefined) return;
          const got = outputs.map((t) => `${t.dtype}[${t.shape}]`).join(' ');
          const want = predicted.map((t) => `${t.dtype}[${t.shape}]`).join(' ');
          if (got !== want) metaMismatches.push(`${op}: meta ${want}, kernel ${got}`);
          metaChecked.add(op);
        },
      }),
    );
    for (const [name, byBackend] of registry().kernels) {
      for (const entry of byBackend.values()) {
        const fn = entry.fn as KernelFn;
        entry.fn = ((inputs, attrs, backend) => {
          invoked.add(name);
          return fn(inputs, attrs, backend);
        }) as KernelFn<never>;
        restore.push(() => {
          entry.fn = fn as KernelFn<never>;
        });
      }
    }
  });
  afterAll(() => {
    for (const undo of restore) undo();
  });

  for (const c of cases) {
    it(c.name, async () => {
      invoked.clear();
      await checkConformance(c, 'cpu');
      expect(
        c.kernels.filter((k) => !invoked.has(k)),
        'kernels the case claims but never ran',
      ).toEqual([]);
    });
  }

  it("gives every op's output shapes and dtypes from the op table's meta function, without running it", () => {
    expect([...new Set(metaMismatches)]).toEqual([]);
    // Ops whose output shape depends on the data have no meta, and copy_ runs inside the dispatcher's
    // in-place writes (never dispatched itself); every other op the suite ran was checked.
    const unchecked = ['maskedSelect', 'oneHot', 'copy_', 'unique', 'nonzero', 'bincount'];
    expect(conformanceKernels().filter((k) => !metaChecked.has(k) && !unchecked.includes(k))).toEqual([]);
  });
});

describe('the suite itself', () => {
  it('has unique case names', () => {
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it('exercises every kernel registered on the CPU, and names only registered kernels', () => {
    const table = coverage();
    const onCpu = Object.keys(table).filter((k) => table[k]!.cpu !== 'missing');
    const tested = conformanceKernels();
    expect(
      onCpu.filter((k) => !tested.includes(k)),
      'kernels without a conformance case',
    ).toEqual([]);
    expect(
      tested.filter((k) => !(k in table)),
      'cases naming unregistered kernels',
    ).toEqual([]);
  });
});

// A second device whose memory is host typed arrays. Kernels it lacks run on the CPU with transfers;
// the tests plant broken kernels on it and check that the suite catches each kind of bug.
const PROBE = 'conformance-probe';
const probe: Backend = {
  name: PROBE,
  fromHost: (values: TypedArray) => values.slice(),
  allocate,
  read: async (storage: Storage) => storage.data as TypedArray,
  readSync: (storage: Storage) => storage.data as TypedArray,
};

/** The same memory and layout seen as a CPU tensor (no read through the backend). */
const asCpu = (x: Tensor) =>
  new Tensor(new Storage('cpu', x.dtype, x.storage.size, x.storage.data), x.shape, x.strides, x.offset);

/** A contiguous CPU result moved onto the probe without a transfer. */
const onProbe = (y: Tensor) =>
  new Tensor(new Storage(PROBE, y.dtype, y.numel(), y.contiguous().dataSync()), y.shape);

/** A probe kernel computing `f` with the CPU's kernels on the probe's memory (reads nothing through the backend). */
const native =
  (f: (inputs: Tensor[]) => Tensor): TensorKernelFn =>
  (inputs) =>
    onProbe(f(inputs.map(asCpu)));

/** Applies `f` to the first `numel` storage elements from offset 0: right only for contiguous inputs. */
function ignoringStrides(f: (v: number) => number): TensorKernelFn {
  return ([x]) => {
    const data = x!.storage.data as TypedArray;
    const out = allocate(x!.dtype, x!.numel());
    for (let i = 0; i < out.length; i++) out[i] = f(data[i]!);
    return new Tensor(new Storage(PROBE, x!.dtype, out.length, out), x!.shape);
  };
}

describe('checkConformance on another device', () => {
  beforeAll(() => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    registerBackend(probe);
    // transfer() clones non-contiguous tensors on their device first, so the probe needs its own clone.
    registerKernel(
      'clone',
      PROBE,
      native(([x]) => x!.clone()),
    );
    registerKernel('neg', PROBE, ([x]) => x!);
    registerKernel('abs', PROBE, ignoringStrides(Math.abs));
    registerKernel('sign', PROBE, ([x]) => transfer(transfer(x!, 'cpu').sign(), PROBE));
    registerKernel('relu', PROBE, ([x]) => asCpu(x!).relu_() && x!);
  });
  afterAll(() => {
    unregisterBackend(PROBE);
    vi.restoreAllMocks();
  });

  it('passes cases whose kernels fall back to the CPU, and device-independent views', async () => {
    for (const name of [
      'add/broadcast',
      'sum/dims=[0,2]',
      'max/dim=2',
      'scatter_/dim=0',
      'toDevice/round-trip-through-cpu',
      'chained-views',
    ]) {
      await checkConformance(byName(name), PROBE);
    }
  });

  it('reports wrong values with the case, layout, device and first differing elements', async () => {
    await expect(checkConformance(byName('neg/float32'), PROBE)).rejects.toThrow(
      /neg\/float32 \[contiguous inputs\] on 'conformance-probe' output 0: 24\/24 float32 values differ .*\[0\] got/,
    );
  });

  it('catches a kernel that ignores strides on the transposed layout', async () => {
    await expect(checkConformance(byName('abs/float32'), PROBE)).rejects.toThrow(
      "abs/float32 [transposed inputs] on 'conformance-probe' output 0",
    );
  });

  it('catches a native kernel that reads device memory on the host', async () => {
    await expect(checkConformance(byName('sign/float32'), PROBE)).rejects.toThrow(
      'the op read device memory on the host 1 time(s)',
    );
  });

  it('catches a kernel that overwrites its input, and a view that copies', async () => {
    await expect(checkConformance(byName('relu/float32'), PROBE)).rejects.toThrow(
      "relu/float32 [contiguous inputs] on 'conformance-probe' input 0 (must not change)",
    );
    // A copying permute still gives the right values, so later cases on the probe are unaffected.
    registerKernel<{ dims: number[] }>('permute', PROBE, ([x], { dims }) => onProbe(asCpu(x!).permute(dims)));
    await expect(checkConformance(byName('t'), PROBE)).rejects.toThrow('a view must share its input storage');
  });

  it('accepts a looser float tolerance from the caller', async () => {
    registerKernel(
      'exp',
      PROBE,
      native(([x]) => x!.exp().mul(1 + 1e-4)),
    );
    await expect(checkConformance(byName('exp/float32'), PROBE)).rejects.toThrow('values differ');
    await checkConformance(byName('exp/float32'), PROBE, { rtol: 1e-3 });
  });
});
