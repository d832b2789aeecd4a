import { SafetensorsError } from './safetensors-error';

/** The safetensors element types that `@nn` reads and writes. */
export type SafetensorsDtype = 'F32' | 'F64' | 'I32' | 'I64' | 'I16' | 'I8' | 'BOOL' | 'U8' | 'F16' | 'BF16';

/**
 * The typed array holding each dtype's elements. `BOOL` is one byte per element (0 or 1); `F16` and `BF16`
 * are their raw 16-bit patterns, since JavaScript has no 16-bit float array everywhere yet.
 */
export interface SafetensorsArrays {
  /** 32-bit floats. */
  F32: Float32Array;
  /** 64-bit floats. */
  F64: Float64Array;
  /** 32-bit integers. */
  I32: Int32Array;
  /** 64-bit integers (BigInt). */
  I64: BigInt64Array;
  /** 16-bit integers. */
  I16: Int16Array;
  /** Signed bytes. */
  I8: Int8Array;
  /** Booleans, one byte each (0 or 1). */
  BOOL: Uint8Array;
  /** Unsigned bytes. */
  U8: Uint8Array;
  /** IEEE half floats, as raw bit patterns. */
  F16: Uint16Array;
  /** bfloat16, as raw bit patterns. */
  BF16: Uint16Array;
}

/** One tensor of a safetensors file: row-major `data` of `shape`, in the array type matching `dtype`. */
export type SafetensorsTensor = {
  [D in SafetensorsDtype]: {
    /** The element type. */
    dtype: D;
    /** Sizes of each dim. */
    shape: number[];
    /** The elements, row-major. */
    data: SafetensorsArrays[D];
  };
}[SafetensorsDtype];

/** A tensor as {@link readSafetensors} hands it over: its frozen shape may be shared with other entries. */
export type ReadTensor = Omit<SafetensorsTensor, 'shape'> & { shape: readonly number[] };

/** A decoded safetensors file. Both records have no prototype, so any tensor name is safe as a key. */
export interface SafetensorsFile {
  /** The tensors by name. */
  tensors: Record<string, SafetensorsTensor>;
  /** The `__metadata__` string map, or `null` when the file has none. */
  metadata: Record<string, string> | null;
}

/** The largest JSON header accepted, as in the reference implementation: 100 MB. */
export const SAFETENSORS_MAX_HEADER_BYTES = 100_000_000;

type ArrayConstructor =
  | Float32ArrayConstructor
  | Float64ArrayConstructor
  | Int32ArrayConstructor
  | BigInt64ArrayConstructor
  | Uint8ArrayConstructor
  | Int8ArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor;

/**
 * Per dtype: element size, array type, and `rank` — its place in the reference implementation's `Dtype` enum,
 * which is ordered by alignment; writers put larger ranks first so every tensor stays aligned.
 */
const DTYPES: Record<SafetensorsDtype, { size: number; rank: number; array: ArrayConstructor }> = {
  BOOL: { size: 1, rank: 0, array: Uint8Array },
  U8: { size: 1, rank: 1, array: Uint8Array },
  I8: { size: 1, rank: 2, array: Int8Array },
  I16: { size: 2, rank: 5, array: Int16Array },
  F16: { size: 2, rank: 7, array: Uint16Array },
  BF16: { size: 2, rank: 8, array: Uint16Array },
  I32: { size: 4, rank: 9, array: Int32Array },
  F32: { size: 4, rank: 11, array: Float32Array },
  F64: { size: 8, rank: 12, array: Float64Array },
  I64: { size: 8, rank: 13, array: BigInt64Array },
};

/** Dtypes the safetensors spec defines that @nn does not read yet. */
const UNSUPPORTED_SPEC_DTYPES = new Set([
  'U16',
  'U32',
  'U64',
  'F8_E5M2',
  'F8_E4M3',
  'F8_E8M0',
  'F6_E2M3',
  'F6_E3M2',
  'F4',
  'C64',
]);

const HOST_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Reverses the bytes of each `size`-byte element in place: safetensors data is little-endian. */
function swapBytes(bytes: Uint8Array, size: number): void {
  for (let i = 0; i < bytes.length; i += size) bytes.subarray(i, i + size).reverse();
}

/**
 * Shows an untrusted JSON value in an error message, cut to 60 characters. Walks at most a few levels and
 * items, so a value nested 10 000 deep or holding millions of items costs nothing (JSON.stringify would
 * overflow the stack or copy it all).
 */
function show(value: unknown): string {
  const text = preview(value, 0);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

function preview(value: unknown, depth: number): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 61 ? value.slice(0, 61) : value);
  if (typeof value !== 'object' || value === null) return String(value);
  if (depth >= 4) return Array.isArray(value) ? '[…]' : '{…}';
  const items: string[] = [];
  let more = false;
  if (Array.isArray(value)) {
    for (const item of value) {
      if (items.length === 8) {
        more = true;
        break;
      }
      items.push(preview(item, depth + 1));
    }
    return `[${items.join(',')}${more ? ',…' : ''}]`;
  }
  for (const key in value) {
    if (items.length === 8) {
      more = true;
      break;
    }
    items.push(`${preview(key, depth)}:${preview((value as Record<string, unknown>)[key], depth + 1)}`);
  }
  return `{${items.join(',')}${more ? ',…' : ''}}`;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isDims = (value: unknown): value is number[] =>
  Array.isArray(value) && value.every((d) => Number.isSafeInteger(d) && d >= 0);

const isDtype = (value: unknown): value is SafetensorsDtype =>
  typeof value === 'string' && Object.hasOwn(DTYPES, value);

const byteLength = (dtype: SafetensorsDtype, shape: number[]): bigint =>
  shape.reduce((acc, d) => acc * BigInt(d), 1n) * BigInt(DTYPES[dtype].size);

/** Orders strings by Unicode code point (= UTF-8 byte order, as Rust and Python sort), not UTF-16 unit. */
function compareCodePoints(a: string, b: string): number {
  for (let i = 0; i < a.length && i < b.length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (D800-DFFF) encode code points above FFFF: move them past E000-FFFF.
    if (x >= 0xd800 && y >= 0xd800) {
      x += x >= 0xe000 ? -0x800 : 0x2000;
      y += y >= 0xe000 ? -0x800 : 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

/**
 * Writes tensors in the safetensors format exactly as the reference implementation does: an 8-byte
 * little-endian header length, a compact JSON header (`__metadata__` first, then tensors by descending dtype
 * alignment and then name) padded with spaces to a multiple of 8 bytes, then each tensor's little-endian
 * data back to back. `BOOL` data is written as 0/1.
 *
 * @throws {SafetensorsError} for an unknown dtype, a shape that is not non-negative integers, data of the
 * wrong array type or length, the reserved name `__metadata__`, or a metadata value that is not a string.
 * @example encodeSafetensors({ 'fc.weight': { dtype: 'F32', shape: [2, 3], data: new Float32Array(6) } })
 */
export function encodeSafetensors(
  entries: Record<string, SafetensorsTensor>,
  metadata?: Record<string, string> | null,
): Uint8Array {
  const fail: (problem: string, tensor?: string) => never = (problem, tensor) => {
    throw new SafetensorsError('encodeSafetensors', problem, tensor);
  };
  const fields: string[] = [];
  if (metadata !== undefined && metadata !== null) {
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== 'string') fail(`metadata ${show(key)} is ${show(value)}, not a string`);
    }
    fields.push(`"__metadata__":${JSON.stringify(metadata)}`);
  }
  const names = Object.keys(entries);
  for (const name of names) {
    const { dtype, shape, data } = entries[name]!;
    if (name === '__metadata__') fail('"__metadata__" is reserved for the metadata map', name);
    if (!isDtype(dtype))
      fail(`unknown dtype ${show(dtype)}; expected one of ${Object.keys(DTYPES).join(', ')}`, name);
    if (!isDims(shape)) fail(`shape ${show(shape)} is not a list of non-negative integers`, name);
    const { array } = DTYPES[dtype];
    if (!(data instanceof array)) {
      fail(`${dtype} data must be a ${array.name}, got ${data?.constructor?.name ?? typeof data}`, name);
    }
    if (BigInt(data.length) * BigInt(DTYPES[dtype].size) !== byteLength(dtype, shape)) {
      fail(
        `shape [${shape.join(',')}] has ${byteLength(dtype, shape) / BigInt(DTYPES[dtype].size)} elements but data has ${data.length}`,
        name,
      );
    }
  }
  names.sort(
    (a, b) => DTYPES[entries[b]!.dtype].rank - DTYPES[entries[a]!.dtype].rank || compareCodePoints(a, b),
  );
  let dataBytes = 0;
  for (const name of names) {
    const { dtype, shape, data } = entries[name]!;
    const offsets = [dataBytes, dataBytes + data.byteLength];
    fields.push(`${JSON.stringify(name)}:${JSON.stringify({ dtype, shape, data_offsets: offsets })}`);
    dataBytes += data.byteLength;
  }
  const header = new TextEncoder().encode(`{${fields.join(',')}}`);
  const headerBytes = Math.ceil(header.length / 8) * 8;
  const out = new Uint8Array(8 + headerBytes + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes), true);
  out.set(header, 8);
  out.fill(0x20, 8 + header.length, 8 + headerBytes);
  let position = 8 + headerBytes;
  for (const name of names) {
    const { dtype, data } = entries[name]!;
    const bytes = out.subarray(position, position + data.byteLength);
    bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    if (dtype === 'BOOL') {
      for (let i = 0; i < bytes.length; i++) bytes[i] = bytes[i] === 0 ? 0 : 1;
    }
    if (!HOST_LITTLE_ENDIAN) swapBytes(bytes, DTYPES[dtype].size);
    position += data.byteLength;
  }
  return out;
}

/**
 * Reads a safetensors file from its bytes (browser-safe: no `fs`). Everything the header claims is checked
 * against the real byte length before anything is allocated, and each tensor's data is copied into its own
 * aligned typed array (`BigInt64Array` for `I64`, raw bits in a `Uint16Array` for `F16`/`BF16`).
 *
 * @throws {SafetensorsError} when the file is shorter than 8 bytes; the header length exceeds the file or
 * {@link SAFETENSORS_MAX_HEADER_BYTES}; the header is not UTF-8 JSON object text starting with `{`; a name
 * appears twice; `__metadata__` is not a string map; a dtype is unknown or unsupported; a shape is not
 * non-negative integers; `data_offsets` disagree with shape and dtype or fall outside the data section; the
 * tensors overlap or leave gaps or trailing bytes; a `BOOL` byte is not 0 or 1.
 * @example const { tensors, metadata } = decodeSafetensors(new Uint8Array(await res.arrayBuffer()));
 */
export function decodeSafetensors(bytes: Uint8Array): SafetensorsFile {
  const tensors: Record<string, SafetensorsTensor> = Object.create(null);
  const metadata = readSafetensors(bytes, (name, tensor) => {
    // Each entry gets its own mutable shape, as SafetensorsTensor promises (readSafetensors shares them).
    tensors[name] = { ...tensor, shape: [...tensor.shape] } as SafetensorsTensor;
  });
  return { tensors, metadata };
}

/**
 * {@link decodeSafetensors} one tensor at a time, in data order: `onTensor` gets each tensor once all the file
 * is checked (bar `BOOL` bytes, checked as each is copied), so a caller converting tensors (like `load`) never
 * holds both forms of them all. Returns the metadata.
 */
export function readSafetensors(
  bytes: Uint8Array,
  onTensor: (name: string, tensor: ReadTensor) => void,
): Record<string, string> | null {
  const fail: (problem: string, tensor?: string) => never = (problem, tensor) => {
    throw new SafetensorsError('decodeSafetensors', problem, tensor);
  };
  if (bytes.length < 8) fail(`file is ${bytes.length} bytes, shorter than the 8-byte header length`);
  const headerBytes = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (headerBytes > BigInt(SAFETENSORS_MAX_HEADER_BYTES)) {
    fail(
      `header length ${headerBytes} exceeds the ${SAFETENSORS_MAX_HEADER_BYTES}-byte limit (not a safetensors file?)`,
    );
  }
  const dataStart = 8 + Number(headerBytes);
  if (dataStart > bytes.length) {
    fail(`header length ${headerBytes} runs past the end of the ${bytes.length}-byte file`);
  }
  const dataLength = bytes.length - dataStart;
  // The header's text dies with readHeader's frame, before the tensors are allocated.
  const { metadata, layout } = readHeader(bytes.subarray(8, dataStart), dataLength, fail);
  const { names, dtypes, shapes, begins, ends } = layout;

  // Writers emit tensors in data order, so the sort is usually skipped.
  const order = Uint32Array.from(names, (_, i) => i);
  if (
    begins.some(
      (begin, i) =>
        i > 0 && (begin < begins[i - 1]! || (begin === begins[i - 1]! && ends[i]! < ends[i - 1]!)),
    )
  ) {
    order.sort((a, b) => begins[a]! - begins[b]! || ends[a]! - ends[b]!);
  }
  let covered = 0;
  let previous = '';
  for (const i of order) {
    const [name, begin, end] = [names[i]!, begins[i]!, ends[i]!];
    if (begin > covered) fail(`bytes [${covered},${begin}) of the data section belong to no tensor`, name);
    if (begin < covered)
      fail(`data_offsets [${begin},${end}] overlap tensor ${JSON.stringify(previous)}`, name);
    covered = end;
    previous = name;
  }
  if (covered !== dataLength) {
    fail(`the data section has ${dataLength - covered} trailing bytes after the last tensor`);
  }

  for (const i of order) {
    const [name, dtype] = [names[i]!, dtypes[i]!];
    const data = copyData(bytes, dtype, dataStart + begins[i]!, dataStart + ends[i]!);
    if (dtype === 'BOOL') {
      const bad = (data as Uint8Array).findIndex((v) => v > 1);
      if (bad >= 0) fail(`BOOL element ${bad} is ${data[bad]}, not 0 or 1`, name);
    }
    onTensor(name, { dtype, shape: shapes[i]!, data } as ReadTensor);
  }
  return metadata;
}

/**
 * Each tensor's place in the data section, in header order, as parallel arrays: a header of millions of
 * entries then costs a few machine words per tensor, not a parsed JSON tree plus an object per entry.
 */
interface Layout {
  names: string[];
  dtypes: SafetensorsDtype[];
  /** Frozen, and shared between entries of the same shape (see {@link internShape}). */
  shapes: (readonly number[])[];
  begins: number[];
  ends: number[];
}

/** Index of the first character at or after `i` that is not JSON whitespace. */
function skipSpace(text: string, i: number): number {
  for (let c = text.charCodeAt(i); c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d; ) {
    c = text.charCodeAt(++i);
  }
  return i;
}

/** Index just past the JSON string whose opening quote is at `i` (the text's length when unterminated). */
function stringEnd(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x5c /* backslash */) j++;
    else if (c === 0x22 /* " */) return j + 1;
  }
  return text.length;
}

/**
 * Index just past the JSON value starting at `i`, found by bracket depth only; the caller's JSON.parse of
 * the slice checks that it really is one value.
 */
function valueEnd(text: string, i: number): number {
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x22) {
      j = stringEnd(text, j) - 1;
      if (depth === 0) return j + 1;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth++;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      if (depth === 0) return j;
      if (--depth === 0) return j + 1;
    } else if (depth === 0 && (c === 0x2c /* , */ || c <= 0x20)) {
      return j;
    }
  }
  return text.length;
}

/**
 * Walks the header's top-level object, parsing one entry's value at a time (JSON.parse of the whole header
 * would hold a tree of objects ~3x its size alive at once), and calls `onEntry` with each name and value.
 * Errors keep JSON.parse's precedence: the whole text must be valid JSON, then names must be unique, then
 * the first failing entry is reported.
 */
function scanHeader(
  text: string,
  fail: (problem: string, tensor?: string) => never,
  onEntry: (name: string, value: unknown) => void,
): void {
  const invalid = (at: number, detail: string): never =>
    fail(`header is not valid JSON (at character ${at}: ${detail})`);
  const parse = (from: number, to: number): unknown => {
    try {
      return JSON.parse(text.slice(from, to));
    } catch (error) {
      return invalid(from, error instanceof Error ? error.message : String(error));
    }
  };
  const seen = new Set<string>();
  let duplicate: string | undefined;
  let entryError: unknown;
  let i = skipSpace(text, 1);
  if (text.charCodeAt(i) !== 0x7d /* } */) {
    for (;;) {
      if (text.charCodeAt(i) !== 0x22) invalid(i, 'expected a double-quoted name');
      const keyEnd = stringEnd(text, i);
      const name = parse(i, keyEnd) as string;
      i = skipSpace(text, keyEnd);
      if (text.charCodeAt(i) !== 0x3a /* : */) invalid(i, "expected ':'");
      const start = skipSpace(text, i + 1);
      i = valueEnd(text, start);
      const value = parse(start, i);
      if (seen.has(name)) duplicate ??= name;
      seen.add(name);
      if (entryError === undefined && duplicate === undefined) {
        try {
          onEntry(name, value);
        } catch (error) {
          entryError = error;
        }
      }
      i = skipSpace(text, i);
      if (text.charCodeAt(i) === 0x7d) break;
      if (text.charCodeAt(i) !== 0x2c) invalid(i, "expected ',' or '}'");
      i = skipSpace(text, i + 1);
    }
  }
  if (skipSpace(text, i + 1) < text.length) invalid(i + 1, 'unexpected text after the header object');
  if (duplicate !== undefined) fail('appears more than once in the header', duplicate);
  if (entryError !== undefined) throw entryError;
}

/** Parses and checks the JSON header: the metadata and each tensor's entry, in header order. */
function readHeader(
  headerBytes: Uint8Array,
  dataLength: number,
  fail: (problem: string, tensor?: string) => never,
): { metadata: Record<string, string> | null; layout: Layout } {
  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(headerBytes);
  } catch {
    fail('header is not valid UTF-8');
  }
  if (!text.startsWith('{'))
    fail(`header must be a JSON object starting with "{", got ${show(text.slice(0, 20))}`);

  let metadata: Record<string, string> | null = null;
  const layout: Layout = { names: [], dtypes: [], shapes: [], begins: [], ends: [] };
  const shapes = new Map<string, readonly number[]>();
  scanHeader(text, fail, (name, info) => {
    if (name === '__metadata__') {
      metadata = readMetadata(info, fail);
      return;
    }
    if (!isObject(info)) fail(`header entry ${show(info)} is not an object`, name);
    const { dtype, shape, data_offsets: offsets } = info;
    if (!isDtype(dtype)) {
      const known = typeof dtype === 'string' && UNSUPPORTED_SPEC_DTYPES.has(dtype);
      fail(
        known
          ? `dtype ${dtype} is not supported by @nn yet (supported: ${Object.keys(DTYPES).join(', ')})`
          : `unknown dtype ${show(dtype)}; expected one of ${Object.keys(DTYPES).join(', ')}`,
        name,
      );
    }
    if (!isDims(shape)) fail(`shape ${show(shape)} is not a list of non-negative integers`, name);
    if (!isDims(offsets) || offsets.length !== 2 || offsets[0]! > offsets[1]!) {
      fail(
        `data_offsets ${show(offsets)} is not a [begin, end] pair of integers with 0 <= begin <= end`,
        name,
      );
    }
    const [begin, end] = offsets as [number, number];
    const expected = byteLength(dtype, shape);
    if (BigInt(end - begin) !== expected) {
      fail(
        `shape [${shape.join(',')}] of ${dtype} needs ${expected} bytes but data_offsets [${begin},${end}] span ${end - begin}`,
        name,
      );
    }
    if (end > dataLength) {
      fail(`data_offsets [${begin},${end}] run past the end of the ${dataLength}-byte data section`, name);
    }
    layout.names.push(name);
    layout.dtypes.push(dtype);
    layout.shapes.push(internShape(shapes, shape));
    layout.begins.push(begin);
    layout.ends.push(end);
  });
  return { metadata, layout };
}

/** How many distinct shapes one header shares (beyond that, each entry keeps its own frozen shape). */
const MAX_SHARED_SHAPES = 4096;

/**
 * `shape` frozen, or the frozen array of an earlier entry with the same dimensions: a state dict repeats a
 * few shapes many times, and a tensor keeps a frozen shape without copying it, so a header of millions of
 * entries costs one shape array per distinct shape instead of one per tensor.
 */
function internShape(seen: Map<string, readonly number[]>, shape: number[]): readonly number[] {
  const key = shape.join(',');
  const shared = seen.get(key);
  if (shared !== undefined) return shared;
  const frozen = Object.freeze(shape);
  if (seen.size < MAX_SHARED_SHAPES) seen.set(key, frozen);
  return frozen;
}

/**
 * One frozen zero-length array per dtype, shared by all empty tensors: a header of millions of empty tensors
 * would otherwise allocate an array (about 200 bytes) for each; with no elements, sharing is unobservable.
 */
const EMPTY = Object.fromEntries(
  Object.entries(DTYPES).map(([dtype, { array }]) => [dtype, Object.freeze(new array(0))]),
) as { [D in SafetensorsDtype]: SafetensorsArrays[D] };

/** A typed array of `dtype` holding the little-endian elements of `bytes[begin, end)`, fresh unless empty. */
function copyData(bytes: Uint8Array, dtype: SafetensorsDtype, begin: number, end: number) {
  const { size, array } = DTYPES[dtype];
  if (begin === end) return EMPTY[dtype];
  const at = bytes.byteOffset + begin;
  if (HOST_LITTLE_ENDIAN && at % size === 0) {
    // slice() of an aligned view: one copy, without reading `.buffer` of a fresh small array (which moves
    // it off-heap; measurably slower for headers of very many small tensors).
    return new array(bytes.buffer as ArrayBuffer, at, (end - begin) / size).slice();
  }
  // `new Uint8Array(view)` copies into a fresh, aligned buffer (a Node Buffer's slice would alias).
  const raw = new Uint8Array(bytes.subarray(begin, end));
  if (!HOST_LITTLE_ENDIAN) swapBytes(raw, size);
  return new array(raw.buffer);
}

/** Validates `__metadata__`: `null` or an object of string values. */
function readMetadata(
  value: unknown,
  fail: (problem: string, tensor?: string) => never,
): Record<string, string> | null {
  if (value === null) return null;
  if (!isObject(value)) fail(`__metadata__ must be an object of strings, got ${show(value)}`);
  const metadata: Record<string, string> = Object.create(null);
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== 'string') fail(`__metadata__ ${show(key)} is ${show(entry)}, not a string`);
    metadata[key] = entry;
  }
  return metadata;
}
