import { decodeTensor, type FixtureTensor, loadFixtures } from '@nn/tooling/test-utils';
import { describe, expect, it } from 'vitest';
import {
  decodeSafetensors,
  encodeSafetensors,
  type SafetensorsTensor,
} from '../src/serialization/safetensors';
import { SafetensorsError } from '../src/serialization/safetensors-error';

interface PytorchFileCase {
  base64: string;
  metadata: Record<string, string>;
  dtypes: Record<string, string>;
  tensors: Record<string, FixtureTensor>;
}

const { cases } = loadFixtures<PytorchFileCase>(new URL('./fixtures/safetensors.jsonl', import.meta.url));

/** A file from a header (object or raw JSON text, padded as given) and `dataBytes` bytes of data. */
function file(header: object | string, dataBytes: number | Uint8Array = 0): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const data = typeof dataBytes === 'number' ? new Uint8Array(dataBytes) : dataBytes;
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const f32 = (shape: number[], begin = 0) => ({
  dtype: 'F32',
  shape,
  data_offsets: [begin, begin + 4 * shape.reduce((a, b) => a * b, 1)],
});

const headerText = (bytes: Uint8Array): string => {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return new TextDecoder().decode(bytes.subarray(8, 8 + n));
};

/** IEEE half-precision bits to a number. */
function halfToNumber(bits: number): number {
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  const sign = bits & 0x8000 ? -1 : 1;
  if (exponent === 0x1f) return mantissa ? Number.NaN : sign * Infinity;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

const bf16ToNumber = (bits: number): number => new Float32Array(Uint32Array.of(bits << 16).buffer)[0]!;

describe('encodeSafetensors', () => {
  it('writes byte-for-byte what the reference implementation writes', () => {
    const data = Float32Array.of(0, 1, 2, 3, 4, 5);
    // From safetensors/src/tensor.rs test_serialization: header of exactly 64 bytes, so no padding.
    expect(Array.from(encodeSafetensors({ 'attn.0': { dtype: 'F32', shape: [1, 2, 3], data } }))).toEqual([
      64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100, 116, 121, 112, 101,
      34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58, 91, 49, 44, 50, 44, 51, 93, 44, 34,
      100, 97, 116, 97, 95, 111, 102, 102, 115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0,
      0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
    ]);
    // test_serialization_forced_alignement: a 65-byte header padded with 7 spaces.
    const padded = encodeSafetensors({ attn0: { dtype: 'F32', shape: [1, 1, 2, 3], data } });
    expect(padded[0]).toBe(72);
    expect(headerText(padded)).toBe(
      '{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}       ',
    );
    // test_empty, with and without metadata.
    expect(Array.from(encodeSafetensors({}))).toEqual([
      8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32,
    ]);
    expect(headerText(encodeSafetensors({}, { framework: 'pt' }))).toBe(
      '{"__metadata__":{"framework":"pt"}}     ',
    );
  });

  it('orders tensors by descending dtype alignment, then name, keeping every tensor aligned', () => {
    const entries: Record<string, SafetensorsTensor> = {
      mask: { dtype: 'BOOL', shape: [3], data: Uint8Array.of(1, 0, 1) },
      b: { dtype: 'F32', shape: [1], data: Float32Array.of(1) },
      a: { dtype: 'F32', shape: [1], data: Float32Array.of(2) },
      half: { dtype: 'F16', shape: [1], data: Uint16Array.of(0x3c00) },
      brain: { dtype: 'BF16', shape: [1], data: Uint16Array.of(0x3f80) },
      count: { dtype: 'I32', shape: [], data: Int32Array.of(7) },
      steps: { dtype: 'I64', shape: [1], data: BigInt64Array.of(-5n) },
      double: { dtype: 'F64', shape: [1], data: Float64Array.of(0.5) },
      pixels: { dtype: 'U8', shape: [1], data: Uint8Array.of(200) },
    };
    const bytes = encodeSafetensors(entries);
    const header = JSON.parse(headerText(bytes)) as Record<string, { data_offsets: [number, number] }>;
    expect(Object.keys(header)).toEqual([
      'steps',
      'double',
      'a',
      'b',
      'count',
      'brain',
      'half',
      'pixels',
      'mask',
    ]);
    const dataStart = 8 + headerText(bytes).length;
    expect(dataStart % 8).toBe(0);
    for (const [name, { data_offsets }] of Object.entries(header)) {
      expect((dataStart + data_offsets[0]) % entries[name]!.data.BYTES_PER_ELEMENT).toBe(0);
    }
  });

  it('sorts names by code point like Rust and Python', () => {
    const one: SafetensorsTensor = { dtype: 'U8', shape: [1], data: Uint8Array.of(1) };
    const bytes = encodeSafetensors({ '\u{1F600}': one, '\uFF21': one, b: one, B: one });
    expect(Object.keys(JSON.parse(headerText(bytes)))).toEqual(['B', 'b', '\uFF21', '\u{1F600}']);
  });

  it('writes BOOL as 0/1 and reads data from typed-array views', () => {
    const backing = new Float32Array([9, 1, 2, 9]);
    const bytes = encodeSafetensors({
      flags: { dtype: 'BOOL', shape: [3], data: Uint8Array.of(0, 5, 255) },
      view: { dtype: 'F32', shape: [2], data: backing.subarray(1, 3) },
    });
    const { tensors } = decodeSafetensors(bytes);
    expect(tensors.flags!.data).toEqual(Uint8Array.of(0, 1, 1));
    expect(tensors.view!.data).toEqual(Float32Array.of(1, 2));
  });

  it('rejects entries it cannot write', () => {
    const enc = (entry: unknown, name = 't') =>
      encodeSafetensors({ [name]: entry } as unknown as Record<string, SafetensorsTensor>);
    expect(() => enc({ dtype: 'F32', shape: [2], data: Float64Array.of(1, 2) })).toThrow(
      new SafetensorsError('encodeSafetensors', 'F32 data must be a Float32Array, got Float64Array', 't'),
    );
    expect(() => enc({ dtype: 'F32', shape: [2, 2], data: Float32Array.of(1, 2) })).toThrow(
      'encodeSafetensors: tensor "t": shape [2,2] has 4 elements but data has 2',
    );
    expect(() => enc({ dtype: 'F8', shape: [1], data: Uint8Array.of(1) })).toThrow(
      'tensor "t": unknown dtype "F8"; expected one of BOOL, U8, I8, I16, F16, BF16, I32, F32, F64, I64',
    );
    expect(() => enc({ dtype: 'U8', shape: [-1], data: Uint8Array.of(1) })).toThrow(
      'tensor "t": shape [-1] is not a list of non-negative integers',
    );
    expect(() => enc({ dtype: 'U8', shape: [1], data: Uint8Array.of(1) }, '__metadata__')).toThrow(
      'tensor "__metadata__": "__metadata__" is reserved for the metadata map',
    );
    expect(() => encodeSafetensors({}, { epoch: 3 } as unknown as Record<string, string>)).toThrow(
      'encodeSafetensors: metadata "epoch" is 3, not a string',
    );
  });
});

describe('decodeSafetensors', () => {
  it('round-trips every dtype with metadata', () => {
    const entries: Record<string, SafetensorsTensor> = {
      w: { dtype: 'F32', shape: [2, 3], data: Float32Array.of(1, -2, 3.5, 0, -0, Infinity) },
      d: { dtype: 'F64', shape: [2], data: Float64Array.of(Math.PI, Number.NaN) },
      i: { dtype: 'I32', shape: [2], data: Int32Array.of(-(2 ** 31), 2 ** 31 - 1) },
      l: { dtype: 'I64', shape: [2], data: BigInt64Array.of(-(2n ** 63n), 2n ** 62n + 1n) },
      m: { dtype: 'BOOL', shape: [2], data: Uint8Array.of(1, 0) },
      u: { dtype: 'U8', shape: [1, 1], data: Uint8Array.of(255) },
      h: { dtype: 'F16', shape: [1], data: Uint16Array.of(0x7bff) },
      b: { dtype: 'BF16', shape: [1], data: Uint16Array.of(0xc049) },
      e: { dtype: 'F32', shape: [0, 4], data: new Float32Array(0) },
      s: { dtype: 'F64', shape: [], data: Float64Array.of(2) },
    };
    const decoded = decodeSafetensors(encodeSafetensors(entries, { format: 'pt' }));
    expect(decoded.metadata).toEqual({ format: 'pt' });
    expect(decoded.tensors).toEqual(entries);
    expect(decodeSafetensors(encodeSafetensors(entries)).metadata).toBeNull();
  });

  it('decodes a file PyTorch tensors were written to, to PyTorch values', () => {
    const { base64, metadata, dtypes, tensors: expected } = cases.pytorch_file!;
    const bytes = Uint8Array.from(Buffer.from(base64, 'base64'));
    const { tensors, metadata: decodedMetadata } = decodeSafetensors(bytes);
    expect(decodedMetadata).toEqual(metadata);
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, want] of Object.entries(expected)) {
      const got = tensors[name]!;
      expect(got.dtype, name).toBe(dtypes[name]);
      expect(got.shape, name).toEqual(want.shape);
      const values =
        got.dtype === 'F16'
          ? Array.from(got.data, halfToNumber)
          : got.dtype === 'BF16'
            ? Array.from(got.data, bf16ToNumber)
            : Array.from(got.data as ArrayLike<number | bigint>, Number);
      expect(values, name).toEqual(Array.from(decodeTensor(want)));
    }
    // Our writer reproduces the PyTorch-side file byte for byte.
    expect(encodeSafetensors(tensors, decodedMetadata)).toEqual(bytes);
  });

  it('accepts headers in any order, with whitespace, unknown fields and a null __metadata__', () => {
    const header = `{ "b": ${JSON.stringify(f32([1], 4))},\n "a": ${JSON.stringify({ ...f32([1]), extra: 1 })}, "__metadata__": null }`;
    const data = new Uint8Array(Float32Array.of(1, 2).buffer);
    const { tensors, metadata } = decodeSafetensors(file(header, data));
    expect(metadata).toBeNull();
    expect(tensors.a!.data).toEqual(Float32Array.of(1));
    expect(tensors.b!.data).toEqual(Float32Array.of(2));
  });

  it('copies data into aligned arrays that do not alias the input, even from an unaligned Buffer', () => {
    const bytes = encodeSafetensors({ x: { dtype: 'F64', shape: [2], data: Float64Array.of(1, 2) } });
    const shifted = Buffer.alloc(bytes.length + 3);
    shifted.set(bytes, 3);
    const input = shifted.subarray(3);
    const { data } = decodeSafetensors(input).tensors.x!;
    input.fill(0);
    expect(data).toEqual(Float64Array.of(1, 2));
  });

  it('keeps a tensor named __proto__ as an ordinary key', () => {
    const { tensors } = decodeSafetensors(file({ ['__proto__']: f32([1]) }, 4));
    expect(Object.keys(tensors)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(tensors)).toBeNull();
  });

  const rejects = (bytes: Uint8Array, message: string) =>
    expect(() => decodeSafetensors(bytes)).toThrow(`decodeSafetensors: ${message}`);

  it('rejects a file shorter than 8 bytes', () => {
    rejects(new Uint8Array(5), 'file is 5 bytes, shorter than the 8-byte header length');
  });

  it('rejects a header length beyond the file or the 100 MB limit', () => {
    rejects(file('{}').subarray(0, 9), 'header length 2 runs past the end of the 9-byte file');
    const bytes = file({});
    new DataView(bytes.buffer).setBigUint64(0, 100_000_001n, true);
    rejects(bytes, 'header length 100000001 exceeds the 100000000-byte limit (not a safetensors file?)');
    new DataView(bytes.buffer).setBigUint64(0, 2n ** 64n - 1n, true);
    rejects(bytes, 'header length 18446744073709551615 exceeds');
  });

  it('rejects a header that is not UTF-8, not JSON, or not an object', () => {
    const latin1 = file('{"caf?":1}');
    latin1[8 + 5] = 0xe9; // Latin-1 "é", not UTF-8
    rejects(latin1, 'header is not valid UTF-8');
    rejects(file('{"a": '), 'header is not valid JSON (');
    // The header is read one entry at a time; every way the text around the entries can be broken is caught.
    const entry = JSON.stringify(f32([1]));
    for (const broken of [
      `{"w":${entry},}`,
      `{"w":${entry}} x`,
      `{"w" ${entry}}`,
      `{w:${entry}}`,
      `{"w":${entry}`,
      `{"w":${entry}]`,
      `{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]]}`,
      `{"w":${entry},"x":}`,
      `{"w\\q":${entry}}`,
      '{"w":tru}',
    ]) {
      rejects(file(broken, 4), 'header is not valid JSON (at character ');
    }
    // JSON whitespace anywhere between tokens is fine.
    const spaced = decodeSafetensors(file(`{ \n"w" :\t${entry} ,\r"__metadata__": null }  `, 4));
    expect(Object.keys(spaced.tensors)).toEqual(['w']);
    rejects(file('[1, 2]'), 'header must be a JSON object starting with "{", got "[1, 2]"');
    rejects(file('  {}'), 'header must be a JSON object starting with "{"');
    rejects(file(''), 'header must be a JSON object starting with "{", got ""');
  });

  it('rejects duplicate tensor names', () => {
    const entry = JSON.stringify(f32([1]));
    rejects(
      file(`{"w":${entry},"x":{"w":1},"w":${entry}}`, 4),
      'tensor "w": appears more than once in the header',
    );
    rejects(file(`{"\\u0077":${entry},"w":${entry}}`, 4), 'tensor "w": appears more than once');
  });

  it('rejects bad __metadata__', () => {
    rejects(file({ __metadata__: { epoch: 3 } }), '__metadata__ "epoch" is 3, not a string');
    rejects(file({ __metadata__: ['a'] }), '__metadata__ must be an object of strings, got ["a"]');
  });

  it('rejects unknown and unsupported dtypes', () => {
    rejects(
      file({ t: { ...f32([1]), dtype: 'float32' } }, 4),
      'tensor "t": unknown dtype "float32"; expected one of',
    );
    rejects(file({ t: { ...f32([1]), dtype: 7 } }, 4), 'tensor "t": unknown dtype 7');
    rejects(
      file({ t: { dtype: 'U16', shape: [1], data_offsets: [0, 2] } }, 2),
      'tensor "t": dtype U16 is not supported by @nn yet (supported: BOOL, U8, I8, I16, F16, BF16, I32, F32, F64, I64)',
    );
  });

  it('rejects entries, shapes and offsets of the wrong form', () => {
    rejects(file({ t: 'F32' }), 'tensor "t": header entry "F32" is not an object');
    rejects(
      file({ t: { ...f32([1]), shape: [-1] } }, 4),
      'tensor "t": shape [-1] is not a list of non-negative integers',
    );
    rejects(file({ t: { ...f32([1]), shape: [1.5] } }, 4), 'tensor "t": shape [1.5] is not a list');
    rejects(file({ t: { ...f32([1]), shape: '1' } }, 4), 'tensor "t": shape "1" is not a list');
    rejects(
      file({ t: { ...f32([1]), shape: [2 ** 53] } }, 4),
      'tensor "t": shape [9007199254740992] is not a list',
    );
    rejects(
      file({ t: { ...f32([1]), data_offsets: [4, 0] } }, 4),
      'tensor "t": data_offsets [4,0] is not a [begin, end] pair of integers with 0 <= begin <= end',
    );
    rejects(
      file({ t: { ...f32([1]), data_offsets: [0] } }, 4),
      'tensor "t": data_offsets [0] is not a [begin, end] pair',
    );
    rejects(
      file({ t: { dtype: 'F32', shape: [1] } }, 4),
      'tensor "t": data_offsets undefined is not a [begin, end] pair',
    );
  });

  it('rejects data_offsets that disagree with shape and dtype, including overflowing shapes', () => {
    rejects(
      file({ 'fc.weight': { ...f32([2, 3]), data_offsets: [0, 20] } }, 20),
      'tensor "fc.weight": shape [2,3] of F32 needs 24 bytes but data_offsets [0,20] span 20',
    );
    const huge = [2 ** 40, 2 ** 40, 2 ** 40];
    rejects(
      file({ t: { dtype: 'F64', shape: huge, data_offsets: [0, 8] } }, 8),
      'tensor "t": shape [1099511627776,1099511627776,1099511627776] of F64 needs 10633823966279326983230456482242756608 bytes',
    );
  });

  it('rejects offsets past the data section', () => {
    rejects(
      file({ t: f32([4]) }, 8),
      'tensor "t": data_offsets [0,16] run past the end of the 8-byte data section',
    );
  });

  it('rejects gaps, overlaps and trailing bytes in the data section', () => {
    rejects(
      file({ a: f32([1]), b: f32([1], 8) }, 12),
      'tensor "b": bytes [4,8) of the data section belong to no tensor',
    );
    rejects(file({ a: f32([1], 4) }, 8), 'tensor "a": bytes [0,4) of the data section belong to no tensor');
    rejects(file({ a: f32([2]), b: f32([1], 4) }, 8), 'tensor "b": data_offsets [4,8] overlap tensor "a"');
    rejects(file({ a: f32([1]) }, 6), 'the data section has 2 trailing bytes after the last tensor');
    expect(
      Object.keys(decodeSafetensors(file({ a: f32([0]), b: f32([1]), c: f32([0], 4) }, 4)).tensors),
    ).toEqual(['a', 'b', 'c']);
  });

  it('rejects BOOL bytes other than 0 and 1', () => {
    rejects(
      file({ m: { dtype: 'BOOL', shape: [3], data_offsets: [0, 3] } }, Uint8Array.of(1, 0, 2)),
      'tensor "m": BOOL element 2 is 2, not 0 or 1',
    );
  });

  it('names huge tensor names only in part', () => {
    const name = 'n'.repeat(1000);
    expect(() => decodeSafetensors(file({ [name]: f32([1]) }))).toThrow(
      `tensor "${'n'.repeat(80)}…": data_offsets`,
    );
  });
});

describe('decodeSafetensors on hostile headers', () => {
  const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

  it('a header nested 10 000 deep is a SafetensorsError, not a stack overflow', () => {
    const cases = [
      `{"a":${nested(10_000)}}`,
      `{"a":{"dtype":"F32","shape":${nested(10_000)},"data_offsets":[0,0]}}`,
      `{"a":{"dtype":${nested(10_000)},"shape":[0],"data_offsets":[0,0]}}`,
      `{"__metadata__":{"k":${nested(10_000)}}}`,
      `{"__metadata__":${nested(10_000)}}`,
    ];
    for (const header of cases) {
      expect(() => decodeSafetensors(file(header))).toThrow(SafetensorsError);
    }
    expect(() => decodeSafetensors(file(`{"a":${nested(10_000)}}`))).toThrow(
      'decodeSafetensors: tensor "a": header entry [[[[[…]]]]] is not an object',
    );
  });

  it('shows only the start of a huge value in the message', () => {
    const shape = `[${new Array(100_000).fill('"x"').join(',')}]`;
    expect(() =>
      decodeSafetensors(file(`{"a":{"dtype":"F32","shape":${shape},"data_offsets":[0,0]}}`)),
    ).toThrow('decodeSafetensors: tensor "a": shape ["x","x","x","x","x","x","x","x",…] is not a list');
  });

  it('names a duplicate tensor', () => {
    expect(() =>
      decodeSafetensors(file(`{"b":${JSON.stringify(f32([0]))},"b":${JSON.stringify(f32([0]))}}`)),
    ).toThrow('decodeSafetensors: tensor "b": appears more than once in the header');
  });
});
