// References: torchvision 0.14 (tooling/fixtures/cases/data_image.py).
import {
  CenterCrop,
  ColorJitter,
  DistributedSampler,
  RandomErasing,
  RandomResizedCrop,
  RandomRotation,
  Resize,
  randomResizedCropParams,
  TF,
} from '@nn/data';
import { Generator, rand, type Tensor, tensor } from '@nn/tensor';
import { assertClose, type FixtureTensor, fixtureArray, loadFixtures } from '@nn/tooling/test-utils';
import { describe, expect, it } from 'vitest';

interface ImageOps {
  img: FixtureTensor;
  small: FixtureTensor;
  ops: { op: string; args: unknown[]; out: FixtureTensor }[];
}
interface Partition {
  n: number;
  numReplicas: number;
  dropLast: boolean;
  ranks: number[][];
}
const { cases } = loadFixtures(new URL('./fixtures/image-ops.jsonl', import.meta.url));
const imageOps = cases.imageOps as unknown as ImageOps;
const partitions = cases.distributed as unknown as Partition[];
const load = (f: FixtureTensor): Tensor => tensor(fixtureArray(f), { dtype: f.dtype }).reshape(f.shape);

// biome-ignore lint/suspicious/noExplicitAny: the fixture's argument lists are replayed as given.
const ops: Record<string, (x: Tensor, ...args: any[]) => Tensor> = {
  resize: (x, size, mode) => TF.resize(x, size, mode),
  resizeMaxSize: (x, size, mode, maxSize) => TF.resize(x, size, mode, maxSize),
  centerCrop: (x, size) => TF.centerCrop(x, size),
  resizedCrop: (x, ...args) =>
    TF.resizedCrop(x, ...(args as [number, number, number, number, [number, number], 'bilinear'])),
  rotate: (x, angle, options) => TF.rotate(x, angle, options),
  adjustBrightness: TF.adjustBrightness,
  adjustContrast: TF.adjustContrast,
  adjustSaturation: TF.adjustSaturation,
  adjustHue: TF.adjustHue,
  rgbToGrayscale: TF.rgbToGrayscale,
  erase: (x, top, left, h, w, value) => TF.erase(x, top, left, h, w, tensor(value).reshape([-1, 1, 1])),
};

describe('TF image ops match torchvision on float CHW tensors', () => {
  const img = load(imageOps.img);
  it.each(imageOps.ops.map((o) => [`${o.op}(${JSON.stringify(o.args)})`, o] as const))('%s', (_name, o) => {
    const got = ops[o.op]!(img, ...o.args);
    assertClose(got, o.out, { rtol: 1e-5, atol: 2e-6 });
  });
});

describe('random image transforms', () => {
  const img = rand([3, 20, 30]);

  it('Resize / CenterCrop sizes and options', () => {
    expect(Resize(10)(img).shape).toEqual([3, 10, 15]);
    expect(Resize([7, 9], { interpolation: 'nearest' })(img).shape).toEqual([3, 7, 9]);
    expect(CenterCrop(8)(img).shape).toEqual([3, 8, 8]);
    expect(() => Resize(10, { antialias: true as never })).toThrow(
      'Resize: antialias: true is not supported',
    );
    expect(() => Resize(10, { mode: 'bilinear' } as never)).toThrow("Resize: unknown option 'mode'");
    expect(() => Resize(10, { interpolation: 'bicubic' as never })(img)).toThrow(
      "resize: interpolation must be 'nearest' or 'bilinear', got 'bicubic'",
    );
    expect(() => Resize(4)(tensor([1, 2, 3], { dtype: 'float32' }))).toThrow(
      'resize: expected a [C, H, W] (or [H, W]) image tensor',
    );
  });

  it('RandomResizedCrop draws crops inside the image within the scale range, reproducibly', () => {
    const g = new Generator(3);
    for (let k = 0; k < 50; k++) {
      const [top, left, h, w] = randomResizedCropParams(20, 30, [0.2, 0.6], [0.75, 4 / 3], g);
      expect(top >= 0 && left >= 0 && top + h <= 20 && left + w <= 30).toBe(true);
      expect((h * w) / 600).toBeGreaterThan(0.15);
      expect((h * w) / 600).toBeLessThan(0.7);
    }
    // no admissible draw: torchvision's fallback to a central crop of the nearest ratio
    expect(randomResizedCropParams(10, 100, [0.9, 1], [1, 1], new Generator(1))).toEqual([0, 45, 10, 10]);
    const a = RandomResizedCrop(12, { generator: new Generator(9) })(img);
    const b = RandomResizedCrop(12, { generator: new Generator(9) })(img);
    expect(a.shape).toEqual([3, 12, 12]);
    expect(a.tolist()).toEqual(b.tolist());
    expect(() => RandomResizedCrop(12, { scale: [0.9, 0.1] })).toThrow(
      'RandomResizedCrop: scale should be of kind (min, max)',
    );
  });

  it('RandomRotation rotates by a drawn angle (0 degrees keeps the image)', () => {
    expect(RandomRotation(0)(img).tolist()).toEqual(img.tolist());
    const g = new Generator(4);
    const angle = -10 + 20 * new Generator(4).random();
    assertClose(
      RandomRotation(10, { generator: g, interpolation: 'bilinear' })(img),
      TF.rotate(img, angle, { interpolation: 'bilinear' }),
    );
    expect(() => RandomRotation(-3)).toThrow(
      'RandomRotation: If degrees is a single number, it must be positive.',
    );
  });

  it('ColorJitter keeps values in [0, 1], changes them, and does nothing when all factors are 0', () => {
    const out = ColorJitter({
      brightness: 0.5,
      contrast: 0.5,
      saturation: 0.5,
      hue: 0.2,
      generator: new Generator(2),
    })(img);
    expect(out.min().item()).toBeGreaterThanOrEqual(0);
    expect(out.max().item()).toBeLessThanOrEqual(1);
    expect(out.sub(img).abs().max().item()).toBeGreaterThan(0.01);
    expect(ColorJitter()(img)).toBe(img);
    expect(() => ColorJitter({ hue: 0.7 })).toThrow(
      'ColorJitter: hue values should be between [-0.5, 0.5], but got [-0.7, 0.7].',
    );
  });

  it('RandomErasing erases one rectangle with the value, or nothing with p = 0', () => {
    const x = rand([3, 20, 30]).add(1); // all values > 1, so erased zeros are countable
    const out = RandomErasing({ p: 1, generator: new Generator(5) })(x);
    const zeros = out.eq(0).sum().item() as number;
    expect(zeros).toBeGreaterThan(0);
    expect(zeros % 3).toBe(0); // the same rectangle in every channel
    expect(x.eq(0).sum().item()).toBe(0); // the input is untouched
    expect(RandomErasing({ p: 0 })(x)).toBe(x);
    const random = RandomErasing({ p: 1, value: 'random', generator: new Generator(5) })(x);
    expect(random.sub(x).ne(0).sum().item()).toBe(zeros);
    expect(() => RandomErasing({ p: 2 })).toThrow(
      'RandomErasing: Random erasing probability should be between 0 and 1',
    );
    expect(() => RandomErasing({ p: 1, value: [1, 2] })(x)).toThrow('RandomErasing: If value is a sequence');
  });
});

describe('DistributedSampler', () => {
  it.each(partitions.map((p) => [`n=${p.n} replicas=${p.numReplicas} dropLast=${p.dropLast}`, p] as const))(
    "partitions indices as torch's (shuffle: false): %s",
    (_name, p) => {
      p.ranks.forEach((want, rank) => {
        const sampler = new DistributedSampler(p.n, {
          numReplicas: p.numReplicas,
          rank,
          shuffle: false,
          dropLast: p.dropLast,
        });
        expect([...sampler]).toEqual(want);
        expect(sampler.length).toBe(want.length);
      });
    },
  );

  it('shuffles with one permutation per seed and epoch, shared by the replicas', () => {
    const ranks = (epoch: number) =>
      [0, 1, 2].map((rank) => {
        const s = new DistributedSampler({ length: 12 }, { numReplicas: 3, rank, seed: 7 });
        s.setEpoch(epoch);
        return [...s];
      });
    const epoch0 = ranks(0);
    expect(epoch0.flat().sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
    expect(ranks(0)).toEqual(epoch0);
    expect(ranks(1)).not.toEqual(epoch0);
  });

  it('checks its options', () => {
    expect(() => new DistributedSampler(10, { numReplicas: 2, rank: 2 })).toThrow(
      'DistributedSampler: Invalid rank 2, rank should be in the interval [0, 1]',
    );
    expect(() => new DistributedSampler(10, { rank: 0 } as never)).toThrow(
      'DistributedSampler: numReplicas must be a positive integer',
    );
    expect(() => new DistributedSampler(10, { numReplicas: 2, rank: 0, drop_last: true } as never)).toThrow(
      "DistributedSampler: unknown option 'drop_last'; did you mean 'dropLast'?",
    );
  });
});
