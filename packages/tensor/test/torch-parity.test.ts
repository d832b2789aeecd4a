// Expected values were produced with PyTorch 1.13 (Debian's python3-torch); each case says what torch gives.
import '@nn/autograd';
import { describe, expect, it } from 'vitest';
import { conv1d, conv2d, convTranspose2d, linspace, ones, tensor, ValueError, zeros } from '../src';

const float = (values: number[] | number[][]) => tensor(values, { dtype: 'float32', requiresGrad: true });

describe('numerics as PyTorch', () => {
  it('norm at zero and on zero rows has gradient 0 (not NaN)', () => {
    const x = float([0, 0, 0]);
    x.norm().backward();
    expect(x.grad!.tolist()).toEqual([0, 0, 0]); // torch: [0., 0., 0.]
    const rows = float([
      [0, 0],
      [3, 4],
    ]);
    rows.norm(2, 1).sum().backward();
    expect(rows.grad!.tolist()).toEqual([
      [0, 0],
      [Math.fround(0.6), Math.fround(0.8)],
    ]);
    const p3 = float([0, 0]);
    p3.norm(3).backward();
    expect(p3.grad!.tolist()).toEqual([0, 0]);
    expect(tensor([3, 4], { dtype: 'float32' }).norm().item()).toBe(5);
  });

  it('type promotion with 0-d tensors: dims decide, 0-d tensors only raise the category', () => {
    const f32 = tensor([1, 2], { dtype: 'float32' });
    expect(f32.add(tensor(1.5, { dtype: 'float64' })).dtype).toBe('float32'); // torch.float32
    expect(tensor([1, 2], { dtype: 'int32' }).add(tensor(1.5, { dtype: 'float64' })).dtype).toBe('float64');
    expect(f32.mul(tensor([1.5], { dtype: 'float64' })).dtype).toBe('float64'); // 1-d: float64
    expect(tensor(1, { dtype: 'float32' }).add(tensor(1.5, { dtype: 'float64' })).dtype).toBe('float64');
  });

  it('linspace(a, b, 1) is [a]', () => {
    expect(linspace(3, 7, 1).tolist()).toEqual([3]); // torch.linspace(3, 7, 1) == tensor([3.])
  });

  it('integer div (floor/trunc), remainder and fmod by zero raise', () => {
    const ints = tensor([1, 2], { dtype: 'int32' });
    expect(() => ints.div(0, { roundingMode: 'floor' })).toThrow(ValueError);
    expect(() => ints.div(0, { roundingMode: 'trunc' })).toThrow(
      'div: ZeroDivisionError: integer division or remainder by zero',
    );
    expect(() => ints.remainder(0)).toThrow('remainder: ZeroDivisionError');
    expect(() => ints.fmod(0)).toThrow('fmod: ZeroDivisionError');
    // a zero inside a divisor tensor too (the CPU kernel checks), in place as well, broadcast or strided
    const withZero = tensor([3, 0, 2], { dtype: 'int32' });
    expect(() => tensor([6, 6, 6], { dtype: 'int32' }).div(withZero, { roundingMode: 'floor' })).toThrow(
      'div: ZeroDivisionError',
    );
    expect(() => tensor([6, 6, 6], { dtype: 'int32' }).div_(withZero, { roundingMode: 'floor' })).toThrow(
      'div: ZeroDivisionError',
    );
    expect(() => tensor([6, 6, 6], { dtype: 'int32' }).remainder(withZero)).toThrow(
      'remainder: ZeroDivisionError',
    );
    expect(() => ints.unsqueeze(1).fmod(withZero.slice(0, 0, 3, 1))).toThrow('fmod: ZeroDivisionError');
    expect(
      tensor([6, 7], { dtype: 'int32' })
        .div(withZero.slice(0, 0, 3, 2), { roundingMode: 'trunc' })
        .tolist(),
    ).toEqual([2, 3]);
    expect(ints.div(0).tolist()).toEqual([Infinity, Infinity]); // true division gives inf, as torch
    expect(Array.from(ints.float().remainder(0).dataSync()).every(Number.isNaN)).toBe(true);
  });

  it('conv1d / conv2d / convTranspose2d accept null for no bias, as F.conv2d', () => {
    expect(conv2d(ones([1, 1, 3, 3]), ones([1, 1, 2, 2]), null).tolist()).toEqual([
      [
        [
          [4, 4],
          [4, 4],
        ],
      ],
    ]);
    expect(conv1d(ones([1, 1, 3]), ones([1, 1, 2]), null).tolist()).toEqual([[[2, 2]]]);
    expect(convTranspose2d(ones([1, 1, 1, 1]), ones([1, 1, 2, 2]), null).shape).toEqual([1, 1, 2, 2]);
  });

  it('zeros(2, 3) is a clear error (the shape is one array here)', () => {
    expect(() => zeros(2 as never, 3 as never)).toThrow(
      'zeros: shape must be an array of sizes, e.g. zeros([2, 3]); got number 2',
    );
  });

  it('tensor(Uint8Array) is uint8 (pixels keep their values), not bool', () => {
    const pixels = Uint8Array.of(0, 1, 2, 255);
    expect(tensor(pixels).dtype).toBe('uint8');
    expect(tensor(pixels).tolist()).toEqual([0, 1, 2, 255]);
    expect(tensor(pixels, { dtype: 'int32' }).tolist()).toEqual([0, 1, 2, 255]);
    expect(tensor(pixels, { dtype: 'bool' }).tolist()).toEqual([false, true, true, true]);
  });

  it('printing an empty tensor costs nothing in its other dims', () => {
    // torch: tensor([], size=(2147483648, 0)); walking 2**31 empty rows used to run out of memory.
    expect(String(zeros([2 ** 31, 0]))).toBe('tensor([], size=[2147483648, 0])');
  });
});
