import { decodeTensor, type FixtureTensor } from './fixtures';

/** `|actual - expected| <= atol + rtol * |expected|`, as torch.allclose; NaN matches NaN. */
export interface Tolerance {
  rtol?: number;
  atol?: number;
  /** Zeros must also agree in sign (`-0` vs `0`: copysign, atan2 and 1/x tell them apart). */
  signedZeros?: boolean;
}

/** Anything with a shape and synchronously readable values: an @nn Tensor or a plain record. */
export type TensorLike =
  | { readonly shape: readonly number[]; dataSync(): ArrayLike<number | boolean> | ArrayLike<number> }
  | { readonly shape: readonly number[]; data: ArrayLike<number> };

function readValues(t: TensorLike): ArrayLike<number> {
  return 'dataSync' in t ? (t.dataSync() as ArrayLike<number>) : t.data;
}

function close(a: number, b: number, rtol: number, atol: number, signedZeros: boolean): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (signedZeros && b === 0 && a === 0) return Object.is(a, b);
  if (!Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= atol + rtol * Math.abs(b);
}

/**
 * Throws an assertion error listing the shape difference or the first mismatching elements.
 * Defaults to float32-level tolerance (rtol 1e-5, atol 1e-6).
 */
export function assertClose(
  actual: TensorLike,
  expected: FixtureTensor | TensorLike,
  { rtol = 1e-5, atol = 1e-6, signedZeros = false }: Tolerance = {},
  label = 'value',
): void {
  const wantShape = expected.shape;
  if (actual.shape.length !== wantShape.length || actual.shape.some((d, i) => d !== wantShape[i])) {
    throw new Error(`${label}: shape [${actual.shape.join(',')}] != expected [${wantShape.join(',')}]`);
  }
  const got = readValues(actual);
  const want =
    'dtype' in expected && Array.isArray((expected as FixtureTensor).data)
      ? decodeTensor(expected as FixtureTensor)
      : readValues(expected as TensorLike);
  if (got.length !== want.length) {
    throw new Error(`${label}: ${got.length} values != expected ${want.length}`);
  }
  const bad: string[] = [];
  let count = 0;
  for (let i = 0; i < got.length; i++) {
    const g = Number(got[i]);
    const w = Number(want[i]);
    if (!close(g, w, rtol, atol, signedZeros)) {
      count++;
      if (bad.length < 5) bad.push(`[${i}] got ${g}, want ${w} (diff ${Math.abs(g - w)})`);
    }
  }
  if (count > 0) {
    throw new Error(
      `${label}: ${count}/${got.length} elements differ beyond rtol=${rtol}, atol=${atol}:\n  ${bad.join('\n  ')}`,
    );
  }
}
