import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { add, cpuPoolInfo, mul, Tensor, tensor } from '../src';

// Float32 tensors of 64 KiB and up live in the SIMD kernels' WebAssembly memory, where the kernels compute
// on them without copies; a block is reused after dispose() or once its array is garbage collected, and
// never while a view of it that outlived its tensor can still be read.

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
/** Collects garbage and lets the finalizers run (they run in a later task). */
async function collect(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

// Not a multiple of the kernels' padding, so the last iteration's lanes run past the end.
const N = 32768 + 5;
const ramp = (scale = 1) => tensor(Float32Array.from({ length: N }, (_, i) => i * scale));
const used = () => cpuPoolInfo().residentBytes;

describe('resident float32 memory', () => {
  it('holds large float32 tensors and gives their memory back on dispose()', () => {
    const [a, b] = [ramp(), ramp()];
    const before = used();
    const x = add(a, b);
    expect(used()).toBeGreaterThan(before + 4 * N);
    x.dispose();
    expect(used()).toBe(before);
    tensor(new Float32Array(100));
    expect(used()).toBe(before);
  });

  it('gives back the memory of a tensor the garbage collector took', async () => {
    let x: Tensor | undefined = add(ramp(), ramp());
    const holding = used();
    expect(x.dataSync()[1]).toBe(2);
    x = undefined;
    await collect();
    expect(used()).toBeLessThan(holding);
  });

  it('keeps memory that a surviving view reads: a second storage over part of it', async () => {
    let x: Tensor | undefined = add(ramp(), ramp());
    const tail = Tensor.fromArray((x.storage.data as Float32Array).subarray(N - 10), [10]);
    x = undefined;
    await collect();
    const others = Array.from({ length: 8 }, () => add(ramp(3), ramp(4)));
    expect(Array.from(tail.dataSync())).toEqual(Array.from({ length: 10 }, (_, i) => 2 * (N - 10 + i)));
    expect(others[7]!.dataSync()[1]).toBe(7);
  });

  it("leaves the next tensor's values alone when a kernel's padding lanes run past an output", () => {
    const a = ramp();
    const out = a.mul(2);
    const neighbour = ramp(-1);
    a.mul(1e-6).exp().dispose();
    add(a, a).dispose();
    const again = mul(a, 3);
    expect(neighbour.dataSync()[0]).toBe(-0);
    expect(neighbour.dataSync()[N - 1]).toBe(-(N - 1));
    expect(out.dataSync()[N - 1]).toBe(2 * (N - 1));
    expect(again.dataSync()[N - 1]).toBe(3 * (N - 1));
  });

  it('reads inputs at their offsets (views into the middle of a block)', () => {
    const x = ramp();
    const [a, b] = [x.narrow(0, 3, N - 10), x.narrow(0, 7, N - 10)];
    const sum = a.add(b).dataSync();
    expect(sum[0]).toBe(10);
    expect(sum[N - 11]).toBe(2 * (N - 11) + 10);
  });

  it('computes exp over the whole float32 range in place and out of place, however the large values fall', () => {
    const values = Float32Array.from({ length: N }, (_, i) => ((i * 7919) % 200) - 100 + (i % 3) / 4);
    values[16383] = 120;
    values[N - 1] = -150;
    const expected = values.map((v) => Math.fround(Math.exp(v)));
    const close = (got: ArrayLike<number>) =>
      Array.prototype.every.call(
        got,
        // within 2 ulp (of a normal float32, or of a subnormal: 2^-149)
        (v, i) =>
          v === expected[i] ||
          Math.abs(v - expected[i]!) <= 2 * Math.max(Math.abs(expected[i]!) * 2 ** -23, 2 ** -149),
      );
    expect(close(tensor(values).exp().dataSync())).toBe(true);
    const inPlace = tensor(values);
    inPlace.exp_();
    expect(close(inPlace.dataSync())).toBe(true);
  });
});
