import { readFileSync } from 'node:fs';

/**
 * A tensor as the fixture generator writes it: row-major `data`, float64-exact decimal numbers
 * (Python's shortest round-trip repr), with NaN and the infinities spelled as strings since JSON lacks them.
 */
export interface FixtureTensor {
  shape: number[];
  dtype:
    | 'float32'
    | 'float64'
    | 'int32'
    | 'int64'
    | 'bool'
    | 'uint8'
    | 'int8'
    | 'int16'
    | 'float16'
    | 'bfloat16';
  data: (number | boolean | 'nan' | 'inf' | '-inf')[];
}

/**
 * One fixture file: metadata plus named cases whose layout each test file agrees with its generator.
 * On disk it is JSON Lines (see tooling/fixtures/generate.py): a header line `{generator, torch}`, then
 * one line `{"name": ..., "case": ...}` per case, so adding a case never touches another case's line.
 */
export interface FixtureFile<Case = Record<string, unknown>> {
  generator: string;
  torch: string;
  cases: Record<string, Case>;
}

/**
 * Reads a committed fixture file, e.g. `loadFixtures(new URL('./fixtures/ops.jsonl', import.meta.url))`.
 * Throws naming the file and line on a malformed line or a repeated case name.
 */
export function loadFixtures<Case = Record<string, unknown>>(path: string | URL): FixtureFile<Case> {
  const where = (line: number) => `loadFixtures: ${path instanceof URL ? path.pathname : path}:${line}`;
  const lines = readFileSync(path, 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  const parse = (i: number): Record<string, unknown> => {
    try {
      return JSON.parse(lines[i]!) as Record<string, unknown>;
    } catch (error) {
      throw new Error(
        `${where(i + 1)}: not a JSON line (${(error as Error).message}); regenerate with \`pnpm fixtures\``,
      );
    }
  };
  const header = parse(0);
  if (typeof header.generator !== 'string' || typeof header.torch !== 'string') {
    throw new Error(
      `${where(1)}: the first line must be the header {"generator", "torch"}; is this a fixtures .jsonl file?`,
    );
  }
  const cases: Record<string, Case> = {};
  for (let i = 1; i < lines.length; i++) {
    const { name, case: value } = parse(i);
    if (typeof name !== 'string' || value === undefined) {
      throw new Error(`${where(i + 1)}: a case line is {"name": string, "case": ...}`);
    }
    if (Object.hasOwn(cases, name)) throw new Error(`${where(i + 1)}: case "${name}" appears twice`);
    cases[name] = value as Case;
  }
  return { generator: header.generator, torch: header.torch, cases };
}

/** Decodes a fixture tensor's data to float64 numbers (bools as 0/1, NaN/±Infinity restored). */
export function decodeTensor(t: FixtureTensor): Float64Array {
  const out = new Float64Array(t.data.length);
  t.data.forEach((v, i) => {
    out[i] = v === 'nan' ? Number.NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : Number(v);
  });
  return out;
}

/**
 * A fixture tensor's values in the typed array its dtype is stored in on the CPU, ready for
 * `tensor(fixtureArray(f), { dtype: f.dtype }).reshape(f.shape)`.
 */
export function fixtureArray(t: FixtureTensor): Float32Array | Float64Array | Int32Array | Uint8Array {
  const values = decodeTensor(t);
  switch (t.dtype) {
    case 'float32':
      return Float32Array.from(values);
    case 'int32':
      return Int32Array.from(values);
    case 'bool':
      return Uint8Array.from(values);
    default:
      // float64, and dtypes whose values float64 holds exactly: 16-bit floats, narrow integers, int64 below 2^53
      return values;
  }
}
