import { describe, expect, it } from 'vitest';
import { assertClose, decodeTensor, type FixtureTensor, loadFixtures } from '../test-utils';

interface CastCase {
  input: FixtureTensor;
  output: FixtureTensor;
}

const fixtures = loadFixtures<CastCase>(new URL('./fixtures/float32-rounding.json', import.meta.url));

describe('fixture pipeline', () => {
  it('decodes PyTorch float32 casts exactly as Math.fround rounds, including NaN and infinities', () => {
    const { input, output } = fixtures.cases.cast!;
    const rounded = Array.from(decodeTensor(input), Math.fround);
    assertClose({ shape: input.shape, data: rounded }, output, { rtol: 0, atol: 0 });
    expect(Number.isNaN(decodeTensor(output)[7])).toBe(true);
    expect(decodeTensor(output)[5]).toBe(Infinity);
  });

  it('reports the first mismatching elements', () => {
    const { output } = fixtures.cases.cast!;
    const wrong = Array.from(decodeTensor(output));
    wrong[2] = 0;
    expect(() =>
      assertClose({ shape: output.shape, data: wrong }, output, { rtol: 0, atol: 0 }, 'cast'),
    ).toThrow(/cast: 1\/10 elements differ.*\[2\] got 0, want -2.5/s);
  });
});
