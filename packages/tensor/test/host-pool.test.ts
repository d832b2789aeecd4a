import { describe, expect, it } from 'vitest';
import { add, cpuPoolInfo, DeviceError, emptyCpuCache, Tensor, tensor, zeros } from '../src';

// 32 768 float64 = 256 KiB: above the pool's 64 KiB floor. (Float32 arrays may live in the SIMD kernels'
// memory instead, which follows the same rules: resident-arena.test.ts.)
const N = 32768;
const ramp = (scale = 1) =>
  Tensor.fromArray(
    Float64Array.from({ length: N }, (_, i) => i * scale),
    [N],
  );
const bufferOf = (t: Tensor) => (t.storage.data as Float64Array).buffer;

describe('CPU memory pool', () => {
  it("gives a disposed output's memory to the next output of its size, with the right values", () => {
    const [a, b] = [ramp(), ramp(2)];
    const first = add(a, b);
    const memory = bufferOf(first);
    const before = cpuPoolInfo().reuses;
    first.dispose();
    const second = add(a, a);
    expect(bufferOf(second)).toBe(memory);
    expect(cpuPoolInfo().reuses).toBe(before + 1);
    expect(Array.from(second.dataSync().subarray(0, 4))).toEqual([0, 2, 4, 6]);
  });

  it('zero-fills reused memory for outputs that must start at zero', () => {
    const x = ramp().exp();
    const memory = bufferOf(x);
    x.dispose();
    const z = zeros([N], { dtype: 'float64' });
    expect(bufferOf(z)).toBe(memory);
    expect(z.dataSync().every((v) => v === 0)).toBe(true);
  });

  it('never reuses memory that was read out: the array from dataSync() keeps its values', () => {
    const [a, b] = [ramp(), ramp(2)];
    const c = add(a, b);
    const values = c.dataSync();
    c.dispose();
    const d = add(a, a);
    expect(bufferOf(d)).not.toBe(values.buffer);
    expect(values[1]).toBe(3);
  });

  it("never reuses the caller's own array wrapped by fromArray", () => {
    const own = Float64Array.from({ length: N }, () => 7);
    Tensor.fromArray(own, [N]).dispose();
    const d = add(ramp(), ramp());
    expect(bufferOf(d)).not.toBe(own.buffer);
    expect(own[0]).toBe(7);
  });

  it('never reuses memory that a second storage wraps (a kernel returning a subarray view)', () => {
    const x = add(ramp(), ramp());
    const alias = Tensor.fromArray((x.storage.data as Float64Array).subarray(0, N / 2), [N / 2]);
    x.dispose();
    const d = add(ramp(), ramp());
    expect(bufferOf(d)).not.toBe(bufferOf(alias));
  });

  it('rejects a disposed tensor (and its views) with an error naming the op and the fix', () => {
    const x = add(ramp(), ramp());
    const view = x.narrow(0, 0, 10);
    x.dispose();
    expect(() => x.add(1)).toThrow(DeviceError);
    expect(() => view.sum()).toThrow(/sum: a cpu tensor was used after dispose\(\) released its memory/);
    expect(() => x.dataSync()).toThrow(/dispose\(\)/);
    x.dispose(); // twice is harmless
  });

  it('recycles the carrier of an in-place result', () => {
    const x = ramp();
    const before = cpuPoolInfo();
    x.add_(ramp());
    x.add_(ramp());
    expect(cpuPoolInfo().reuses).toBeGreaterThan(before.reuses);
    expect(x.dataSync()[3]).toBe(9);
  });

  it('emptyCpuCache drops idle memory', () => {
    add(ramp(), ramp()).dispose();
    expect(cpuPoolInfo().idleBytes).toBeGreaterThan(0);
    emptyCpuCache();
    expect(cpuPoolInfo().idleBytes).toBe(0);
  });

  it('keeps small tensors out of the pool', () => {
    const small = tensor([1, 2, 3]);
    small.dispose();
    expect(() => small.add(1)).toThrow(DeviceError);
    expect(cpuPoolInfo().idleBytes % (N * 4)).toBe(0);
  });
});
