// Python's spelling of values in module reprs, so `toString()` prints what PyTorch prints.

/** A float as Python's `repr`: `1.0`, `0.1`, `1e-05`. */
export function pyFloat(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return `${v}.0`;
  const abs = Math.abs(v);
  if (abs >= 1e-4 && abs < 1e16) return String(v);
  // Python writes the exponent with at least two digits and a sign: 1e-05, 1e+16.
  const [mantissa, exponent] = v.toExponential().split('e') as [string, string];
  const sign = exponent.startsWith('-') ? '-' : '+';
  return `${mantissa}e${sign}${exponent.replace(/^[-+]/, '').padStart(2, '0')}`;
}

/** A boolean as Python's `True` / `False`. */
export function pyBool(v: boolean): string {
  return v ? 'True' : 'False';
}

/** A tuple as Python prints it: `(3, 3)`, `(3,)`. */
export function pyTuple(values: readonly number[]): string {
  return values.length === 1 ? `(${values[0]},)` : `(${values.join(', ')})`;
}

/** An int, or a tuple of ints when given as an array (PyTorch echoes what the user passed). */
export function pyIntOrTuple(v: number | readonly number[]): string {
  return typeof v === 'number' ? String(v) : pyTuple(v);
}

/** An output size as PyTorch echoes it: `2`, or `(2, None)` for a tuple with dims kept from the input. */
export function pyOptionalSizes(v: number | readonly (number | null)[]): string {
  return typeof v === 'number' ? String(v) : `(${v.map((s) => (s === null ? 'None' : s)).join(', ')})`;
}
