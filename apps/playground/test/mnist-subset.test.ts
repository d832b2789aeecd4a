import { readIdxAsync } from '@nn/data';
import { describe, expect, it } from 'vitest';
import { buildSubset, MNIST_SUBSET } from '../vite/mnist-subset-plugin';

describe('the MNIST subset the build ships', () => {
  it('is four gzip-compressed IDX files of the first training and test items, a few MB in all', async () => {
    const files = buildSubset();
    const read = (name: string) => readIdxAsync(files.get(name)!, { name });
    const trainImages = await read('train-images-idx3-ubyte.gz');
    const trainLabels = await read('train-labels-idx1-ubyte.gz');
    const testImages = await read('t10k-images-idx3-ubyte.gz');
    const testLabels = await read('t10k-labels-idx1-ubyte.gz');
    expect(trainImages.shape).toEqual([MNIST_SUBSET.train, 28, 28]);
    expect(trainLabels.shape).toEqual([MNIST_SUBSET.train]);
    expect(testImages.shape).toEqual([MNIST_SUBSET.test, 28, 28]);
    expect(testLabels.shape).toEqual([MNIST_SUBSET.test]);
    // MNIST's first training labels and first test label
    expect(Array.from(trainLabels.data.subarray(0, 5))).toEqual([5, 0, 4, 1, 9]);
    expect(testLabels.data[0]).toBe(7);
    const bytes = [...files.values()].reduce((sum, f) => sum + f.length, 0);
    expect(bytes).toBeLessThan(3_000_000);
  });
});
