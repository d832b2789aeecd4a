import { checkOptions } from '@nn/tensor';
import { DataFormatError } from '../errors';

/** The element types an IDX file can hold. */
export type IdxDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** The typed array {@link readIdx} returns for each IDX element type. */
export interface IdxArrays {
  uint8: Uint8Array;
  int8: Int8Array;
  int16: Int16Array;
  int32: Int32Array;
  float32: Float32Array;
  float64: Float64Array;
}

/** A decoded IDX file: row-major `data` of `shape`, in the array type matching `dtype`. */
export type IdxData = {
  [D in IdxDtype]: {
    /** The element type the header declares. */
    dtype: D;
    /** Sizes of each dim. */
    shape: number[];
    /** The elements, row-major (big-endian values decoded). */
    data: IdxArrays[D];
  };
}[IdxDtype];

/** Options of {@link readIdx}. */
export interface ReadIdxOptions {
  /** The file name, quoted in error messages. */
  name?: string;
}

/** Options of {@link readIdxAsync}. */
export interface ReadIdxAsyncOptions extends ReadIdxOptions {
  /**
   * The most bytes a gzip-compressed file may decompress to (header included); files declaring more are
   * rejected before their data is inflated. Default {@link IDX_MAX_BYTES}.
   */
  maxBytes?: number;
}

/** Default cap on the decompressed size of a gzip-compressed IDX file: 1 GiB (MNIST's largest is 47 MB). */
export const IDX_MAX_BYTES = 2 ** 30;

/** The most dimensions an IDX header may declare (MNIST uses 1 and 3). */
export const IDX_MAX_DIMS = 16;

const TYPE_CODES = new Map<number, IdxDtype>([
  [0x08, 'uint8'],
  [0x09, 'int8'],
  [0x0b, 'int16'],
  [0x0c, 'int32'],
  [0x0d, 'float32'],
  [0x0e, 'float64'],
]);

const ITEM_SIZE: Record<IdxDtype, number> = { uint8: 1, int8: 1, int16: 2, int32: 4, float32: 4, float64: 8 };

interface IdxHeader {
  dtype: IdxDtype;
  shape: number[];
  /** Byte offset of the data: 4 + 4 * ndims. */
  dataOffset: number;
  /** Data bytes the header declares (may exceed any real file, hence a bigint). */
  dataBytes: bigint;
}

const hex = (byte: number): string => `0x${byte.toString(16).padStart(2, '0')}`;

/** Throws the reader's error for `problem` in the file called `name`. */
function fail(problem: string, name: string | undefined): never {
  throw new DataFormatError('readIdx', problem, name);
}

/** True when `bytes` starts with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Validates as much of the header as `bytes` holds; returns it once complete, `undefined` while `bytes`
 * ends inside it. Throws for bad magic bytes, unknown type codes, a bad dimension count or negative dims.
 */
function parseHeader(bytes: Uint8Array, name: string | undefined): IdxHeader | undefined {
  if (bytes.length < 4) return undefined;
  const [zero0, zero1, code, ndims] = [bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!];
  if (zero0 !== 0 || zero1 !== 0) {
    const gzipHint = isGzip(bytes) ? ' (this is gzip-compressed: use readIdxAsync or readIdxFile)' : '';
    fail(`bad magic bytes ${hex(zero0)} ${hex(zero1)}: an IDX file starts with 0x00 0x00${gzipHint}`, name);
  }
  const dtype = TYPE_CODES.get(code);
  if (dtype === undefined) {
    fail(
      `unknown data type code ${hex(code)} (expected 0x08 uint8, 0x09 int8, 0x0b int16, 0x0c int32, ` +
        '0x0d float32 or 0x0e float64)',
      name,
    );
  }
  if (ndims === 0 || ndims > IDX_MAX_DIMS) {
    fail(`header declares ${ndims} dimensions; expected 1 to ${IDX_MAX_DIMS}`, name);
  }
  const dataOffset = 4 + 4 * ndims;
  if (bytes.length < dataOffset) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, dataOffset);
  const shape: number[] = [];
  for (let d = 0; d < ndims; d++) {
    const size = view.getInt32(4 + 4 * d);
    if (size < 0) fail(`dimension ${d} is negative (${size})`, name);
    shape.push(size);
  }
  const count = shape.reduce((acc, size) => acc * BigInt(size), 1n);
  return { dtype, shape, dataOffset, dataBytes: count * BigInt(ITEM_SIZE[dtype]) };
}

/** Describes the declared data size: `60000x28x28 = 47040000 bytes of uint8 data`. */
function describeDeclared(header: IdxHeader): string {
  const dims = header.shape.join('x');
  const size = ITEM_SIZE[header.dtype];
  if (size === 1) return `${dims} = ${header.dataBytes} bytes of ${header.dtype} data`;
  return `${dims} = ${header.dataBytes / BigInt(size)} ${header.dtype} values = ${header.dataBytes} bytes of data`;
}

/** Fills `out` with `read(byteOffset)` of each of its elements (a big-endian `DataView` getter). */
function fromBigEndian<T extends Int16Array | Int32Array | Float32Array | Float64Array>(
  out: T,
  read: (byteOffset: number) => number,
): T {
  const step = out.BYTES_PER_ELEMENT;
  for (let i = 0; i < out.length; i++) out[i] = read(i * step);
  return out;
}

/**
 * Decodes an uncompressed IDX file (the MNIST format): magic `00 00 <type> <ndims>`, `ndims` big-endian
 * int32 dimensions, then big-endian row-major data. Every size is checked against the real byte length
 * before anything is allocated; the returned array is a fresh copy.
 *
 * @throws {DataFormatError} on a truncated or oversized file, bad magic, unknown type code, 0 or more than
 * {@link IDX_MAX_DIMS} dimensions, negative dimensions, or gzip input (use {@link readIdxAsync}).
 * @example readIdx(bytes, { name: 'train-labels-idx1-ubyte' }) // { dtype: 'uint8', shape: [60000], data }
 */
export function readIdx(bytes: Uint8Array, options: ReadIdxOptions = {}): IdxData {
  checkOptions('readIdx', options, { name: true });
  const { name } = options;
  const header = parseHeader(bytes, name);
  if (header === undefined) {
    const problem =
      bytes.length < 4
        ? `file is ${bytes.length} bytes, shorter than the 4-byte IDX magic number`
        : `header of ${bytes[3]} dimensions needs ${4 + 4 * bytes[3]!} bytes but file has ${bytes.length}`;
    throw new DataFormatError('readIdx', problem, name);
  }
  const { dtype, shape, dataOffset, dataBytes } = header;
  const actual = bytes.length - dataOffset;
  if (dataBytes !== BigInt(actual)) {
    throw new DataFormatError(
      'readIdx',
      `declared ${describeDeclared(header)} but file has ${actual} after the ${dataOffset}-byte header`,
      name,
    );
  }
  // `new Uint8Array(typedArray)` copies (unlike Buffer#slice, which would alias a Node Buffer).
  const body = new Uint8Array(bytes.subarray(dataOffset));
  const view = new DataView(body.buffer);
  const count = actual / ITEM_SIZE[dtype];
  switch (dtype) {
    case 'uint8':
      return { dtype, shape, data: body };
    case 'int8':
      return { dtype, shape, data: new Int8Array(body.buffer) };
    case 'int16':
      return { dtype, shape, data: fromBigEndian(new Int16Array(count), (o) => view.getInt16(o)) };
    case 'int32':
      return { dtype, shape, data: fromBigEndian(new Int32Array(count), (o) => view.getInt32(o)) };
    case 'float32':
      return { dtype, shape, data: fromBigEndian(new Float32Array(count), (o) => view.getFloat32(o)) };
    case 'float64':
      return { dtype, shape, data: fromBigEndian(new Float64Array(count), (o) => view.getFloat64(o)) };
  }
}

/**
 * Gunzips `bytes` chunk by chunk, validating the IDX header as soon as it is inflated: output beyond the size
 * the header declares, or a declared size above `maxBytes`, aborts decompression (no gzip bombs).
 */
async function gunzipIdx(bytes: Uint8Array, name: string | undefined, maxBytes: number): Promise<Uint8Array> {
  if (typeof DecompressionStream === 'undefined') {
    fail('input is gzip-compressed but this runtime has no DecompressionStream; decompress it first', name);
  }
  const inflate = new DecompressionStream('gzip');
  const writer = inflate.writable.getWriter();
  // Failures surface through the reader below; these promises only mirror them.
  writer.write(bytes).catch(() => {});
  writer.close().catch(() => {});
  const reader = inflate.readable.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let header: IdxHeader | undefined;
  try {
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (error) {
        fail(`gzip data is corrupt (${error instanceof Error ? error.message : String(error)})`, name);
      }
      if (chunk.done) break;
      chunks.push(chunk.value);
      total += chunk.value.length;
      if (header === undefined) {
        header = parseHeader(concat(chunks, total), name);
        if (header !== undefined && BigInt(header.dataOffset) + header.dataBytes > BigInt(maxBytes)) {
          fail(
            `declares ${describeDeclared(header)}, more than maxBytes (${maxBytes}) once decompressed`,
            name,
          );
        }
      }
      if (header !== undefined && BigInt(total) > BigInt(header.dataOffset) + header.dataBytes) {
        fail(`declared ${describeDeclared(header)} but the decompressed file has trailing data`, name);
      }
    }
  } catch (error) {
    await reader.cancel().catch(() => {});
    throw error;
  }
  return concat(chunks, total);
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/**
 * {@link readIdx} that also accepts gzip-compressed input (magic `1f 8b`, as MNIST is distributed),
 * decompressed with the web-standard `DecompressionStream` (Node 20+ and browsers). Decompression stops as
 * soon as the output disagrees with the header or exceeds `maxBytes`.
 *
 * @throws {DataFormatError} as {@link readIdx}, or for corrupt gzip data.
 * @example await readIdxAsync(new Uint8Array(await (await fetch(url)).arrayBuffer()), { name: url })
 */
export async function readIdxAsync(bytes: Uint8Array, options: ReadIdxAsyncOptions = {}): Promise<IdxData> {
  checkOptions('readIdxAsync', options, { name: true, maxBytes: true });
  const { name, maxBytes = IDX_MAX_BYTES } = options;
  if (!isGzip(bytes)) return readIdx(bytes, { name });
  return readIdx(await gunzipIdx(bytes, name, maxBytes), { name });
}
