import { describe, expect, it } from 'vitest';
import { DTypeError, round, tensor, ValueError } from '../src';

// Values from PyTorch 1.13: torch.round(x, decimals=d) on float32 and float64.
describe('round with decimals', () => {
  const x = tensor([1.2345, -2.5, 2.5, 0.125, 1234.5678, Number.NaN]);

  it('rounds to decimal places in float32 as PyTorch', () => {
    expect(x.round({ decimals: 2 }).tolist()).toEqual([
      1.2300000190734863,
      -2.5,
      2.5,
      0.11999999731779099,
      1234.5699462890625,
      Number.NaN,
    ]);
    expect(round(x, { decimals: -2 }).tolist()).toEqual([0, -0, 0, 0, 1200, Number.NaN]);
    expect(Object.is((round(x, { decimals: -2 }).tolist() as number[])[1], -0)).toBe(true);
  });

  it('rounds in float64 as PyTorch', () => {
    expect(x.double().round({ decimals: 3 }).tolist()).toEqual([
      1.235,
      -2.5,
      2.5,
      0.125,
      1234.568,
      Number.NaN,
    ]);
  });

  it('is plain half-to-even rounding without decimals, on every dtype', () => {
    expect(tensor([0.5, 1.5, -2.5]).round().tolist()).toEqual([0, 2, -2]);
    expect(tensor([15, 25]).round({ decimals: 0 }).tolist()).toEqual([15, 25]);
  });

  it('refuses decimals on integers, non-integer decimals and unknown options', () => {
    expect(() => tensor([15, 25]).round({ decimals: -1 })).toThrow(DTypeError);
    expect(() => tensor([15, 25]).round({ decimals: -1 })).toThrow(/int32.*\.float\(\)/);
    expect(() => x.round({ decimals: 1.5 })).toThrow(ValueError);
    expect(() => x.round({ digits: 2 } as never)).toThrow(/round: unknown option 'digits'/);
  });
});
