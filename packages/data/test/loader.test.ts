import { arange, Generator, type Tensor, tensor } from '@nn/tensor';
import { assertClose, type FixtureTensor, loadFixtures } from '@nn/tooling/test-utils';
import { describe, expect, it } from 'vitest';
import {
  BatchSampler,
  ConcatDataset,
  DataLoader,
  Dataset,
  defaultCollate,
  IterableSource,
  RandomSampler,
  randomSplit,
  SequentialSampler,
  Subset,
  SubsetRandomSampler,
  TensorDataset,
  WeightedRandomSampler,
} from '../src';

const { cases } = loadFixtures<Record<string, unknown>>(new URL('./fixtures/loader.jsonl', import.meta.url));
const exact = { rtol: 0, atol: 0 };

function dataset() {
  return new TensorDataset(arange(20).float().reshape(10, 2), arange(10));
}

describe('DataLoader batches like PyTorch', () => {
  for (const [name, c] of Object.entries(cases)) {
    if (!name.startsWith('tensorDataset')) continue;
    const { batchSize, dropLast, length, batches } = c as {
      batchSize: number;
      dropLast: boolean;
      length: number;
      batches: FixtureTensor[][];
    };
    it(name, () => {
      const loader = new DataLoader(dataset(), { batchSize, dropLast });
      expect(loader.length).toBe(length);
      const got = [...loader];
      expect(got.length).toBe(batches.length);
      got.forEach(([x, y], i) => {
        assertClose(x!, batches[i]![0]!, exact, `${name} x[${i}]`);
        assertClose(y!, batches[i]![1]!, exact, `${name} y[${i}]`);
      });
    });
  }

  it('fetches TensorDataset batches whole (getBatch): equal to collating the items, shuffled too', () => {
    const data = dataset();
    const fetchBatch = data.getBatch.bind(data);
    let batchCalls = 0;
    data.getBatch = (indices) => {
      batchCalls++;
      return fetchBatch(indices);
    };
    for (const shuffle of [false, true]) {
      const loader = new DataLoader(data, { batchSize: 4, shuffle, generator: new Generator(3) });
      const sampler = new BatchSampler(
        shuffle ? new RandomSampler(data, { generator: new Generator(3) }) : new SequentialSampler(data),
        4,
        false,
      );
      const expected = [...sampler].map((indices) => defaultCollate(indices.map((i) => data.get(i))));
      const got = [...loader];
      expect(got.length).toBe(expected.length);
      got.forEach((batch, b) => {
        batch.forEach((t, k) => {
          expect(t.shape).toEqual(expected[b]![k]!.shape);
          expect(t.dtype).toBe(expected[b]![k]!.dtype);
          expect(t.tolist()).toEqual(expected[b]![k]!.tolist());
        });
      });
    }
    expect(batchCalls).toBe(6); // 3 batches per epoch, both epochs
    expect(() => data.getBatch([0, 10])).toThrow(
      'TensorDataset: index 10 is out of range for a dataset of length 10',
    );
  });

  it("keeps a TensorDataset subclass's own get() when batching", () => {
    class Doubled extends TensorDataset {
      override get(index: number): Tensor[] {
        return super.get(index).map((t) => t.mul(2));
      }
    }
    const [x, y] = [...new DataLoader(new Doubled(arange(6).float(), arange(6)), { batchSize: 3 })][0]!;
    expect(x!.tolist()).toEqual([0, 2, 4]);
    expect(y!.tolist()).toEqual([0, 2, 4]);
  });

  it('fetches item by item when a collateFn is given', () => {
    const data = dataset();
    let batchCalls = 0;
    data.getBatch = () => {
      batchCalls++;
      return [];
    };
    const loader = new DataLoader(data, { batchSize: 5, collateFn: (items) => items.length });
    expect([...loader]).toEqual([5, 5]);
    expect(batchCalls).toBe(0);
  });

  it('collates numbers, booleans, tuples and objects as default_collate', () => {
    const want = cases['collate/nested'] as Record<string, FixtureTensor>;
    const items: [number, number, boolean, { a: number; b: [number, number] }][] = [
      [1, 0.5, true, { a: 2, b: [3.25, 4] }],
      [5, 1.5, false, { a: 6, b: [7.0, 8] }],
    ];
    const [ints, floats, bools, dict] = defaultCollate(items);
    for (const [got, key] of [
      [ints, 'ints'],
      [floats, 'floats'],
      [bools, 'bools'],
      [dict.a, 'dictA'],
      [dict.b[0], 'dictB0'],
      [dict.b[1], 'dictB1'],
    ] as [Tensor, string][]) {
      expect(got.dtype).toBe(want[key]!.dtype);
      assertClose(got, want[key]!, exact, key);
    }
  });
});

describe('shuffling is seeded and reproducible', () => {
  const order = (seed: number) =>
    [...new DataLoader(dataset(), { batchSize: 4, shuffle: true, seed })].flatMap(([, y]) =>
      Array.from(y!.dataSync()),
    );

  it('same seed, same order; every item exactly once per epoch', () => {
    expect(order(7)).toEqual(order(7));
    expect(order(7)).not.toEqual(order(8));
    expect([...order(7)].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('reshuffles every epoch from the same generator', () => {
    const loader = new DataLoader(dataset(), { batchSize: 10, shuffle: true, seed: 3 });
    const first = Array.from([...loader][0]![1]!.dataSync());
    const second = Array.from([...loader][0]![1]!.dataSync());
    expect(first).not.toEqual(second);
  });
});

describe('samplers and dataset helpers', () => {
  it('BatchSampler counts and drops like torch', () => {
    const sampler = new BatchSampler(new SequentialSampler({ length: 10 }), 3, false);
    expect([...sampler]).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]);
    expect(new BatchSampler(new SequentialSampler({ length: 10 }), 3, true).length).toBe(3);
  });

  it('random samplers draw valid indices reproducibly', () => {
    const withReplacement = [
      ...new RandomSampler({ length: 5 }, { replacement: true, numSamples: 50, generator: new Generator(1) }),
    ];
    expect(withReplacement.length).toBe(50);
    expect(withReplacement.every((i) => i >= 0 && i < 5)).toBe(true);
    expect([...new SubsetRandomSampler([10, 20, 30], { generator: new Generator(2) })].sort()).toEqual([
      10, 20, 30,
    ]);
    const weighted = [...new WeightedRandomSampler([0, 0, 1], 20, { generator: new Generator(3) })];
    expect(new Set(weighted)).toEqual(new Set([2]));
    const noRepeat = [
      ...new WeightedRandomSampler([1, 1, 1, 1], 4, { replacement: false, generator: new Generator(4) }),
    ];
    expect(noRepeat.sort()).toEqual([0, 1, 2, 3]);
  });

  it('randomSplit partitions by lengths or fractions', () => {
    const parts = randomSplit(dataset(), [0.7, 0.3], new Generator(5));
    expect(parts.map((p) => p.length)).toEqual([7, 3]);
    const seen = parts.flatMap((p) =>
      Array.from({ length: p.length }, (_, i) => Number(p.get(i)[1]!.item())),
    );
    expect(seen.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(() => randomSplit(dataset(), [3, 3])).toThrow(
      'sum of input lengths (3 + 3) does not equal the length of the input dataset (10)',
    );
  });

  it('Subset and ConcatDataset index through', () => {
    class Numbers extends Dataset<number> {
      constructor(private readonly values: number[]) {
        super();
      }
      get length() {
        return this.values.length;
      }
      get(i: number) {
        return this.values[i]!;
      }
    }
    const both = new ConcatDataset([new Numbers([1, 2]), new Numbers([3, 4, 5])]);
    expect([...both]).toEqual([1, 2, 3, 4, 5]);
    expect([...new Subset(both, [4, 0])]).toEqual([5, 1]);
    expect(() => both.get(5)).toThrow('ConcatDataset: index 5 is out of range for a dataset of length 5');
  });

  it('batches async iterable datasets with prefetch', async () => {
    const source = new IterableSource(async function* () {
      for (let i = 0; i < 7; i++) yield tensor([i]);
    });
    const got: number[][] = [];
    for await (const batch of new DataLoader(source, { batchSize: 3 }))
      got.push(Array.from((batch as unknown as Tensor).dataSync()));
    expect(got).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
  });

  it('rejects contradictory options with PyTorch messages', () => {
    expect(() => new DataLoader(dataset(), { batchSize: 0 })).toThrow(
      'batchSize should be a positive integer value, but got batchSize=0',
    );
    expect(
      () => new DataLoader(dataset(), { shuffle: true, sampler: new SequentialSampler({ length: 10 }) }),
    ).toThrow('sampler option is mutually exclusive with shuffle');
  });
});
