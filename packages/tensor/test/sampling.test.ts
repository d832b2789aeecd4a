// The distribution samplers draw from the framework's seeded generator: the same seed gives the same
// samples, and the samples follow their distributions (moments and supports, with wide statistical margins).
import { describe, expect, it } from 'vitest';
import {
  bernoulli,
  DTypeError,
  full,
  Generator,
  multinomial,
  normal,
  poisson,
  tensor,
  ValueError,
} from '../src';

const mean = (values: ArrayLike<number>) => Array.from(values).reduce((a, b) => a + b, 0) / values.length;
const variance = (values: ArrayLike<number>) => {
  const m = mean(values);
  return Array.from(values).reduce((a, b) => a + (b - m) ** 2, 0) / values.length;
};

describe('bernoulli', () => {
  it('draws 0/1 in the probabilities’ dtype with the given probability, reproducibly', () => {
    const p = full([20000], 0.3, { dtype: 'float64' });
    const a = bernoulli(p, undefined, { generator: new Generator(1) });
    const b = bernoulli(p, undefined, { generator: new Generator(1) });
    expect(a.dtype).toBe('float64');
    expect(a.tolist()).toEqual(b.tolist());
    const values = a.dataSync();
    expect(values.every((v) => v === 0 || v === 1)).toBe(true);
    expect(mean(values)).toBeCloseTo(0.3, 1);
  });

  it('takes a scalar p for every element and checks its range', () => {
    const x = tensor([0, 0, 0, 0]).float();
    expect(x.bernoulli(1).tolist()).toEqual([1, 1, 1, 1]);
    expect(x.bernoulli(0).tolist()).toEqual([0, 0, 0, 0]);
    expect(() => x.bernoulli(1.5)).toThrow(ValueError);
    expect(() => bernoulli(tensor([1, 0]))).toThrow(DTypeError);
  });
});

describe('multinomial', () => {
  it('samples categories in proportion to the weights, with replacement', () => {
    const w = tensor([1, 0, 3]).float();
    const s = multinomial(w, 8000, { replacement: true, generator: new Generator(7) });
    expect(s.dtype).toBe('int32');
    expect(s.shape).toEqual([8000]);
    const counts = [0, 0, 0];
    for (const v of s.dataSync()) counts[v]!++;
    expect(counts[1]).toBe(0);
    expect(counts[2]! / 8000).toBeCloseTo(0.75, 1);
  });

  it('without replacement draws distinct categories per row, never a zero weight when it can avoid it', () => {
    const w = tensor([
      [1, 2, 0, 4, 1],
      [0, 1, 1, 1, 0],
    ]).float();
    const s = w.multinomial(3, { generator: new Generator(3) });
    expect(s.shape).toEqual([2, 3]);
    for (const row of s.tolist() as number[][]) expect(new Set(row).size).toBe(3);
    expect((s.tolist() as number[][])[1]!.sort()).toEqual([1, 2, 3]);
    expect(() => w.multinomial(6)).toThrow(/without replacement/);
  });
});

describe('poisson', () => {
  it('has mean and variance equal to the rate, below and above the method switch at 10', () => {
    for (const rate of [0.5, 4, 30]) {
      const s = poisson(full([20000], rate, { dtype: 'float64' }), {
        generator: new Generator(5),
      }).dataSync();
      expect(s.every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
      expect(Math.abs(mean(s) - rate) / rate).toBeLessThan(0.05);
      expect(Math.abs(variance(s) - rate) / rate).toBeLessThan(0.1);
    }
  });

  it('is reproducible from the generator and rejects negative rates', () => {
    const rates = tensor([1, 20, 3]).float();
    const draw = () => poisson(rates, { generator: new Generator(9) }).tolist();
    expect(draw()).toEqual(draw());
    expect(() => poisson(tensor([-1]).float())).toThrow(/non-negative/);
  });
});

describe('normal with tensors', () => {
  it('broadcasts mean and std and scales standard normals', () => {
    const m = tensor([[-5], [5]]).double();
    const s = normal(m, full([1, 10000], 2, { dtype: 'float64' }), { generator: new Generator(2) });
    expect(s.shape).toEqual([2, 10000]);
    const rows = s.tolist() as number[][];
    expect(mean(rows[0]!)).toBeCloseTo(-5, 1);
    expect(Math.sqrt(variance(rows[1]!))).toBeCloseTo(2, 1);
    expect(() => normal(0, -1)).toThrow(ValueError);
    expect(() => normal(tensor([0]).float(), -1)).toThrow(/std >= 0/);
  });
});
