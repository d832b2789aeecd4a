import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conv2d, manualSeed, matmul, randn, softmax } from '../src';

// Growing an unshared WebAssembly memory detaches its old ArrayBuffer, and after the first detached buffer
// of a process V8 checks every typed-array access for detachment, in all code (a JS loop measured 1.7x
// slower for the rest of the process). The CPU kernels must therefore only ever grow shared memories
// (threads available, as in Node) — this spy fails the test on any other growth.

interface GrowableMemory {
  readonly buffer: ArrayBufferLike;
  grow(delta: number): number;
}
const memoryPrototype = (globalThis as unknown as { WebAssembly: { Memory: { prototype: GrowableMemory } } })
  .WebAssembly.Memory.prototype;
const grown: string[] = [];
const original = memoryPrototype.grow;

beforeAll(() => {
  memoryPrototype.grow = function (this: GrowableMemory, delta: number) {
    if (!(this.buffer instanceof SharedArrayBuffer)) grown.push(`unshared memory grown by ${delta} pages`);
    return original.call(this, delta);
  };
});
afterAll(() => {
  memoryPrototype.grow = original;
});

describe('CPU kernel memory', () => {
  it('never grows an unshared WebAssembly memory (which would detach its buffer)', () => {
    manualSeed(0);
    const w = randn([128, 784]);
    for (let i = 0; i < 3; i++) matmul(randn([1, 784]), w.t()).dataSync(); // batch-1: resident weights
    matmul(randn([64, 784]), w.t()).dataSync(); // single-thread GEMM
    matmul(randn([512, 512]), randn([512, 512])).dataSync(); // large enough for helper threads
    conv2d(randn([32, 1, 28, 28]), randn([32, 1, 3, 3]), undefined, { padding: 1 }).dataSync();
    randn([100_000]).exp().dataSync();
    softmax(randn([100, 1000]), 1).dataSync();
    expect(grown).toEqual([]);
  });
});
