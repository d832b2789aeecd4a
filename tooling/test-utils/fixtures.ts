import { readFileSync } from 'node:fs';

/**
 * A tensor as the fixture generator writes it: row-major `data`, float64-exact decimal numbers
 * (Python's shortest round-trip repr), with NaN and the infinities spelled as strings since JSON lacks them.
 */
export interface FixtureTensor {
  shape: number[];
  dtype: 'float32' | 'float64' | 'int32' | 'bool';
  data: (number | boolean | 'nan' | 'inf' | '-inf')[];
}

/** One JSON file of fixtures: metadata plus named cases whose layout each test file agrees with its generator. */
export interface FixtureFile<Case = Record<string, unknown>> {
  generator: string;
  torch: string;
  cases: Record<string, Case>;
}

/** Reads a committed fixture file, e.g. `loadFixtures(new URL('./fixtures/ops.json', import.meta.url))`. */
export function loadFixtures<Case = Record<string, unknown>>(path: string | URL): FixtureFile<Case> {
  return JSON.parse(readFileSync(path, 'utf8')) as FixtureFile<Case>;
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
    case 'float64':
      return values;
    case 'int32':
      return Int32Array.from(values);
    case 'bool':
      return Uint8Array.from(values);
  }
}
