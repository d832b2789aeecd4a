/**
 * Eigen-decomposition of a symmetric n x n row-major matrix by cyclic Jacobi rotations (accurate to
 * float64 rounding; O(n^3) per sweep, a handful of sweeps). `a` is destroyed. Returns the eigenvalues
 * ascending and the eigenvectors as the columns of a row-major n x n matrix.
 */
export function jacobiEigh(a: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let total = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const x = a[i * n + j]! ** 2;
        total += x;
        if (i !== j) off += x;
      }
    }
    // Converged when the off-diagonal mass is at rounding level (a tighter test may never be met).
    if (off <= 1e-30 * total) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (apq === 0) continue;
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[i * n + i]! - a[j * n + j]!);
  const values = Float64Array.from(order, (i) => a[i * n + i]!);
  const vectors = new Float64Array(n * n);
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) vectors[r * n + c] = v[r * n + order[c]!]!;
  return { values, vectors };
}

/**
 * Extends the `k` orthonormal columns of the row-major `m x cols` matrix `q` (columns `k..cols-1` free) to
 * an orthonormal set, by Gram-Schmidt (twice) of the standard basis vectors that are least in their span.
 */
export function completeColumns(q: Float64Array, m: number, cols: number, k: number): void {
  let filled = k;
  for (let e = 0; e < m && filled < cols; e++) {
    const w = new Float64Array(m);
    w[e] = 1;
    for (let pass = 0; pass < 2; pass++) {
      for (let c = 0; c < filled; c++) {
        let dot = 0;
        for (let r = 0; r < m; r++) dot += q[r * cols + c]! * w[r]!;
        for (let r = 0; r < m; r++) w[r]! -= dot * q[r * cols + c]!;
      }
    }
    let norm = 0;
    for (let r = 0; r < m; r++) norm += w[r]! ** 2;
    norm = Math.sqrt(norm);
    if (norm < 1e-6) continue;
    for (let r = 0; r < m; r++) q[r * cols + filled] = w[r]! / norm;
    filled++;
  }
}

/**
 * Thin SVD of an m x n row-major matrix with m >= n by one-sided Jacobi (Hestenes): U is m x n, V n x n,
 * singular values descending. Columns for zero singular values are completed to an orthonormal set.
 */
export function jacobiSvd(
  a: Float64Array,
  m: number,
  n: number,
): { u: Float64Array; s: Float64Array; v: Float64Array } {
  const u = Float64Array.from(a);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let r = 0; r < m; r++) {
          const up = u[r * n + p]!;
          const uq = u[r * n + q]!;
          alpha += up * up;
          beta += uq * uq;
          gamma += up * uq;
        }
        if (gamma === 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let r = 0; r < m; r++) {
          const up = u[r * n + p]!;
          const uq = u[r * n + q]!;
          u[r * n + p] = c * up - s * uq;
          u[r * n + q] = s * up + c * uq;
        }
        for (let r = 0; r < n; r++) {
          const vp = v[r * n + p]!;
          const vq = v[r * n + q]!;
          v[r * n + p] = c * vp - s * vq;
          v[r * n + q] = s * vp + c * vq;
        }
      }
    }
    if (!rotated) break;
  }
  const norms = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    let sum = 0;
    for (let r = 0; r < m; r++) sum += u[r * n + c]! ** 2;
    norms[c] = Math.sqrt(sum);
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => norms[j]! - norms[i]!);
  const s = Float64Array.from(order, (i) => norms[i]!);
  const uSorted = new Float64Array(m * n);
  const vSorted = new Float64Array(n * n);
  let nonzero = 0;
  for (let c = 0; c < n; c++) {
    const from = order[c]!;
    const sc = norms[from]!;
    if (sc > 0) nonzero = c + 1;
    for (let r = 0; r < m; r++) uSorted[r * n + c] = sc > 0 ? u[r * n + from]! / sc : 0;
    for (let r = 0; r < n; r++) vSorted[r * n + c] = v[r * n + from]!;
  }
  completeColumns(uSorted, m, n, nonzero);
  return { u: uSorted, s, v: vSorted };
}
