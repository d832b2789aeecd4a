import { fuzz, hexPreview, mutateBytes, mutateText, type Rng } from '@nn/tooling/test-utils';
import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors } from '../src/serialization/safetensors';
import { SafetensorsError } from '../src/serialization/safetensors-error';

const corpus = [
  encodeSafetensors({ w: { dtype: 'F32', shape: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, 6) } }),
  encodeSafetensors(
    {
      'fc.weight': { dtype: 'F64', shape: [2], data: Float64Array.of(0.5, -1) },
      'fc.bias': { dtype: 'I64', shape: [1], data: BigInt64Array.of(7n) },
      mask: { dtype: 'BOOL', shape: [3], data: Uint8Array.of(1, 0, 1) },
      half: { dtype: 'F16', shape: [1, 1], data: Uint16Array.of(0x3c00) },
      empty: { dtype: 'I32', shape: [0, 4], data: new Int32Array(0) },
    },
    { format: 'pt' },
  ),
  encodeSafetensors({}, {}),
];

/** Mutates either the raw bytes or the JSON header text (re-prefixing its length, so checks go deeper). */
function mutate(file: Uint8Array, rng: Rng): Uint8Array {
  if (rng.int(2) === 0 || file.length < 8) return mutateBytes(file, rng);
  const length = Number(new DataView(file.buffer, file.byteOffset).getBigUint64(0, true));
  if (8 + length > file.length) return mutateBytes(file, rng);
  const header = new TextEncoder().encode(
    mutateText(new TextDecoder().decode(file.subarray(8, 8 + length)), rng),
  );
  const out = new Uint8Array(8 + header.length + file.length - 8 - length);
  new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
  out.set(header, 8);
  out.set(file.subarray(8 + length), 8 + header.length);
  return out;
}

describe('decodeSafetensors fuzzing', () => {
  it('every mutated file decodes or throws SafetensorsError, with data no larger than the file', async () => {
    const report = await fuzz({
      seed: 0x5afe,
      iterations: 20_000,
      corpus,
      mutate,
      run: decodeSafetensors,
      errorClass: SafetensorsError,
      check: (file, input) => {
        const bytes = Object.values(file.tensors).reduce((n, t) => n + t.data.byteLength, 0);
        if (bytes > input.length)
          throw new Error(`decoded ${bytes} data bytes from a ${input.length}-byte file`);
      },
      describe: hexPreview,
    });
    // The fuzzer reached both outcomes: it is not just feeding garbage.
    expect(report.values).toBeGreaterThan(50);
    expect(report.errors).toBeGreaterThan(5000);
  });
});
