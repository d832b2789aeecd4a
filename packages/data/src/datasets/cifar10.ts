import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkOptions, type OptionKeys, type Tensor } from '@nn/tensor';
import { DataFormatError } from '../errors';
import { CIFAR10_CLASSES, readCifar10 } from '../readers/cifar';
import { type ImageBytes, ToTensor, type Transform } from '../transforms';
import { Dataset } from './dataset';

/** Options of {@link CIFAR10.load}. */
export interface Cifar10Options<X = Tensor> {
  /** Directory with the binary batches, or with the `cifar-10-batches-bin` folder of the archive. */
  root: string;
  /** The 50 000 training images (`data_batch_1..5.bin`, default) or the 10 000 test images (`test_batch.bin`). */
  train?: boolean;
  /** Applied to each image (an RGB `ImageBytes`, HWC); default ToTensor(): float32 [3, 32, 32] in [0, 1]. */
  transform?: Transform<ImageBytes, X>;
}
const CIFAR10_KEYS: OptionKeys<Cifar10Options<unknown>> = { root: true, train: true, transform: true };

const TRAIN_FILES = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
const TEST_FILES = ['test_batch.bin'];

/**
 * CIFAR-10 (Krizhevsky 2009) read from its binary distribution (`cifar-10-binary.tar.gz`, extracted):
 * items are `[image, label]`, as torchvision's CIFAR10 with a ToTensor transform. Node only; the
 * reader itself is `readCifar10` in '@nn/data'.
 *
 * @example
 * ```ts
 * const train = await CIFAR10.load({ root: 'data/cifar-10-batches-bin' });
 * const [image, label] = train.get(0); // float32 [3, 32, 32], and a class 0-9
 * ```
 */
export class CIFAR10<X = Tensor> extends Dataset<[X, number]> {
  /** Class names, indexed by label. */
  readonly classes = CIFAR10_CLASSES;

  private constructor(
    /** All images, planar 3x32x32 bytes each. */
    readonly images: Uint8Array,
    /** All labels, 0-9. */
    readonly labels: Uint8Array,
    private readonly transform: Transform<ImageBytes, X>,
  ) {
    super();
  }

  /** Reads the training or test split: `await CIFAR10.load({ root })`. */
  static async load<X = Tensor>(options: Cifar10Options<X>): Promise<CIFAR10<X>> {
    const { root, train = true, transform } = checkOptions('CIFAR10.load', options, CIFAR10_KEYS);
    if (typeof root !== 'string') {
      throw new DataFormatError(
        'CIFAR10',
        'pass { root } pointing at the directory with the CIFAR-10 .bin files',
      );
    }
    const dir = existsSync(join(root, 'cifar-10-batches-bin')) ? join(root, 'cifar-10-batches-bin') : root;
    const parts = [];
    for (const file of train ? TRAIN_FILES : TEST_FILES) {
      const path = join(dir, file);
      if (!existsSync(path)) throw new DataFormatError('CIFAR10', `${file} not found in ${dir}`, file);
      parts.push(readCifar10(await readFile(path), file));
    }
    const count = parts.reduce((n, p) => n + p.count, 0);
    const images = new Uint8Array(count * 3072);
    const labels = new Uint8Array(count);
    let at = 0;
    for (const p of parts) {
      images.set(p.images, at * 3072);
      labels.set(p.labels, at);
      at += p.count;
    }
    return new CIFAR10(images, labels, (transform ?? ToTensor()) as Transform<ImageBytes, X>);
  }

  get length(): number {
    return this.labels.length;
  }

  get(index: number): [X, number] {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) {
      throw new RangeError(`CIFAR10: index ${index} is out of range for a dataset of length ${this.length}`);
    }
    // planar in the file; ImageBytes are interleaved (HWC), as torchvision hands PIL images to transforms
    const planar = this.images.subarray(index * 3072, (index + 1) * 3072);
    const data = new Uint8Array(3072);
    for (let p = 0; p < 1024; p++) {
      data[3 * p] = planar[p]!;
      data[3 * p + 1] = planar[1024 + p]!;
      data[3 * p + 2] = planar[2048 + p]!;
    }
    return [this.transform({ data, height: 32, width: 32, channels: 3 }), this.labels[index]!];
  }
}
