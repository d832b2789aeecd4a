import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeSafetensors } from '../src/serialization/safetensors';
import { load } from '../src/serialization/state-dict-io';

const ENTRY = '{"dtype":"F32","shape":[0],"data_offsets":[0,0]}';

/** A valid safetensors file of `count` empty F32 tensors: the most tensors a header byte can declare. */
function emptyTensors(count: number): Uint8Array {
  const entries: string[] = [];
  for (let i = 0; i < count; i++) {
    entries.push(`"w${i}":${ENTRY}`);
  }
  const header = new TextEncoder().encode(`{${entries.join(',')}}`);
  const bytes = new Uint8Array(8 + header.length);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(header.length), true);
  bytes.set(header, 8);
  return bytes;
}

describe('safetensors memory on huge headers', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('never parses the header whole: JSON.parse only ever sees one name or one entry', () => {
    const bytes = emptyTensors(2000);
    const parse = vi.spyOn(JSON, 'parse');
    expect(Object.keys(load(bytes))).toHaveLength(2000);
    expect(Object.keys(decodeSafetensors(bytes).tensors)).toHaveLength(2000);
    const longest = Math.max(...parse.mock.calls.map(([text]) => text.length));
    expect(longest).toBe(ENTRY.length);
  });

  it('gives tensors of one shape one frozen shape array, yet decodeSafetensors hands out fresh ones', () => {
    const bytes = emptyTensors(3);
    const loaded = load(bytes);
    expect(loaded.w0!.shape).toBe(loaded.w2!.shape);
    expect(Object.isFrozen(loaded.w0!.shape)).toBe(true);
    const { tensors } = decodeSafetensors(bytes);
    expect(tensors.w0!.shape).not.toBe(tensors.w2!.shape);
    tensors.w0!.shape.push(1);
    expect(tensors.w2!.shape).toEqual([0]);
  });

  it('shares one frozen empty array among empty tensors instead of allocating one each', () => {
    const { tensors } = decodeSafetensors(emptyTensors(3));
    expect(tensors.w0!.data).toBe(tensors.w2!.data);
    expect(tensors.w0!.data).toHaveLength(0);
    expect(Object.isFrozen(tensors.w0!.data)).toBe(true);
  });

  it('loads 150 000 empty tensors (an 8.7 MB header) within a 48 MB heap', () => {
    // The live heap at its peak is deterministic (V8 collects fully before giving up), so a heap cap bounds
    // peak memory without timing: this load needs about 41 MB (7 MB of it Node's own), 3.8x the header;
    // with a shape and strides array per tensor it needed 71 MB, with a whole-header JSON.parse 115 MB.
    const script = `
      import { load } from './src/serialization/state-dict-io.ts';
      const entries = [];
      for (let i = 0; i < 150000; i++) entries.push('"w' + i + '":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}');
      const header = new TextEncoder().encode('{' + entries.join(',') + '}');
      entries.length = 0;
      const bytes = new Uint8Array(8 + header.length);
      new DataView(bytes.buffer).setBigUint64(0, BigInt(header.length), true);
      bytes.set(header, 8);
      console.log(Object.keys(load(bytes)).length, header.length);
    `;
    const cwd = fileURLToPath(new URL('..', import.meta.url));
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--max-old-space-size=48', '--input-type=module', '-e', script],
      { cwd, encoding: 'utf8' },
    );
    expect(run.stderr).not.toContain('out of memory');
    expect(run.stdout.trim()).toBe('150000 8738891');
  }, 30_000);
});
