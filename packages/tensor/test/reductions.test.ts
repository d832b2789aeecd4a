import { assertClose, loadFixtures } from '@nn/tooling/test-utils';
import { describe, expect, it } from 'vitest';
import {
  ANY_DEVICE,
  type AutogradHook,
  arange,
  coverage,
  DTypeError,
  getBackend,
  IndexError,
  type KernelFn,
  max,
  mean,
  ShapeError,
  setAutogradHook,
  sum,
  Tensor,
  tensor,
  variance,
  zeros,
} from '../src';
import { registry } from '../src/kernel/registry';
import { checkCase, type ReductionCase } from './reduction-fixtures';

const { cases } = loadFixtures<ReductionCase>(new URL('./fixtures/reductions.jsonl', import.meta.url));

describe('reductions and scans match PyTorch', () => {
  for (const [name, c] of Object.entries(cases)) it(name, () => checkCase(name, c));
});

describe('reduction accuracy', () => {
  it('sums 2^20 float32 values to float64 accuracy', () => {
    const n = 1 << 20;
    const values = new Float32Array(n);
    let seed = 12345;
    for (let i = 0; i < n; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      // positive values of very different sizes: the worst case for naive float32 accumulation
      values[i] = (seed / 2 ** 32) * (i % 7 === 0 ? 1000 : 0.001);
    }
    let reference = 0;
    for (const v of values) reference += v;
    const x = Tensor.fromArray(values, [n]);
    const total = Number(sum(x).item());
    expect(Math.abs(total - reference) / reference).toBeLessThan(1e-7);
    const rows = Number(sum(x.reshape(1024, 1024).t(), 0).sum().item());
    expect(Math.abs(rows - reference) / reference).toBeLessThan(1e-7);
    expect(Math.abs(Number(mean(x).item()) - reference / n) / (reference / n)).toBeLessThan(1e-7);
  });

  it('keeps the variance of values with a large mean', () => {
    const x = tensor([1e8 + 1, 1e8 + 2, 1e8 + 3, 1e8 + 4], { dtype: 'float64' });
    expect(variance(x).item()).toBeCloseTo(5 / 3, 8);
  });
});

describe('reduction dtypes, options and errors', () => {
  it('sums ints and bools to int64 (as PyTorch) and honours dtype', () => {
    expect(tensor([true, false, true]).sum().dtype).toBe('int64');
    expect(tensor([1, 2, 3]).sum(undefined, { dtype: 'float32' }).dtype).toBe('float32');
    expect(tensor([1, 2]).mean(undefined, { dtype: 'float64' }).item()).toBe(1.5);
    expect(
      tensor([[1, 2]])
        .sum([])
        .item(),
    ).toBe(3);
  });

  it('reports dims out of range and repeated dims', () => {
    expect(() => arange(3).sum(5)).toThrow(IndexError);
    expect(() => arange(3).sum(5)).toThrow(
      'sum: dimension out of range (expected to be in range of [-1, 0], but got 5)',
    );
    expect(() => zeros([2, 3]).amax([0, -2])).toThrow(
      'amax: dim 0,0 appears multiple times in the list of dims',
    );
    expect(() => zeros([2]).cumsum(1)).toThrow('cumsum: dimension out of range');
  });

  it('refuses the mean, var and norm of integer tensors', () => {
    expect(() => arange(3).mean()).toThrow(DTypeError);
    expect(() => arange(3).mean()).toThrow(
      'mean: could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: int32',
    );
    expect(() => arange(3).std()).toThrow('std: std and var only support floating point dtypes. Got: int32');
    expect(() => arange(3).norm()).toThrow('norm: input dtype should be floating point. Got: int32');
  });

  it('refuses max, amax and argmax of nothing, with PyTorch messages', () => {
    expect(() => max(zeros([0]))).toThrow(ShapeError);
    expect(() => zeros([0]).max()).toThrow(
      "max: Expected reduction dim to be specified for input.numel() == 0 (input shape [0]). Specify the reduction dim with the 'dim' argument.",
    );
    expect(() => zeros([0, 3]).max(0)).toThrow(IndexError);
    expect(() => zeros([0, 3]).max(0)).toThrow('max: Expected reduction dim 0 to have non-zero size');
    expect(() => zeros([3, 0]).amax(1)).toThrow('amax: Expected reduction dim 1 to have non-zero size');
    expect(() => zeros([0]).argmin()).toThrow('argmin: Expected reduction dim to be specified');
    expect(() => zeros([2]).norm('nuc' as never)).toThrow(
      "norm: unsupported norm order nuc; use a number or 'fro'",
    );
  });

  it('returns int32 indices and 0-d values without a dim', () => {
    const x = tensor([
      [1, 5, 5],
      [7, 0, 7],
    ]);
    expect(x.max().shape).toEqual([]);
    expect(x.max(1).indices.tolist()).toEqual([1, 0]);
    expect(x.argmax().dtype).toBe('int32');
    expect(x.argmax(undefined, { keepdim: true }).shape).toEqual([1, 1]);
  });
});

describe('reduction kernels and composites', () => {
  it('records primitives under their names and composites as the ops they call', () => {
    const recorded: string[] = [];
    const hook: AutogradHook = {
      shouldRecord: () => true,
      record: (event) => {
        recorded.push(`${event.name}:${event.outputs.length}`);
      },
      backward: () => {},
      retainGrad: () => {},
      registerHook: () => () => {},
      setRequiresGrad: () => {},
    };
    const x = tensor([
      [1, 2],
      [3, 4],
    ]).float();
    setAutogradHook(hook);
    try {
      x.mean(1);
      x.max(0);
      x.var();
      x.softmax(-1);
      x.sort();
    } finally {
      setAutogradHook(undefined);
    }
    expect(recorded).toEqual(['sum:1', 'div:1', 'max:2', 'var:1', 'softmax:1', 'sort:2']);
  });

  it('offers device-independent mean/var/std/logsumexp/norm, and a CPU kernel for var', () => {
    const table = coverage();
    for (const name of ['mean', 'std', 'logsumexp', 'norm']) expect(table[name]!.cpu).toBe('any');
    for (const name of ['sum', 'prod', 'amax', 'max', 'argmax', 'var', 'cumsum', 'all', 'any']) {
      expect(table[name]!.cpu).toBe('native');
    }
    // the generic var (what a device without its own kernel runs) agrees with the CPU kernel
    const generic = registry().kernels.get('var')!.get(ANY_DEVICE)!.fn as KernelFn;
    const x = tensor([
      [1, 4, 9],
      [2, 3, 11],
    ]).double();
    const attrs = { dims: [1], keepdim: true, correction: 1 };
    assertClose(generic([x], attrs, getBackend('cpu')) as Tensor, x.var(1, { keepdim: true }), {
      rtol: 1e-12,
    });
  });
});
