import { describe, expect, it } from 'vitest';
import { addDispatchObserver, type DispatchEvent, NNError, profile, runKernel, tensor } from '../src';

describe('dispatch observers', () => {
  it('see every op in the order they were added, each the same event', () => {
    const seen: string[] = [];
    const events: DispatchEvent[][] = [[], []];
    const removers = [0, 1].map((i) =>
      addDispatchObserver({
        enter: (op) => seen.push(`${i}:enter:${op}`),
        exit: (event) => {
          seen.push(`${i}:exit:${event.op}`);
          events[i]!.push(event);
        },
      }),
    );
    try {
      tensor([1, 2, 3]).mul(2);
    } finally {
      for (const remove of removers) remove();
    }
    expect(seen).toEqual(['0:enter:mul', '1:enter:mul', '0:exit:mul', '1:exit:mul']);
    expect(events[0]![0]).toBe(events[1]![0]);
    expect(events[0]![0]!.outputs[0]!.shape).toEqual([3]);
    tensor([1]).neg();
    expect(events[0]!.length).toBe(1); // removed observers see nothing more
  });

  it('see a composite and the ops it dispatches inside it, but not ops inside other kernels', () => {
    const seen: string[] = [];
    const remove = addDispatchObserver({ exit: (e) => seen.push(`${e.op}${e.composite ? '*' : ''}`) });
    try {
      tensor([1.5, 2, 3, 4]).mean();
    } finally {
      remove();
    }
    expect(seen).toEqual(['sum', 'div', 'mean*']);
  });

  it('see in-place ops before the write, with the target', () => {
    const x = tensor([1, 2]);
    let before: number[] = [];
    let target: unknown;
    const remove = addDispatchObserver({
      exit: (e) => {
        before = [...(e.inplace as typeof x).dataSync()];
        target = e.inplace;
      },
    });
    try {
      x.add_(1);
    } finally {
      remove();
    }
    expect(target).toBe(x);
    expect(before).toEqual([1, 2]);
    expect(x.tolist()).toEqual([2, 3]);
  });

  it('are told when an op throws', () => {
    const aborted: string[] = [];
    const remove = addDispatchObserver({
      exit: () => {},
      abort: (op, error) => aborted.push(`${op}:${error instanceof NNError}`),
    });
    try {
      expect(() => runKernel('gather', [tensor([1, 2]), tensor([5])], { dim: 0 })).toThrow();
    } finally {
      remove();
    }
    expect(aborted).toEqual(['gather:true']);
  });
});

describe('profile', () => {
  it('counts ops and splits a composite into self and total time', () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]).float();
    const { result, ops, totalMs } = profile(() => x.mul(2).mean().add(x.sum()));
    expect(result.item()).toBe(5 + 10);
    const byOp = Object.fromEntries(ops.map((o) => [o.op, o]));
    expect(byOp.sum!.count).toBe(2); // inside mean and x.sum()
    expect(byOp.mean!.count).toBe(1);
    expect(byOp.add!.count).toBe(1);
    expect(byOp.mul!.devices).toEqual(['cpu']);
    // mean's total includes the sum and div it runs; its self time excludes them
    expect(byOp.mean!.totalMs).toBeGreaterThanOrEqual(byOp.mean!.selfMs);
    expect(byOp.mean!.totalMs).toBeGreaterThanOrEqual(byOp.div!.totalMs);
    for (const o of ops) expect(o.selfMs).toBeGreaterThanOrEqual(0);
    expect(totalMs).toBeGreaterThan(0);
    // slowest first
    for (let i = 1; i < ops.length; i++) expect(ops[i - 1]!.selfMs).toBeGreaterThanOrEqual(ops[i]!.selfMs);
  });

  it('prints a table like torch.profiler', () => {
    const table = profile(() => tensor([1, 2]).exp().sum()).table();
    expect(table).toMatch(/Name\s+Calls\s+Self ms\s+Self %\s+Total ms\s+Device/);
    expect(table).toMatch(/^exp\s+1\s/m);
    expect(table).toMatch(/^sum\s+1\s/m);
    expect(table).toMatch(/Wall time: [\d.]+ ms$/);
    expect(() => profile(() => tensor([1])).table({ rows: 3 } as never)).toThrow(
      "Profile.table: unknown option 'rows'",
    );
  });

  it('awaits an async function and stops observing afterwards, also when it throws', async () => {
    const { result, ops } = await profile(async () => {
      const y = tensor([1, 2]).neg();
      await Promise.resolve();
      return y.abs();
    });
    expect(result.tolist()).toEqual([1, 2]);
    expect(ops.map((o) => o.op).sort()).toEqual(['abs', 'neg']);
    await expect(
      profile(async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(() =>
      profile(() => {
        throw new Error('sync boom');
      }),
    ).toThrow('sync boom');
    // nothing left installed: a later profile sees only its own ops
    expect(profile(() => tensor([1]).sqrt()).ops.map((o) => o.op)).toEqual(['sqrt']);
  });

  it('keeps counting correctly after an op throws inside it', () => {
    const { ops } = profile(() => {
      try {
        runKernel('gather', [tensor([1, 2]), tensor([5])], { dim: 0 });
      } catch {
        // the failed gather must not leave a frame open
      }
      return tensor([1.5, 2]).mean();
    });
    const byOp = Object.fromEntries(ops.map((o) => [o.op, o]));
    expect(byOp.mean!.count).toBe(1);
    expect(byOp.sum!.count).toBe(1);
  });
});
