import { NNError } from '@nn/tensor';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataLoader, Dataset, IterableSource } from '../src';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A stream of numbers that fails after `failAfter` items and records whether it was closed. */
function stream(count: number, failAfter = Number.POSITIVE_INFINITY) {
  const state = { closed: false, produced: 0 };
  const source = new IterableSource(async function* () {
    try {
      for (let i = 0; i < count; i++) {
        await sleep(0);
        if (i >= failAfter) throw new Error(`source failed at item ${i}`);
        state.produced++;
        yield i;
      }
    } finally {
      state.closed = true;
    }
  });
  return { source, state };
}

describe('DataLoader async iteration', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeEach(() => {
    unhandled.length = 0;
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
  });

  it("a prefetched source error reaches the user's try/catch, not the process", async () => {
    const { source } = stream(10, 2);
    const seen: number[] = [];
    let caught: unknown;
    try {
      for await (const batch of new DataLoader(source, { batchSize: null })) {
        // The consumer is busy while the prefetch of the failing item rejects.
        await sleep(20);
        seen.push(batch as unknown as number);
      }
    } catch (error) {
      caught = error;
    }
    await sleep(20);
    expect(seen).toEqual([0, 1]);
    expect((caught as Error).message).toBe('source failed at item 2');
    expect(unhandled).toEqual([]);
  });

  it('break in for await closes the source (its finally runs)', async () => {
    const { source, state } = stream(100);
    for await (const batch of new DataLoader(source, { batchSize: 2 })) {
      if (batch) break;
    }
    expect(state.closed).toBe(true);
    expect(state.produced).toBeLessThan(100);
    expect(unhandled).toEqual([]);
  });

  it('throw in for await closes the source and the error is the user one', async () => {
    const { source, state } = stream(100);
    const run = async () => {
      for await (const _ of new DataLoader(source, { batchSize: 2, prefetch: false })) {
        throw new Error('user code failed');
      }
    };
    await expect(run()).rejects.toThrow('user code failed');
    expect(state.closed).toBe(true);
  });
});

class Faulty extends Dataset<number> {
  readonly length = 2000;
  readonly original = new TypeError('bad pixel');
  get(i: number): number {
    if (i === 1234) throw this.original;
    return i;
  }
}

describe('DataLoader names the failing index', () => {
  it('wraps a throwing dataset.get(i) with the index and keeps the original as cause', async () => {
    const data = new Faulty();
    const loader = new DataLoader(data, { batchSize: 100 });
    const check = (error: unknown) => {
      expect(error).toBeInstanceOf(NNError);
      expect((error as Error).message).toBe('DataLoader: dataset.get(1234) failed: TypeError: bad pixel');
      expect((error as Error).cause).toBe(data.original);
    };
    let sync: unknown;
    try {
      for (const _ of loader);
    } catch (error) {
      sync = error;
    }
    check(sync);
    let async: unknown;
    try {
      for await (const _ of loader);
    } catch (error) {
      async = error;
    }
    check(async);
  });
});
