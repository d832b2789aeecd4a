import { Generator } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { drawIndex } from '../src/sample';

/** How often each index is drawn in `n` draws. */
function frequencies(logits: number[], temperature: number, n: number): number[] {
  const generator = new Generator(0);
  const counts = new Array<number>(logits.length).fill(0);
  for (let i = 0; i < n; i++) counts[drawIndex(logits, temperature, generator)]! += 1;
  return counts.map((c) => c / n);
}

/** softmax(logits / temperature). */
function softmax(logits: number[], temperature: number): number[] {
  const e = logits.map((l) => Math.exp(l / temperature));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / total);
}

describe('drawIndex', () => {
  const logits = [2, 1, 0, -1];

  it.each([1, 0.5, 2])('draws from softmax(logits / %s)', (temperature) => {
    const expected = softmax(logits, temperature);
    const observed = frequencies(logits, temperature, 40_000);
    // 40 000 draws: the standard error of each frequency is below 0.0025
    for (const [i, p] of expected.entries()) expect(Math.abs(observed[i]! - p)).toBeLessThan(0.01);
  });

  it('sharpens towards the likeliest index as the temperature falls', () => {
    expect(frequencies(logits, 0.05, 1000)[0]).toBe(1);
    expect(frequencies([0, 0, 50, 0], 1, 1000)[2]).toBe(1);
  });

  it('repeats its draws for the same seed', () => {
    const draws = (seed: number) => {
      const generator = new Generator(seed);
      return Array.from({ length: 20 }, () => drawIndex(logits, 1, generator));
    };
    expect(draws(7)).toEqual(draws(7));
    expect(draws(7)).not.toEqual(draws(8));
  });
});
