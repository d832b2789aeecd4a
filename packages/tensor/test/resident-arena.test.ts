import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { add, cpuPoolInfo, Tensor, tensor } from '../src';

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
const isResident = (t: Tensor) =>
  (t.storage.data as Float32Array).buffer !== new Float32Array(1).buffer &&
  (t.storage.data as Float32Array).buffer.byteLength > 2 ** 24;

describe('resident float32 memory', () => {
  it('takes outputs only in sizes disposed of before, a few blocks at a time; copies of user data at once', () => {
    const a = ramp();
    expect(isResident(a)).toBe(true);
    const first = a.mul(2);
    expect(isResident(first)).toBe(false); // no array of this size was ever disposed
    first.dispose();
    const kept = Array.from({ length: 12 }, () => a.mul(2));
    expect(kept.map(isResident)).toEqual([...new Array(8).fill(true), ...new Array(4).fill(false)]);
    for (const t of kept) t.dispose();
    expect(isResident(a.mul(2))).toBe(true);
  });

  it('holds large float32 tensors and gives their memory back on dispose()', () => {
    const [a, b] = [ramp(), ramp()];
    const before = used();
    const x = add(a, b);
    expect(isResident(x)).toBe(true);
    expect(used()).toBeGreaterThan(before + 4 * N);
    x.dispose();
    expect(used()).toBe(before);
    tensor(new Float32Array(100));
    expect(used()).toBe(before);
  });

  it('gives back the memory of a tensor the garbage collector took', async () => {
    let x: Tensor | undefined = add(ramp(), ramp());
    expect(isResident(x)).toBe(true);
    const holding = used();
    expect(x.dataSync()[1]).toBe(2);
    x = undefined;
    await collect();
    expect(used()).toBeLessThan(holding);
  });

  it('keeps memory that a surviving view reads: a second storage over part of it', async () => {
    let x: Tensor | undefined = add(ramp(), ramp());
    expect(isResident(x)).toBe(true);
    const tail = Tensor.fromArray((x.storage.data as Float32Array).subarray(N - 10), [10]);
    x = undefined;
    await collect();
    const others = Array.from({ length: 8 }, () => add(ramp(3), ramp(4)));
    expect(Array.from(tail.dataSync())).toEqual(Array.from({ length: 10 }, (_, i) => 2 * (N - 10 + i)));
    expect(others[7]!.dataSync()[1]).toBe(7);
    for (const t of others) t.dispose();
  });

  it("leaves the next tensor's values alone when a kernel's padding lanes and flags run past an output", () => {
    // A size larger than the earlier tests' blocks, so these blocks come one after another from fresh memory.
    const M = 4 * N + 1;
    const a = tensor(Float32Array.from({ length: M }, (_, i) => i * 1e-5));
    a.exp().dispose(); // (outputs of this size may be resident from now on)
    const first = a.exp();
    const neighbour = tensor(Float32Array.from({ length: M }, (_, i) => -i)); // the block after first's
    first.dispose();
    const second = a.exp(); // in first's block again: exp's range flags land 16 bytes past its last lanes
    const third = a.mul(3);
    expect([second, neighbour, third].map(isResident)).toEqual([true, true, true]);
    expect(Array.from(neighbour.dataSync().subarray(0, 4))).toEqual([-0, -1, -2, -3]);
    expect(neighbour.dataSync()[M - 1]).toBe(-(M - 1));
    expect(second.dataSync()[M - 1]).toBeCloseTo(Math.exp((M - 1) * 1e-5), 5);
    expect(third.dataSync()[M - 1]).toBe(Math.fround(3 * Math.fround((M - 1) * 1e-5)));
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
