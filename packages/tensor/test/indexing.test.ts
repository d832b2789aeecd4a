import { type FixtureTensor, loadFixtures } from '@nn/tooling/test-utils';
import { describe, expect, it } from 'vitest';
import {
  arange,
  DTypeError,
  embedding,
  gather,
  IndexError,
  indexSelect,
  maskedFill,
  oneHot,
  ShapeError,
  scatter,
  scatterAdd,
  type Tensor,
  tensor,
  ValueError,
  zeros,
} from '../src';
import { expectMatches, fromFixture, type Layout, withLayout } from './layouts';

interface Case {
  layout?: Layout;
  x?: FixtureTensor;
  dim?: number;
  index?: FixtureTensor;
  src?: FixtureTensor;
  value?: number | boolean;
  reduce?: 'add' | 'multiply';
  alpha?: number;
  mask?: FixtureTensor;
  numClasses?: number;
  output: FixtureTensor;
}

const { cases } = loadFixtures<Case>(new URL('./fixtures/indexing.jsonl', import.meta.url));

function run(name: string, c: Case): Tensor {
  const op = name.split('/')[0]!;
  const x = c.x ? withLayout(fromFixture(c.x), c.layout) : zeros([0]);
  const index = c.index ? fromFixture(c.index) : zeros([0]).int();
  const dim = c.dim ?? 0;
  switch (op) {
    case 'gather':
      return x.gather(dim, index);
    case 'scatter':
      return c.src ? x.scatter(dim, index, fromFixture(c.src)) : x.scatter(dim, index, c.value!);
    case 'scatterAdd':
      return x.scatterAdd(dim, index, fromFixture(c.src!));
    case 'scatterReduce':
      return x.scatter(dim, index, fromFixture(c.src!), { reduce: c.reduce! });
    case 'indexSelect':
      return x.indexSelect(dim, index);
    case 'indexAdd':
      return x.indexAdd(dim, index, fromFixture(c.src!), { alpha: c.alpha! });
    case 'maskedFill':
      return x.maskedFill(fromFixture(c.mask!), c.value!);
    case 'maskedSelect':
      return x.maskedSelect(fromFixture(c.mask!));
    case 'oneHot':
      return oneHot(index, c.numClasses);
    case 'embedding':
      return embedding(x, index);
  }
  throw new Error(`no runner for fixture case ${name}`);
}

describe('indexing ops match PyTorch over every layout and dtype', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(name, () => expectMatches(run(name, c), c.output, name));
  }
});

describe('in-place forms write into the tensor (and through views)', () => {
  const inplace: Record<string, (x: Tensor, c: Case) => void> = {
    'scatter/src': (x, c) => x.scatter_(c.dim!, fromFixture(c.index!), fromFixture(c.src!)),
    'scatterAdd/': (x, c) => x.scatterAdd_(c.dim!, fromFixture(c.index!), fromFixture(c.src!)),
    'indexAdd/': (x, c) =>
      x.indexAdd_(c.dim!, fromFixture(c.index!), fromFixture(c.src!), { alpha: c.alpha! }),
    'maskedFill/': (x, c) => x.maskedFill_(fromFixture(c.mask!), c.value!),
  };
  for (const [prefix, apply] of Object.entries(inplace)) {
    for (const layout of ['contiguous', 'transposed', 'sliced'] as const) {
      const name = `${prefix}${prefix.endsWith('/') ? '' : '/'}${layout}/float32`;
      it(name, () => {
        const c = cases[name]!;
        const base = fromFixture(c.x!);
        const x = withLayout(base, c.layout);
        const version = x.version;
        apply(x, c);
        expectMatches(x, c.output, name);
        expect(x.version).toBeGreaterThan(version);
        // x is a view of base: the write landed in base's storage.
        expectMatches(withLayout(base, c.layout), c.output, `${name} (base)`);
      });
    }
  }

  it('an out-of-range index leaves the target untouched', () => {
    const x = arange(6).float().reshape(2, 3);
    expect(() => x.scatter_(1, tensor([[0, 3]]), 9)).toThrow(IndexError);
    expect(x.tolist()).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
  });
});

describe('indexSelect on a 0-d input', () => {
  it('stays 0-d and takes a single index, like PyTorch 2', () => {
    const x = tensor(5);
    expect(indexSelect(x, 0, tensor([0])).shape).toEqual([]);
    expect(indexSelect(x, 0, tensor(0)).item()).toBe(5);
    expect(() => indexSelect(x, 0, tensor([0, 0]))).toThrow(
      /indexSelect: index into a 0-d tensor can hold only one value, got shape \[2\]/,
    );
    expect(() => indexSelect(x, 0, tensor([1]))).toThrow(IndexError);
  });
});

describe('indexing errors name the op, dim, index and size', () => {
  const x = arange(12).float().reshape(3, 4);

  it('rejects non-int32 index tensors', () => {
    expect(() => gather(x, 1, tensor([[0.5]]))).toThrow(DTypeError);
    expect(() => gather(x, 1, tensor([[0.5]]))).toThrow(
      /gather: index must be an int64 or int32 tensor, got float32/,
    );
    expect(() => indexSelect(x, 0, tensor([true]))).toThrow(
      /indexSelect: index must be an int64 or int32 tensor, got bool/,
    );
    expect(() => embedding(x, tensor([1], { dtype: 'float32' }))).toThrow(
      /embedding: index must be an int64 or int32/,
    );
    expect(() => oneHot(tensor([1.5]))).toThrow(/oneHot: index must be an int64 or int32/);
  });

  it('out-of-range index values raise IndexError naming dim, index and size', () => {
    expect(() => gather(x, 1, tensor([[5]]))).toThrow(IndexError);
    expect(() => gather(x, 1, tensor([[5]]))).toThrow(
      'gather: index 5 is out of bounds for dimension 1 with size 4',
    );
    expect(() => gather(x, 0, tensor([[-1]]))).toThrow(
      'gather: index -1 is out of bounds for dimension 0 with size 3',
    );
    expect(() => indexSelect(x, 1, tensor([0, 4]))).toThrow(
      'indexSelect: index 4 is out of bounds for dimension 1 with size 4',
    );
    expect(() => scatterAdd(x, 0, tensor([[3]]), x)).toThrow(
      'scatterAdd: index 3 is out of bounds for dimension 0 with size 3',
    );
    expect(() => x.indexAdd(0, tensor([7]), zeros([1, 4]))).toThrow(
      'indexAdd: index 7 is out of bounds for dimension 0 with size 3',
    );
    expect(() => embedding(x, tensor([[1, 3]]))).toThrow(
      /index 3 is out of bounds for dimension 0 with size 3/,
    );
    expect(() => oneHot(tensor([0, -1]))).toThrow(IndexError);
    expect(() => oneHot(tensor([4]), 3)).toThrow(/oneHot: class value 4 is out of bounds .* size 3/);
    expect(() => oneHot(zeros([0]).int())).toThrow(ValueError);
  });

  it('shape mismatches raise ShapeError', () => {
    expect(() => gather(x, 1, tensor([1]))).toThrow(ShapeError);
    expect(() => gather(x, 1, tensor([[1], [1], [1], [1]]))).toThrow(
      /gather: size does not match at dimension 0: expected index \[4,1\] to be no larger than self \[3,4\] apart from dimension 1/,
    );
    expect(() => scatter(x, 0, tensor([[0, 1, 1]]), zeros([1, 2]))).toThrow(
      /to be no larger than src \[1,2\]/,
    );
    expect(() => indexSelect(x, 0, tensor([[0]]))).toThrow(/index must be a vector/);
    expect(() => x.indexAdd(1, tensor([0, 1]), zeros([3, 3]))).toThrow(/expected \[3,2\]/);
    expect(() => embedding(arange(3).float(), tensor([0]))).toThrow(/weight must be 2-d/);
    expect(() =>
      x.maskedFill_(
        tensor([[true], [false], [true]])
          .expand(3, 4)
          .unsqueeze(0),
        1,
      ),
    ).toThrow(/maskedFill_: output with shape \[3,4\] doesn't match the broadcast shape \[1,3,4\]/);
    expect(() => maskedFill(x, tensor([true, false]), 1)).toThrow(ShapeError);
    expect(() => maskedFill(x, tensor([true]), tensor([1, 2]))).toThrow(/0-dimensional value tensor/);
  });

  it('dtype mismatches raise DTypeError', () => {
    expect(() => scatter(x, 0, tensor([[0]]), zeros([1, 1], { dtype: 'float64' }))).toThrow(
      /scatter: expected self and src to have the same dtype, got float32 and float64/,
    );
    expect(() => x.indexAdd_(0, tensor([0]), zeros([1, 4]).int())).toThrow(DTypeError);
    expect(() => x.maskedFill(tensor([1, 0, 1, 0]), 1)).toThrow(/maskedFill: only supports boolean masks/);
    expect(() => x.maskedSelect(x)).toThrow(DTypeError);
    expect(() => x.scatter(0, tensor([[0]]), 1, { reduce: 'max' as 'add' })).toThrow(ValueError);
  });
});

describe('indexing edge cases', () => {
  it('maskedFill takes a 0-d tensor value cast to the input dtype', () => {
    const out = arange(4).maskedFill(tensor([true, false, true, false]), tensor(2.7));
    expect(out.dtype).toBe('int32');
    expect(out.tolist()).toEqual([2, 1, 2, 3]);
  });

  it('gather and indexSelect on empty indices give empty results', () => {
    const x = arange(6).reshape(2, 3);
    expect(x.gather(1, zeros([2, 0]).int()).shape).toEqual([2, 0]);
    expect(x.indexSelect(1, zeros([0]).int()).shape).toEqual([2, 0]);
    expect(oneHot(zeros([0]).int(), 3).shape).toEqual([0, 3]);
  });

  it('embedding keeps the index shape', () => {
    const weight = arange(10).float().reshape(5, 2);
    const out = embedding(weight, tensor([[[4]], [[0]]]));
    expect(out.shape).toEqual([2, 1, 1, 2]);
    expect(out.tolist()).toEqual([[[[8, 9]]], [[[0, 1]]]]);
  });
});
