import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DataFormatError } from '../src/errors';
import { readIdxFile } from '../src/node';
import { readIdx, readIdxAsync } from '../src/readers/idx';

const CODES = { uint8: 0x08, int8: 0x09, int16: 0x0b, int32: 0x0c, float32: 0x0d, float64: 0x0e } as const;

/** Builds an IDX file the way the MNIST tools write it: big-endian header and data. */
function idx(dtype: keyof typeof CODES, shape: number[], values: number[]): Uint8Array {
  const size = { uint8: 1, int8: 1, int16: 2, int32: 4, float32: 4, float64: 8 }[dtype];
  const out = new Uint8Array(4 + 4 * shape.length + size * values.length);
  const view = new DataView(out.buffer);
  out.set(header(CODES[dtype], shape));
  const base = 4 + 4 * shape.length;
  values.forEach((v, i) => {
    const at = base + i * size;
    if (dtype === 'uint8') view.setUint8(at, v);
    else if (dtype === 'int8') view.setInt8(at, v);
    else if (dtype === 'int16') view.setInt16(at, v);
    else if (dtype === 'int32') view.setInt32(at, v);
    else if (dtype === 'float32') view.setFloat32(at, v);
    else view.setFloat64(at, v);
  });
  return out;
}

/** A header alone: magic, type code, ndims and big-endian dims. */
function header(code: number, dims: number[]): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length);
  out.set([0, 0, code, dims.length]);
  const view = new DataView(out.buffer);
  for (const [i, d] of dims.entries()) view.setUint32(4 + 4 * i, d);
  return out;
}

const withData = (head: Uint8Array, dataBytes: number): Uint8Array => {
  const out = new Uint8Array(head.length + dataBytes);
  out.set(head);
  return out;
};

describe('readIdx', () => {
  it('decodes every element type from big-endian bytes', () => {
    expect(readIdx(idx('uint8', [2, 3], [0, 1, 2, 127, 128, 255]))).toEqual({
      dtype: 'uint8',
      shape: [2, 3],
      data: Uint8Array.of(0, 1, 2, 127, 128, 255),
    });
    expect(readIdx(idx('int8', [3], [-128, 0, 127])).data).toEqual(Int8Array.of(-128, 0, 127));
    expect(readIdx(idx('int16', [3], [-32768, 258, 32767])).data).toEqual(Int16Array.of(-32768, 258, 32767));
    expect(readIdx(idx('int32', [2], [-(2 ** 31), 16909060])).data).toEqual(
      Int32Array.of(-(2 ** 31), 16909060),
    );
    expect(readIdx(idx('float32', [1, 2], [1.5, -0.1])).data).toEqual(Float32Array.of(1.5, -0.1));
    const f64 = readIdx(idx('float64', [2, 1, 1], [Math.PI, -Infinity]));
    expect(f64).toEqual({ dtype: 'float64', shape: [2, 1, 1], data: Float64Array.of(Math.PI, -Infinity) });
  });

  it('reads an MNIST-shaped label and image file', () => {
    const labels = readIdx(idx('uint8', [4], [5, 0, 4, 1]), { name: 'train-labels-idx1-ubyte' });
    expect(labels.shape).toEqual([4]);
    expect(Array.from(labels.data)).toEqual([5, 0, 4, 1]);
    const pixels = Array.from({ length: 2 * 28 * 28 }, (_, i) => i % 256);
    const images = readIdx(idx('uint8', [2, 28, 28], pixels));
    expect(images.shape).toEqual([2, 28, 28]);
    expect(images.data[28 * 28 + 5]).toBe((28 * 28 + 5) % 256);
  });

  it('accepts zero-sized dims', () => {
    expect(readIdx(idx('float32', [0, 28], []))).toEqual({
      dtype: 'float32',
      shape: [0, 28],
      data: new Float32Array(0),
    });
  });

  it('copies the data into a fresh aligned buffer, even from an unaligned Node Buffer view', () => {
    const file = idx('float32', [2], [1, 2]);
    const padded = Buffer.alloc(file.length + 1);
    padded.set(file, 1);
    const view = padded.subarray(1);
    const { data } = readIdx(view);
    expect(data).toEqual(Float32Array.of(1, 2));
    view[view.length - 1] = 0xff;
    expect(data).toEqual(Float32Array.of(1, 2));
    const bytes = readIdx(idx('uint8', [2], [7, 8])).data;
    expect(bytes.byteOffset).toBe(0);
    expect(bytes.buffer.byteLength).toBe(2);
  });

  it('rejects a file shorter than the magic number', () => {
    expect(() => readIdx(Uint8Array.of(0, 0, 8))).toThrow(
      new DataFormatError('readIdx', 'file is 3 bytes, shorter than the 4-byte IDX magic number'),
    );
    expect(() => readIdx(new Uint8Array(0), { name: 'x' })).toThrow('readIdx(x): file is 0 bytes');
  });

  it('rejects bad magic bytes, and says so when the input is gzip', () => {
    expect(() => readIdx(Uint8Array.of(1, 0, 8, 1, 0, 0, 0, 0))).toThrow(
      'readIdx: bad magic bytes 0x01 0x00: an IDX file starts with 0x00 0x00',
    );
    expect(() => readIdx(gzipSync(idx('uint8', [1], [1])), { name: 'a.gz' })).toThrow(
      'readIdx(a.gz): bad magic bytes 0x1f 0x8b: an IDX file starts with 0x00 0x00 (this is gzip-compressed: use readIdxAsync or readIdxFile)',
    );
  });

  it('rejects an unknown type code', () => {
    expect(() => readIdx(header(0x0a, [1]))).toThrow(
      'readIdx: unknown data type code 0x0a (expected 0x08 uint8',
    );
  });

  it('rejects 0 dimensions and more than 16', () => {
    expect(() => readIdx(Uint8Array.of(0, 0, 8, 0))).toThrow(
      'readIdx: header declares 0 dimensions; expected 1 to 16',
    );
    expect(() => readIdx(header(8, new Array(17).fill(1)))).toThrow('header declares 17 dimensions');
  });

  it('rejects a header cut short', () => {
    expect(() => readIdx(header(8, [60000, 28, 28]).subarray(0, 10))).toThrow(
      'readIdx: header of 3 dimensions needs 16 bytes but file has 10',
    );
  });

  it('rejects negative dims', () => {
    expect(() => readIdx(header(8, [2, 0xffffffff]))).toThrow('readIdx: dimension 1 is negative (-1)');
  });

  it('rejects data shorter than declared, naming the file and sizes', () => {
    const file = withData(header(8, [60000, 28, 28]), 47039984);
    expect(() => readIdx(file, { name: 'train-images-idx3-ubyte' })).toThrow(
      new DataFormatError(
        'readIdx',
        'declared 60000x28x28 = 47040000 bytes of uint8 data but file has 47039984 after the 16-byte header',
        'train-images-idx3-ubyte',
      ),
    );
  });

  it('rejects trailing garbage after the data', () => {
    expect(() => readIdx(withData(header(0x0d, [2, 3]), 25))).toThrow(
      'readIdx: declared 2x3 = 6 float32 values = 24 bytes of data but file has 25 after the 12-byte header',
    );
  });

  it('rejects headers declaring absurd sizes without allocating them', () => {
    const huge = header(0x0e, [0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff]);
    expect(() => readIdx(withData(huge, 8))).toThrow(
      'declared 2147483647x2147483647x2147483647x2147483647 = 21267647892944572736998860269687930881 float64 values',
    );
  });

  it('throws DataFormatError instances', () => {
    const error = (() => {
      try {
        readIdx(new Uint8Array(2), { name: 'f' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(DataFormatError);
    expect(error).toMatchObject({ name: 'DataFormatError', reader: 'readIdx', fileName: 'f' });
  });
});

describe('readIdxAsync', () => {
  it('reads raw bytes like readIdx', async () => {
    expect(await readIdxAsync(idx('int16', [2], [1, -1]))).toEqual(readIdx(idx('int16', [2], [1, -1])));
  });

  it('gunzips transparently', async () => {
    const pixels = Array.from({ length: 3 * 28 * 28 }, (_, i) => (i * 7) % 256);
    const file = idx('uint8', [3, 28, 28], pixels);
    const result = await readIdxAsync(gzipSync(file), { name: 't10k-images-idx3-ubyte.gz' });
    expect(result).toEqual(readIdx(file));
  });

  it('reports validation errors of the decompressed file', async () => {
    await expect(readIdxAsync(gzipSync(withData(header(8, [4]), 3)), { name: 'a.gz' })).rejects.toThrow(
      'readIdx(a.gz): declared 4 = 4 bytes of uint8 data but file has 3 after the 8-byte header',
    );
    await expect(readIdxAsync(gzipSync(Uint8Array.of(0, 0)))).rejects.toThrow('file is 2 bytes');
    await expect(readIdxAsync(gzipSync(Uint8Array.of(0, 0, 0x42, 1)))).rejects.toThrow(
      'unknown data type code 0x42',
    );
  });

  it('stops inflating at trailing data', async () => {
    const bomb = gzipSync(withData(header(8, [4]), 4 + 10_000_000));
    await expect(readIdxAsync(bomb, { name: 'bomb.gz' })).rejects.toThrow(
      'readIdx(bomb.gz): declared 4 = 4 bytes of uint8 data but the decompressed file has trailing data',
    );
  });

  it('refuses files declaring more than maxBytes before inflating them', async () => {
    const big = gzipSync(withData(header(8, [1000]), 1000));
    await expect(readIdxAsync(big, { maxBytes: 500 })).rejects.toThrow(
      'readIdx: declares 1000 = 1000 bytes of uint8 data, more than maxBytes (500) once decompressed',
    );
    expect((await readIdxAsync(big, { maxBytes: 1008 })).shape).toEqual([1000]);
  });

  it('rejects corrupt gzip data', async () => {
    const gz = gzipSync(idx('uint8', [64], new Array(64).fill(3)));
    gz.fill(0xaa, 10, gz.length - 8);
    await expect(readIdxAsync(gz, { name: 'bad.gz' })).rejects.toThrow(
      'readIdx(bad.gz): gzip data is corrupt',
    );
  });
});

describe('readIdxFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nn-idx-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = idx('uint8', [2, 2], [1, 2, 3, 4]);

  it('reads plain and gzipped files, naming errors after the file', async () => {
    writeFileSync(join(dir, 'labels-idx2-ubyte'), file);
    writeFileSync(join(dir, 'labels-idx2-ubyte.gz'), gzipSync(file));
    writeFileSync(join(dir, 'short-idx1-ubyte'), file.subarray(0, 14));
    expect(await readIdxFile(join(dir, 'labels-idx2-ubyte'))).toEqual(readIdx(file));
    expect(await readIdxFile(join(dir, 'labels-idx2-ubyte.gz'))).toEqual(readIdx(file));
    await expect(readIdxFile(join(dir, 'short-idx1-ubyte'))).rejects.toThrow(
      'readIdx(short-idx1-ubyte): declared 2x2 = 4 bytes of uint8 data but file has 2 after the 12-byte header',
    );
  });

  it('rejects corrupt gzip and output beyond maxBytes', async () => {
    const gz = gzipSync(file);
    gz.fill(0xaa, 10, gz.length - 8);
    writeFileSync(join(dir, 'bad.gz'), gz);
    await expect(readIdxFile(join(dir, 'bad.gz'))).rejects.toThrow('readIdx(bad.gz): gzip data is corrupt');
    writeFileSync(join(dir, 'big.gz'), gzipSync(withData(header(8, [100_000]), 100_000)));
    await expect(readIdxFile(join(dir, 'big.gz'), { maxBytes: 1000 })).rejects.toThrow(
      'readIdx(big.gz): declares 100000 = 100000 bytes of uint8 data, more than maxBytes (1000) once decompressed',
    );
  });

  it('checks the header while inflating: a gzip bomb stops at the declared size', async () => {
    // 784 declared bytes followed by 16 MB of zeros (16 KB compressed).
    writeFileSync(join(dir, 'bomb.gz'), gzipSync(withData(header(8, [1, 28, 28]), 784 + 2 ** 24)));
    await expect(readIdxFile(join(dir, 'bomb.gz'))).rejects.toThrow(
      'readIdx(bomb.gz): declared 1x28x28 = 784 bytes of uint8 data but the decompressed file has trailing data',
    );
  });
});
