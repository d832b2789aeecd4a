import { readFileSync } from 'node:fs';
import { NNError, Tensor } from '@nn/tensor';
import { fuzz, hexPreview, mutateBytes, type Rng } from '@nn/tooling/test-utils';
import { unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { decodeTorchFile } from '../src/serialization/torch-file';

const read = (name: string) =>
  new Uint8Array(readFileSync(new URL(`./fixtures/torch/${name}`, import.meta.url)));
const corpus = ['dtypes.pt', 'views.pt', 'nested.pt', 'protocol4.pt', 'parameters.pt'].map(read);

/** Bytes of every tensor in a decoded value (Maps, arrays), to bound what a file may expand to. */
function tensorBytes(value: unknown, seen = new Set<unknown>()): number {
  if (typeof value !== 'object' || value === null || seen.has(value)) return 0;
  seen.add(value);
  if (value instanceof Tensor) return value.numel() * 8;
  const items = value instanceof Map ? [...value.values()] : Array.isArray(value) ? value : [];
  return items.reduce((n: number, v) => n + tensorBytes(v, seen), 0);
}

/**
 * Mutates the raw file (zip structure, offsets, sizes) or, re-zipped, only the pickle: mutations there
 * reach the unpickler instead of stopping at the zip reader.
 */
function mutate(file: Uint8Array, rng: Rng): Uint8Array {
  if (rng.int(2) === 0) return mutateBytes(file, rng);
  let records: Record<string, Uint8Array>;
  try {
    records = unzipSync(file);
  } catch {
    return mutateBytes(file, rng);
  }
  const pickle = Object.keys(records).find((n) => n.endsWith('data.pkl'));
  if (pickle === undefined) return mutateBytes(file, rng);
  records[pickle] = mutateBytes(records[pickle]!, rng);
  return zipSync(records, { level: 0 });
}

describe('decodeTorchFile fuzzing', () => {
  it('every mutated checkpoint decodes or throws an NNError, never more data than the file allows', async () => {
    const report = await fuzz({
      seed: 0x70c4,
      iterations: 3000,
      corpus,
      mutate,
      run: decodeTorchFile,
      errorClass: NNError,
      check: (value, input) => {
        const bytes = tensorBytes(value);
        if (bytes > 2 * (4 * input.length + 2 ** 26))
          throw new Error(`decoded ${bytes} bytes from ${input.length}`);
      },
      describe: hexPreview,
    });
    expect(report.values).toBeGreaterThan(50);
    expect(report.errors).toBeGreaterThan(1000);
  });
});
