import { gunzipSync, gzipSync } from 'node:zlib';
import { fuzz, hexPreview, mutateBytes, mutateText, type Rng } from '@nn/tooling/test-utils';
import { describe, expect, it } from 'vitest';
import { DataFormatError } from '../src/errors';
import { type ParseCsvOptions, parseCsv } from '../src/readers/csv';
import { type IdxData, readIdx, readIdxAsync } from '../src/readers/idx';

/** A valid IDX file: magic, type code, big-endian dims, then `itemSize` bytes per element (any values). */
function idx(code: number, dims: number[], itemSize: number): Uint8Array {
  const count = dims.reduce((a, b) => a * b, 1);
  const out = new Uint8Array(4 + 4 * dims.length + itemSize * count);
  out.set([0, 0, code, dims.length]);
  const view = new DataView(out.buffer);
  for (const [i, d] of dims.entries()) view.setUint32(4 + 4 * i, d);
  for (let i = 4 + 4 * dims.length; i < out.length; i++) out[i] = (i * 37) & 0xff;
  return out;
}

const idxCorpus = [
  idx(0x08, [3, 2, 2], 1),
  idx(0x09, [5], 1),
  idx(0x0b, [2, 3], 2),
  idx(0x0c, [4], 4),
  idx(0x0d, [1, 2, 2], 4),
  idx(0x0e, [2], 8),
  idx(0x08, [0, 28, 28], 1),
];

const dataBytes = (value: IdxData) => value.data.byteLength;
const MAX_BYTES = 1 << 20;

describe('IDX reader fuzzing', () => {
  it('raw: every mutated file reads or throws DataFormatError, with data no larger than the file', async () => {
    const report = await fuzz({
      seed: 0x1d8,
      iterations: 20_000,
      corpus: idxCorpus,
      mutate: (input: Uint8Array, rng: Rng) => mutateBytes(input, rng),
      run: (input) => readIdx(input),
      errorClass: DataFormatError,
      check: (value, input) => {
        if (dataBytes(value) > input.length)
          throw new Error(`${dataBytes(value)} data bytes from ${input.length}`);
      },
      describe: hexPreview,
    });
    expect(report.values).toBeGreaterThan(100);
    expect(report.errors).toBeGreaterThan(5000);
  });

  it('gzip: mutated IDX files gzipped, and mutated gzip streams, read or throw DataFormatError within maxBytes', async () => {
    const report = await fuzz({
      seed: 0x92f,
      iterations: 500,
      corpus: idxCorpus.map((file) => gzipSync(file)),
      // Mutate the inflated file (reaching the streaming header checks) or the gzip bytes themselves.
      mutate: (input: Uint8Array, rng: Rng) =>
        rng.int(2) === 0
          ? gzipSync(mutateBytes(new Uint8Array(gunzipOrEmpty(input)), rng))
          : mutateBytes(input, rng),
      run: (input) => readIdxAsync(input, { maxBytes: MAX_BYTES }),
      errorClass: DataFormatError,
      check: (value) => {
        if (dataBytes(value) > MAX_BYTES) throw new Error(`${dataBytes(value)} data bytes, over maxBytes`);
      },
      describe: hexPreview,
    });
    expect(report.values).toBeGreaterThan(20);
    expect(report.errors).toBeGreaterThan(150);
  });
});

/** The inflated bytes of a corpus entry (mutants that no longer inflate start over from empty). */
function gunzipOrEmpty(bytes: Uint8Array): Uint8Array {
  try {
    return new Uint8Array(gunzipSync(bytes));
  } catch {
    return new Uint8Array(0);
  }
}

interface CsvInput {
  text: string;
  options: ParseCsvOptions;
}

const csvCorpus: CsvInput[] = [
  { text: 'x,y,label\n1,2,0\n3,4,1\n', options: { labelColumn: 'label' } },
  { text: '1.5,-2e3,nan\r\n3,inf,-Infinity\r\n', options: { header: false } },
  { text: '"a","b ""quoted"""\n"1",2\n\n3,4\n', options: { labelColumn: -1 } },
  { text: 'a;b\n1;2\n', options: { delimiter: ';', header: true, skipEmptyLines: false } },
];

describe('CSV reader fuzzing', () => {
  it('every mutated table parses or throws DataFormatError, with no more values than characters', async () => {
    const report = await fuzz({
      seed: 0xc5f,
      iterations: 20_000,
      corpus: csvCorpus,
      mutate: (input: CsvInput, rng: Rng) => ({ text: mutateText(input.text, rng), options: input.options }),
      run: ({ text, options }) => parseCsv(text, options),
      errorClass: DataFormatError,
      check: (table, { text }) => {
        const values = table.features.length + (table.labels?.length ?? 0);
        if (values > text.length + 1) throw new Error(`${values} values from ${text.length} characters`);
        if (table.features.length !== table.rows * table.cols) throw new Error('features is not rows x cols');
      },
      describe: (input) => JSON.stringify(input),
    });
    expect(report.values).toBeGreaterThan(500);
    expect(report.errors).toBeGreaterThan(5000);
  });
});
