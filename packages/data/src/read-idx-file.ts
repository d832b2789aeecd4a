import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { DataFormatError } from './errors';
import { IDX_MAX_BYTES, type IdxData, isGzip, type ReadIdxAsyncOptions, readIdx } from './readers/idx';

const gunzipAsync = promisify(gunzip);

/** Options of {@link readIdxFile}: `name` defaults to the file's base name. */
export type ReadIdxFileOptions = ReadIdxAsyncOptions;

/**
 * Reads an IDX file (MNIST format) from disk, gunzipping it with `node:zlib` when it starts with the gzip
 * magic number (`train-images-idx3-ubyte.gz`). Node only; in browsers use `readIdxAsync` on fetched bytes.
 *
 * @throws {DataFormatError} as `readIdx`, for corrupt gzip data, or when the file inflates past `maxBytes`
 * (default {@link IDX_MAX_BYTES}).
 * @example const images = await readIdxFile('data/train-images-idx3-ubyte.gz'); // images.shape: [60000, 28, 28]
 */
export async function readIdxFile(path: string, options: ReadIdxFileOptions = {}): Promise<IdxData> {
  const { name = basename(path), maxBytes = IDX_MAX_BYTES } = options;
  const raw = await readFile(path);
  if (!isGzip(raw)) return readIdx(raw, { name });
  let bytes: Uint8Array;
  try {
    bytes = await gunzipAsync(raw, { maxOutputLength: maxBytes });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const problem =
      error instanceof RangeError
        ? `decompresses to more than maxBytes (${maxBytes})`
        : `gzip data is corrupt (${reason})`;
    throw new DataFormatError('readIdx', problem, name);
  }
  return readIdx(bytes, { name });
}
