/**
 * The page's Content-Security-Policy: scripts only from the page's own origin (no inline script, no eval),
 * WebAssembly compilation allowed (the CPU kernels' SIMD GEMM; without it they fall back to plain JS),
 * workers from the origin and from blob: URLs (the CPU kernels' helper threads, started from a blob).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "object-src 'none'",
  "base-uri 'none'",
].join('; ');

/**
 * Cross-origin isolation (SharedArrayBuffer, so the CPU kernels can run on several threads) and the CSP,
 * sent by `vite dev` and `vite preview`. A static host must send the same headers.
 */
export const SECURITY_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
};
