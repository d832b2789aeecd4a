import { readIdxAsync } from '@nn/data';
import { type Tensor, tensor } from '@nn/tensor';
import { normalise } from './normalise';

async function fetchIdx(name: string): Promise<{ shape: number[]; data: Uint8Array }> {
  const url = new URL(`${import.meta.env.BASE_URL}mnist/${name}`, self.location.href);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`fetching ${url}: HTTP ${response.status}`);
  const file = await readIdxAsync(new Uint8Array(await response.arrayBuffer()), { name });
  if (file.dtype !== 'uint8') throw new Error(`${name}: expected uint8 IDX data, got ${file.dtype}`);
  return file;
}

/** One split of the shipped MNIST subset: images [N, 1, 28, 28] (normalised) and int32 labels [N]. */
export async function loadMnistSplit(split: 'train' | 't10k'): Promise<[Tensor, Tensor]> {
  const [images, labels] = await Promise.all([
    fetchIdx(`${split}-images-idx3-ubyte.gz`),
    fetchIdx(`${split}-labels-idx1-ubyte.gz`),
  ]);
  const count = labels.shape[0]!;
  return [tensor(normalise(images.data)).reshape(count, 1, 28, 28), tensor(Int32Array.from(labels.data))];
}
