/** cholesky: factor `L Lᴴ` (`upper`: `Uᴴ U`). */
export interface CholeskyAttrs {
  upper: boolean;
}

/** qr: `reduced` (Q `[m, k]`, R `[k, n]`), `complete` (Q `[m, m]`) or `r` (R only, Q empty). */
export interface QrAttrs {
  mode: 'reduced' | 'complete' | 'r';
}

/** eigh: which triangle of the input is read (the other is assumed symmetric). */
export interface EighAttrs {
  upper: boolean;
}

/** svd: `fullMatrices` gives square U and Vh; otherwise the reduced factors. */
export interface SvdAttrs {
  fullMatrices: boolean;
}
