import { DataFormatError } from '../errors';

/** One CIFAR-10 binary record: a label byte, then 1024 red, 1024 green and 1024 blue bytes of a 32x32 image. */
export const CIFAR_RECORD_BYTES = 1 + 3 * 32 * 32;

/** The CIFAR-10 class names, indexed by label. */
export const CIFAR10_CLASSES: readonly string[] = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
];

/** Images and labels read from CIFAR-10 binary batches. */
export interface CifarData {
  /** `count` images of 3x32x32 bytes each, planar (all red, then green, then blue), as in the file. */
  images: Uint8Array;
  /** One label 0-9 per image. */
  labels: Uint8Array;
  /** Number of images. */
  count: number;
}

/**
 * Reads a CIFAR-10 binary batch (`data_batch_1.bin` ... `test_batch.bin`: 10 000 records of 3073 bytes).
 * Browser-safe; `CIFAR10.load` in '@nn/data/node' reads the files.
 *
 * @throws {DataFormatError} naming the file when it is empty, truncated (not a whole number of records)
 * or holds a label outside 0-9.
 */
export function readCifar10(bytes: Uint8Array, name?: string): CifarData {
  if (!(bytes instanceof Uint8Array)) {
    throw new DataFormatError(
      'readCifar10',
      `expected the file's bytes as a Uint8Array, got ${typeof bytes}`,
      name,
    );
  }
  if (bytes.length === 0 || bytes.length % CIFAR_RECORD_BYTES !== 0) {
    const whole = Math.floor(bytes.length / CIFAR_RECORD_BYTES);
    throw new DataFormatError(
      'readCifar10',
      `${bytes.length} bytes is not a whole number of ${CIFAR_RECORD_BYTES}-byte records (${whole} records and ` +
        `${bytes.length - whole * CIFAR_RECORD_BYTES} bytes left over): the file is truncated or not a CIFAR-10 binary batch`,
      name,
    );
  }
  const count = bytes.length / CIFAR_RECORD_BYTES;
  const images = new Uint8Array(count * (CIFAR_RECORD_BYTES - 1));
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const at = i * CIFAR_RECORD_BYTES;
    const label = bytes[at]!;
    if (label > 9) {
      throw new DataFormatError(
        'readCifar10',
        `record ${i} has label ${label}, not a class 0-9 (is this the CIFAR-100 format, with two label bytes?)`,
        name,
      );
    }
    labels[i] = label;
    images.set(bytes.subarray(at + 1, at + CIFAR_RECORD_BYTES), i * (CIFAR_RECORD_BYTES - 1));
  }
  return { images, labels, count };
}
