import { NNError } from '../../../kernel/errors';
import { registerKernel } from '../../../kernel/registry';
import type { TensorView } from '../../../kernel/view';
import { luInPlace, luSolveInPlace } from './lu';
import { BatchWriter, batchLabel, readMatrices } from './matrices';
import { completeColumns, jacobiSvd, symmetricEigen } from './symmetric';

function inv(x: TensorView): TensorView {
  const { batch, rows: n, count, matrix } = readMatrices(x);
  const out = new BatchWriter([...x.shape], x.dtype);
  const perm = new Int32Array(n);
  for (let b = 0; b < count; b++) {
    const a = matrix(b);
    const { zeroPivot } = luInPlace(a, n, perm);
    if (zeroPivot > 0) {
      throw new NNError(
        'linalg.inv',
        `${batchLabel(batch, b)}The diagonal element ${zeroPivot} is zero, the inversion could not be completed ` +
          'because the input matrix is singular.',
      );
    }
    const identity = new Float64Array(n * n);
    for (let i = 0; i < n; i++) identity[i * n + i] = 1;
    luSolveInPlace(a, perm, n, identity, n);
    out.put(b, identity);
  }
  return out.view();
}

function slogdet(x: TensorView): TensorView[] {
  const { batch, rows: n, count, matrix } = readMatrices(x);
  const sign = new BatchWriter(batch, x.dtype);
  const logabs = new BatchWriter(batch, x.dtype);
  const perm = new Int32Array(n);
  for (let b = 0; b < count; b++) {
    const a = matrix(b);
    const { parity, zeroPivot } = luInPlace(a, n, perm);
    let s = parity;
    let log = 0;
    for (let i = 0; i < n; i++) {
      const d = a[i * n + i]!;
      if (d < 0) s = -s;
      log += Math.log(Math.abs(d));
    }
    sign.put(b, [zeroPivot > 0 ? 0 : s]);
    logabs.put(b, [zeroPivot > 0 ? Number.NEGATIVE_INFINITY : log]);
  }
  return [sign.view(), logabs.view()];
}

function cholesky(x: TensorView, upper: boolean): TensorView {
  const { batch, rows: n, count, matrix } = readMatrices(x);
  const out = new BatchWriter([...x.shape], x.dtype);
  for (let b = 0; b < count; b++) {
    const a = matrix(b);
    // LAPACK reads one triangle: the lower for L, the upper (read transposed) for U.
    const at = upper ? (i: number, j: number) => a[j * n + i]! : (i: number, j: number) => a[i * n + j]!;
    const l = new Float64Array(n * n);
    for (let j = 0; j < n; j++) {
      let d = at(j, j);
      for (let k = 0; k < j; k++) d -= l[j * n + k]! ** 2;
      if (!(d > 0)) {
        throw new NNError(
          'linalg.cholesky',
          `${batchLabel(batch, b)}The factorization could not be completed because the input is not ` +
            `positive-definite (the leading minor of order ${j + 1} is not positive-definite).`,
        );
      }
      const ljj = Math.sqrt(d);
      l[j * n + j] = ljj;
      for (let i = j + 1; i < n; i++) {
        let v = at(i, j);
        for (let k = 0; k < j; k++) v -= l[i * n + k]! * l[j * n + k]!;
        l[i * n + j] = v / ljj;
      }
    }
    if (upper) {
      const u = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) u[i * n + j] = l[j * n + i]!;
      out.put(b, u);
    } else out.put(b, l);
  }
  return out.view();
}

/**
 * Householder QR as LAPACK's geqrf + orgqr, with its sign convention (each reflection makes the diagonal
 * entry `-sign(a_jj) * norm`), so Q and R match PyTorch's, not only up to signs.
 */
function qr(x: TensorView, mode: 'reduced' | 'complete' | 'r'): TensorView[] {
  const { batch, rows: m, cols: n, count, matrix } = readMatrices(x);
  const k = Math.min(m, n);
  const qCols = mode === 'complete' ? m : k;
  const rRows = mode === 'complete' ? m : k;
  const qOut = new BatchWriter(mode === 'r' ? [0] : [...batch, m, qCols], x.dtype);
  const rOut = new BatchWriter([...batch, rRows, n], x.dtype);
  for (let b = 0; b < count; b++) {
    const a = matrix(b);
    const taus = new Float64Array(k);
    for (let j = 0; j < k; j++) {
      const alpha = a[j * n + j]!;
      let xnorm = 0;
      for (let i = j + 1; i < m; i++) xnorm = Math.hypot(xnorm, a[i * n + j]!);
      if (xnorm === 0) continue; // H = I (tau 0)
      const beta = -(alpha >= 0 ? 1 : -1) * Math.hypot(alpha, xnorm);
      taus[j] = (beta - alpha) / beta;
      const scale = 1 / (alpha - beta);
      for (let i = j + 1; i < m; i++) a[i * n + j]! *= scale;
      a[j * n + j] = beta;
      // Apply H = I - tau v vᵀ (v = [1, a[j+1.., j]]) to the trailing columns.
      for (let c = j + 1; c < n; c++) {
        let dot = a[j * n + c]!;
        for (let i = j + 1; i < m; i++) dot += a[i * n + j]! * a[i * n + c]!;
        const f = taus[j]! * dot;
        a[j * n + c]! -= f;
        for (let i = j + 1; i < m; i++) a[i * n + c]! -= f * a[i * n + j]!;
      }
    }
    const r = new Float64Array(rRows * n);
    for (let i = 0; i < Math.min(rRows, m); i++) for (let c = i; c < n; c++) r[i * n + c] = a[i * n + c]!;
    rOut.put(b, r);
    if (mode === 'r') continue;
    const q = new Float64Array(m * qCols);
    for (let i = 0; i < qCols; i++) q[i * qCols + i] = 1;
    for (let j = k - 1; j >= 0; j--) {
      const tau = taus[j]!;
      if (tau === 0) continue;
      for (let c = 0; c < qCols; c++) {
        let dot = q[j * qCols + c]!;
        for (let i = j + 1; i < m; i++) dot += a[i * n + j]! * q[i * qCols + c]!;
        const f = tau * dot;
        q[j * qCols + c]! -= f;
        for (let i = j + 1; i < m; i++) q[i * qCols + c]! -= f * a[i * n + j]!;
      }
    }
    qOut.put(b, q);
  }
  return [qOut.view(), rOut.view()];
}

function eigh(x: TensorView, upper: boolean): TensorView[] {
  const { batch, rows: n, count, matrix } = readMatrices(x);
  const values = new BatchWriter([...batch, n], x.dtype);
  const vectors = new BatchWriter([...x.shape], x.dtype);
  for (let b = 0; b < count; b++) {
    const a = matrix(b);
    // Only one triangle is read, as LAPACK's syevd: mirror it.
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        if (upper) a[j * n + i] = a[i * n + j]!;
        else a[i * n + j] = a[j * n + i]!;
      }
    }
    const result = symmetricEigen(a, n);
    values.put(b, result.values);
    vectors.put(b, result.vectors);
  }
  return [values.view(), vectors.view()];
}

function svd(x: TensorView, fullMatrices: boolean): TensorView[] {
  const { batch, rows: m, cols: n, count, matrix } = readMatrices(x);
  const k = Math.min(m, n);
  const uCols = fullMatrices ? m : k;
  const vRows = fullMatrices ? n : k;
  const uOut = new BatchWriter([...batch, m, uCols], x.dtype);
  const sOut = new BatchWriter([...batch, k], x.dtype);
  const vhOut = new BatchWriter([...batch, vRows, n], x.dtype);
  for (let b = 0; b < count; b++) {
    const a = matrix(b);
    // One-sided Jacobi needs rows >= cols: factor Aᵀ = V S Uᵀ for wide matrices.
    const tall = m >= n;
    const source = tall ? a : transpose(a, m, n);
    const [rows, cols] = tall ? [m, n] : [n, m];
    const { u, s, v } = jacobiSvd(source, rows, cols);
    // u is rows x k, v is k x k (k = cols); map back to A's U (m x ·) and V (n x ·).
    const [left, leftRows, right, rightRows] = tall ? [u, m, v, n] : [v, m, u, n];
    const uFull = widen(left, leftRows, k, uCols);
    const vFull = widen(right, rightRows, k, vRows);
    uOut.put(b, uFull);
    sOut.put(b, s);
    vhOut.put(b, transpose(vFull, rightRows, vRows));
  }
  return [uOut.view(), sOut.view(), vhOut.view()];
}

function transpose(a: Float64Array, rows: number, cols: number): Float64Array {
  const t = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j]!;
  return t;
}

/** The `rows x k` orthonormal columns widened to `cols` columns (completed to an orthonormal set). */
function widen(q: Float64Array, rows: number, k: number, cols: number): Float64Array {
  if (cols === k) return q;
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < k; c++) out[r * cols + c] = q[r * k + c]!;
  completeColumns(out, rows, cols, k);
  return out;
}

/** Registers the CPU inv, slogdet, cholesky, qr, eigh and svd kernels (float64 arithmetic throughout). */
export function registerCpuDecompositions(): void {
  registerKernel('inv', 'cpu', ([x]) => inv(x!));
  registerKernel('slogdet', 'cpu', ([x]) => slogdet(x!));
  registerKernel('cholesky', 'cpu', ([x], { upper }) => cholesky(x!, upper));
  registerKernel('qr', 'cpu', ([x], { mode }) => qr(x!, mode));
  registerKernel('eigh', 'cpu', ([x], { upper }) => eigh(x!, upper));
  registerKernel('svd', 'cpu', ([x], { fullMatrices }) => svd(x!, fullMatrices));
}
