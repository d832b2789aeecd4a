import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { checkOptions } from '@nn/tensor';
import { type IdxData, type ReadIdxAsyncOptions, readIdxAsync } from './readers/idx';

/** Options of {@link readIdxFile}: `name` defaults to the file's base name. */
export type ReadIdxFileOptions = ReadIdxAsyncOptions;

/**
 * Reads an IDX file (MNIST format) from disk, gunzipping it when it starts with the gzip magic number
 * (`train-images-idx3-ubyte.gz`). Node only; in browsers use `readIdxAsync` on fetched bytes.
 *
 * Gzip input is inflated as {@link readIdxAsync} does it: chunk by chunk, checking the header as soon as it is
 * out, so a small file that inflates far past the size its header declares (a gzip bomb) stops early.
 *
 * @throws {DataFormatError} as `readIdx`, for corrupt gzip data, when the inflated data disagrees with the
 * header, or when the header declares more than `maxBytes` (default `IDX_MAX_BYTES`, 1 GiB).
 * @example const images = await readIdxFile('data/train-images-idx3-ubyte.gz'); // images.shape: [60000, 28, 28]
 */
export async function readIdxFile(path: string, options: ReadIdxFileOptions = {}): Promise<IdxData> {
  const { name = basename(path), maxBytes } = checkOptions('readIdxFile', options, {
    name: true,
    maxBytes: true,
  });
  return readIdxAsync(await readFile(path), maxBytes === undefined ? { name } : { name, maxBytes });
}
