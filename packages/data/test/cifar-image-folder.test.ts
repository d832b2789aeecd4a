import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChainDataset, CIFAR_RECORD_BYTES, DataFormatError, IterableSource, readCifar10 } from '@nn/data';
import { CIFAR10, decodeImage, ImageFolder } from '@nn/data/node';
import { encode as encodeJpeg } from 'jpeg-js';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'nn-data-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `count` CIFAR-10 records: label i % 10, pixel bytes (i + channel * 7 + p) % 256. */
function cifarBatch(count: number, first = 0): Uint8Array {
  const bytes = new Uint8Array(count * CIFAR_RECORD_BYTES);
  for (let i = 0; i < count; i++) {
    const at = i * CIFAR_RECORD_BYTES;
    bytes[at] = (first + i) % 10;
    for (let c = 0; c < 3; c++)
      for (let p = 0; p < 1024; p++) bytes[at + 1 + c * 1024 + p] = (first + i + c * 7 + p) % 256;
  }
  return bytes;
}

describe('CIFAR-10 binary batches', () => {
  it('readCifar10 splits records into planar images and labels', () => {
    const data = readCifar10(cifarBatch(3));
    expect(data.count).toBe(3);
    expect([...data.labels]).toEqual([0, 1, 2]);
    expect(data.images[3072 + 1024 + 5]).toBe((1 + 7 + 5) % 256); // image 1, green, pixel 5
  });

  it('CIFAR10.load reads the five training batches or the test batch as [3, 32, 32] tensors', async () => {
    const root = join(dir, 'cifar', 'cifar-10-batches-bin');
    mkdirSync(root, { recursive: true });
    for (let b = 1; b <= 5; b++) writeFileSync(join(root, `data_batch_${b}.bin`), cifarBatch(2, 2 * (b - 1)));
    writeFileSync(join(root, 'test_batch.bin'), cifarBatch(4, 100));
    const train = await CIFAR10.load({ root: join(dir, 'cifar') });
    expect(train.length).toBe(10);
    const [image, label] = train.get(7);
    expect(label).toBe(7);
    expect(image.shape).toEqual([3, 32, 32]);
    // channel c, row 0, column p is byte (7 + 7c + p) / 255
    expect(image.select(0, 2).select(0, 0).select(0, 3).item()).toBeCloseTo((7 + 14 + 3) / 255, 6);
    const test = await CIFAR10.load({ root, train: false });
    expect(test.length).toBe(4);
    expect(test.get(1)[1]).toBe(1);
    expect(train.classes[3]).toBe('cat');
  });

  it('bad and truncated files give the reader its own error, naming the file', async () => {
    expect(() => readCifar10(cifarBatch(2).subarray(0, 5000), 'data_batch_1.bin')).toThrow(
      'readCifar10(data_batch_1.bin): 5000 bytes is not a whole number of 3073-byte records (1 records and 1927 bytes left over)',
    );
    expect(() => readCifar10(new Uint8Array(0))).toThrow(DataFormatError);
    const bad = cifarBatch(1);
    bad[0] = 42;
    expect(() => readCifar10(bad, 'x.bin')).toThrow(
      'readCifar10(x.bin): record 0 has label 42, not a class 0-9',
    );
    const root = join(dir, 'cifar-missing');
    mkdirSync(root, { recursive: true });
    await expect(CIFAR10.load({ root, train: false })).rejects.toThrow(
      'CIFAR10(test_batch.bin): test_batch.bin not found',
    );
    await expect(CIFAR10.load({ root, download: true } as never)).rejects.toThrow(
      "CIFAR10.load: unknown option 'download'",
    );
  });
});

/** A PNG whose pixel (x, y) is [x * 40, y * 60, 200, 255 or 0]. */
function png(width: number, height: number): Buffer {
  const image = new PNG({ width, height });
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      image.data.set([x * 40, y * 60, 200, x === 0 ? 0 : 255], 4 * (y * width + x));
  return PNG.sync.write(image);
}

function jpeg(width: number, height: number, value: number): Buffer {
  const data = Buffer.alloc(width * height * 4, value);
  return encodeJpeg({ data, width, height }, 95).data;
}

describe('ImageFolder and decodeImage', () => {
  const root = join(dir, 'images');
  mkdirSync(join(root, 'dog', 'more'), { recursive: true });
  mkdirSync(join(root, 'cat'), { recursive: true });
  writeFileSync(join(root, 'dog', 'b.png'), png(4, 3));
  writeFileSync(join(root, 'dog', 'a.jpg'), jpeg(8, 8, 128));
  writeFileSync(join(root, 'dog', 'more', 'c.png'), png(2, 2));
  writeFileSync(join(root, 'dog', 'notes.txt'), 'not an image');
  writeFileSync(join(root, 'cat', 'z.jpeg'), jpeg(5, 7, 30));

  it('decodes PNG exactly (alpha dropped) and JPEG to RGB', () => {
    const image = decodeImage(png(4, 3));
    expect([image.height, image.width, image.channels]).toEqual([3, 4, 3]);
    expect([...image.data.subarray(3 * 6, 3 * 6 + 3)]).toEqual([80, 60, 200]); // x = 2, y = 1
    const j = decodeImage(jpeg(8, 8, 128));
    expect([j.height, j.width, j.channels]).toEqual([8, 8, 3]);
    expect(Math.abs(j.data[0]! - 128)).toBeLessThanOrEqual(2);
    expect(() => decodeImage(new Uint8Array([1, 2, 3, 4]), 'x.bmp')).toThrow(
      'decodeImage(x.bmp): not a PNG or JPEG file (starts with 01 02 03 04)',
    );
    expect(() => decodeImage(png(4, 3).subarray(0, 40), 'cut.png')).toThrow(
      'decodeImage(cut.png): corrupt PNG',
    );
    expect(() => decodeImage(png(4, 3), 'big.png', 11)).toThrow(
      'decodeImage(big.png): 4x3 exceeds maxPixels 11',
    );
  });

  it('lists classes and samples as torchvision does and decodes items on demand', () => {
    const dataset = new ImageFolder(root);
    expect(dataset.classes).toEqual(['cat', 'dog']);
    expect(dataset.classToIdx).toEqual({ cat: 0, dog: 1 });
    expect(dataset.samples.map(([p, l]) => [p.slice(root.length + 1), l])).toEqual([
      ['cat/z.jpeg', 0],
      ['dog/a.jpg', 1],
      ['dog/b.png', 1],
      ['dog/more/c.png', 1],
    ]);
    const [image, label] = dataset.get(2);
    expect(label).toBe(1);
    expect(image.shape).toEqual([3, 3, 4]);
    expect(image.select(0, 2).max().item()).toBeCloseTo(200 / 255, 6);
    const named = new ImageFolder(root, { targetTransform: (l) => dataset.classes[l]! });
    expect(named.get(0)[1]).toBe('cat');
  });

  it('gives clear errors for an empty class, a missing root and unknown options', () => {
    const empty = join(dir, 'empty-class');
    mkdirSync(join(empty, 'a'), { recursive: true });
    expect(() => new ImageFolder(empty)).toThrow(
      `ImageFolder(${empty}): Found no valid file for the classes a.`,
    );
    expect(() => new ImageFolder(join(dir, 'nope'))).toThrow(
      'ImageFolder: cannot read the root folder'.slice(0, 11),
    );
    expect(() => new ImageFolder(root, { loader: 1 } as never)).toThrow(
      "ImageFolder: unknown option 'loader'",
    );
  });
});

describe('ChainDataset', () => {
  it('streams its datasets in order, sync or async', async () => {
    const chain = new ChainDataset([new IterableSource(() => [1, 2]), new IterableSource(() => [3])]);
    expect([...chain]).toEqual([1, 2, 3]);
    async function* later() {
      yield 4;
    }
    const mixed = new ChainDataset<number>([new IterableSource(() => [1]), new IterableSource(later)]);
    const seen: number[] = [];
    for await (const x of mixed) seen.push(x);
    expect(seen).toEqual([1, 4]);
    expect(() => [...mixed]).toThrow('this source is async; iterate with for await');
    expect(() => new ChainDataset([[1, 2] as never])).toThrow(
      'ChainDataset: datasets[0] is not an IterableDataset',
    );
  });
});
