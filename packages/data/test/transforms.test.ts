import { arange, Generator, type Tensor, tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { Compose, Lambda, Normalize, OneHot, RandomCrop, RandomHorizontalFlip, ToTensor } from '../src';

describe('transforms', () => {
  it('ToTensor turns HWC uint8 into CHW float32 in [0, 1]', () => {
    const image = { data: Uint8Array.from([0, 255, 51, 102, 153, 204]), height: 1, width: 3, channels: 2 };
    const t = ToTensor()(image);
    expect(t.shape).toEqual([2, 1, 3]);
    expect(t.dtype).toBe('float32');
    expect(Array.from(t.dataSync())).toEqual([0, 0.2, 0.6, 1, 0.4, 0.8].map(Math.fround));
    expect(() => ToTensor()({ data: new Uint8Array(5), height: 2, width: 3 })).toThrow(
      'ToTensor: 5 bytes do not make a 2x3x1 image',
    );
  });

  it('Normalize subtracts the mean and divides by the std per channel', () => {
    const x = tensor([1, 2, 3, 4]).float().reshape(2, 1, 2);
    expect(Normalize([1, 2], [2, 4])(x).tolist()).toEqual([[[0, 0.5]], [[0.25, 0.5]]]);
    expect(() => Normalize([0], [0])).toThrow('std evaluated to zero');
  });

  it('RandomCrop with padding and RandomHorizontalFlip are seeded', () => {
    const x = arange(16).float().reshape(1, 4, 4);
    const crop = (seed: number) => RandomCrop(4, { padding: 1, generator: new Generator(seed) })(x).tolist();
    expect(crop(1)).toEqual(crop(1));
    const cropped = RandomCrop(2, { generator: new Generator(2) })(x);
    expect(cropped.shape).toEqual([1, 2, 2]);
    const corner = cropped.select(1, 0).select(1, 0).item();
    expect(Array.from(x.dataSync())).toContain(corner);
    expect(RandomHorizontalFlip(1)(x).select(2, 0).tolist()).toEqual([[3, 7, 11, 15]]);
    expect(RandomHorizontalFlip(0)(x).tolist()).toEqual(x.tolist());
    expect(() => RandomCrop(5)(x)).toThrow(
      'RandomCrop: required crop size 5x5 is larger than input image size 4x4',
    );
  });

  it('OneHot, Lambda and Compose', () => {
    expect(OneHot(4)(2).tolist()).toEqual([0, 0, 1, 0]);
    const pipeline = Compose([Lambda((n: number) => tensor([n]).float()), Lambda((t: Tensor) => t.mul(2))]);
    expect(pipeline(3).tolist()).toEqual([6]);
  });
});
