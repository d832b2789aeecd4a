import type { Connect, Plugin } from 'vite';

const COMMON = [
  "default-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "object-src 'none'",
  "base-uri 'none'",
];

/**
 * The page's Content-Security-Policy: scripts only from the page's own origin (no inline script, no
 * eval), WebAssembly compilation allowed (the CPU kernels' SIMD GEMM; without it they fall back to plain
 * JS), workers from the origin and blob: URLs (the CPU kernels' helper threads start from a blob).
 */
export const PAGE_POLICY = [
  ...COMMON,
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
].join('; ');

/**
 * The training worker's own policy (a worker script's response sets the worker's CSP): the page's, plus
 * `'unsafe-eval'`, because gpu.js compiles its kernels with `new Function`. The CPU kernels never need it.
 */
export const WORKER_POLICY = [
  ...COMMON,
  "script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
].join('; ');

/** The training worker's script: `assets/train-worker-<hash>.js` built, `src/worker/train-worker.ts` in dev. */
const WORKER_SCRIPT = /\/(assets\/train-worker-[\w-]+\.js|src\/worker\/train-worker\.ts)(\?|$)/;

/**
 * Sends cross-origin isolation (SharedArrayBuffer, so the CPU kernels can run on several threads) and the
 * CSPs above from `vite dev` and `vite preview`. `NN_PLAYGROUND_CSP`, when set, replaces both policies
 * (the e2e test serves the app under plain `script-src 'self'` that way). A static host must send the
 * same headers.
 */
export function securityHeadersPlugin(): Plugin {
  const middleware: Connect.NextHandleFunction = (request, response, next) => {
    const override = process.env.NN_PLAYGROUND_CSP;
    const isWorker = WORKER_SCRIPT.test(request.url ?? '');
    response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    response.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    response.setHeader('Content-Security-Policy', override ?? (isWorker ? WORKER_POLICY : PAGE_POLICY));
    next();
  };
  return {
    name: 'nn-security-headers',
    configureServer(server) {
      server.middlewares.use(middleware);
    },
    configurePreviewServer(server) {
      server.middlewares.use(middleware);
    },
  };
}
