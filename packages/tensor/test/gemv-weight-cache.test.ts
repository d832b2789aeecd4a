import { describe, expect, it } from 'vitest';
import { empty, manualSeed, matmul, randn, Tensor, writeInto } from '../src';
import { isPrivateArray } from '../src/kernel/host-pool';

// A Linear weight the framework owns stays in the SIMD kernels' memory between batch-1 products
// (simd/weight-cache.ts). Every way its values can change must reach the next product: in-place ops bump
// the storage's version, and an array the caller handed in (and may write to) is never cached. The
// reference is row 0 of a two-row product, which never uses the cache.

const bits = (values: ArrayLike<number>) => Buffer.from(Float32Array.from(values).buffer).toString('hex');
const oneRow = (x: Tensor, w: Tensor) => matmul(x, w.t()).dataSync();
const blocked = (x: Tensor, w: Tensor) =>
  matmul(x.expand([2, x.shape[1]!]).contiguous(), w.t())
    .select(0, 0)
    .dataSync();

describe('batch-1 products keep a weight resident', () => {
  it('give the same bits on repeated calls as the uncached path', () => {
    manualSeed(1);
    const x = randn([1, 784]);
    const w = randn([128, 784]); // 401 KB: large enough for the pool, so cacheable
    const first = bits(oneRow(x, w));
    expect(bits(oneRow(x, w))).toBe(first);
    expect(first).toBe(bits(blocked(x, w)));
  });

  it('see in-place updates of the weight (the storage version)', () => {
    manualSeed(2);
    const x = randn([1, 784]);
    const w = randn([128, 784]);
    oneRow(x, w); // cached now
    w.mul_(2).add_(0.5);
    expect(bits(oneRow(x, w))).toBe(bits(blocked(x, w)));
    writeInto(w, randn([128, 784]).double()); // as nn.init and loadStateDict fill parameters
    expect(bits(oneRow(x, w))).toBe(bits(blocked(x, w)));
  });

  it('never cache a weight wrapping a caller’s array, so writes to that array count', () => {
    manualSeed(3);
    const x = randn([1, 784]);
    const values = randn([128, 784]).dataSync() as Float32Array;
    const w = Tensor.fromArray(values, [128, 784]); // not copied: the caller can still write to it
    const before = bits(oneRow(x, w));
    values.fill(0.25, 0, 784); // column 0 of B
    const after = oneRow(x, w);
    expect(bits(after)).not.toBe(before);
    expect(bits(after)).toBe(bits(blocked(x, w)));
  });

  it('stay right when more weights pass through than the cache holds', () => {
    manualSeed(4);
    const x = randn([1, 1024]);
    const weights = Array.from({ length: 6 }, () => randn([1024, 1024])); // 4 MB each, 16 MB cache
    const want = weights.map((w) => bits(blocked(x, w)));
    for (let round = 0; round < 2; round++) {
      weights.forEach((w, i) => {
        expect(bits(oneRow(x, w))).toBe(want[i]);
      });
    }
  });

  it('cover parameters filled by copy_ (as nn.init fills them): its temporary view is no second owner', () => {
    const w = empty([128, 784]);
    writeInto(w, randn([128, 784]).double());
    expect(isPrivateArray(w.storage.data, w.storage)).toBe(true);
  });
});
