/**
 * In-place LU factorization with partial pivoting of an n x n row-major matrix (LAPACK getrf's pivoting:
 * the largest magnitude in the column). Returns the row swaps' parity (+1/-1) and the first zero pivot's
 * 1-based position (0 when none), as getrf's `info`.
 */
export function luInPlace(
  a: Float64Array,
  n: number,
  perm: Int32Array,
): { parity: number; zeroPivot: number } {
  let parity = 1;
  let zeroPivot = 0;
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let k = 0; k < n; k++) {
    let p = k;
    let best = Math.abs(a[k * n + k]!);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(a[i * n + k]!);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    if (p !== k) {
      for (let j = 0; j < n; j++) {
        const t = a[k * n + j]!;
        a[k * n + j] = a[p * n + j]!;
        a[p * n + j] = t;
      }
      const t = perm[k]!;
      perm[k] = perm[p]!;
      perm[p] = t;
      parity = -parity;
    }
    const pivot = a[k * n + k]!;
    if (pivot === 0) {
      if (zeroPivot === 0) zeroPivot = k + 1;
      continue;
    }
    for (let i = k + 1; i < n; i++) {
      const f = a[i * n + k]! / pivot;
      a[i * n + k] = f;
      if (f === 0) continue;
      for (let j = k + 1; j < n; j++) a[i * n + j]! -= f * a[k * n + j]!;
    }
  }
  return { parity, zeroPivot };
}

/** Solves LU x = P b for every column of `b` (n x k, row-major) in place, from {@link luInPlace}'s output. */
export function luSolveInPlace(
  lu: Float64Array,
  perm: Int32Array,
  n: number,
  b: Float64Array,
  k: number,
): void {
  const x = new Float64Array(n * k);
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) x[i * k + c] = b[perm[i]! * k + c]!;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const f = lu[i * n + j]!;
      if (f !== 0) for (let c = 0; c < k; c++) x[i * k + c]! -= f * x[j * k + c]!;
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let j = i + 1; j < n; j++) {
      const f = lu[i * n + j]!;
      if (f !== 0) for (let c = 0; c < k; c++) x[i * k + c]! -= f * x[j * k + c]!;
    }
    const d = lu[i * n + i]!;
    for (let c = 0; c < k; c++) x[i * k + c]! /= d;
  }
  b.set(x);
}
