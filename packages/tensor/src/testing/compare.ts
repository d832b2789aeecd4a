import { type DType, isFloating, type Tensor, type TypedArray } from '..';
import { ConformanceError } from './conformance-error';

/** `|actual - expected| <= atol + rtol * |expected|` for float results; ints and bools compare exactly. */
export interface ConformanceTolerance {
  /** Relative tolerance (default 1e-5). */
  rtol?: number;
  /** Absolute tolerance (default 1e-6). */
  atol?: number;
}

function close(a: number, b: number, rtol: number, atol: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= atol + rtol * Math.abs(b);
}

/**
 * Throws a {@link ConformanceError} (prefixed with `label`) listing the first differing elements of
 * `actual` against `expected`; floats within the tolerance, other dtypes exactly.
 */
export function compareValues(
  label: string,
  actual: TypedArray,
  expected: TypedArray,
  dtype: DType,
  tolerance: Required<ConformanceTolerance>,
): void {
  if (actual.length !== expected.length) {
    throw new ConformanceError(label, `read ${actual.length} values, expected ${expected.length}`);
  }
  const { rtol, atol } = isFloating(dtype) ? tolerance : { rtol: 0, atol: 0 };
  const bad: string[] = [];
  let count = 0;
  for (let i = 0; i < actual.length; i++) {
    if (!close(actual[i]!, expected[i]!, rtol, atol)) {
      count++;
      if (bad.length < 5) bad.push(`[${i}] got ${actual[i]}, want ${expected[i]}`);
    }
  }
  if (count > 0) {
    throw new ConformanceError(
      label,
      `${count}/${actual.length} ${dtype} values differ (rtol=${rtol}, atol=${atol}): ${bad.join('; ')}`,
    );
  }
}

/** Checks one output against the reference: device, dtype, shape, then values (read with `await data()`). */
export async function compareOutput(
  label: string,
  actual: Tensor,
  expected: Tensor,
  device: string,
  tolerance: Required<ConformanceTolerance>,
): Promise<void> {
  if (actual.device !== device) {
    throw new ConformanceError(label, `result is on device '${actual.device}', expected '${device}'`);
  }
  if (actual.dtype !== expected.dtype) {
    throw new ConformanceError(label, `dtype ${actual.dtype}, expected ${expected.dtype}`);
  }
  const [got, want] = [`[${actual.shape.join(',')}]`, `[${expected.shape.join(',')}]`];
  if (got !== want) {
    throw new ConformanceError(label, `shape ${got}, expected ${want}`);
  }
  compareValues(label, await actual.data(), await expected.data(), expected.dtype, tolerance);
}
