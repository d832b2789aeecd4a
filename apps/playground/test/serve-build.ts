import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type PreviewServer, preview } from 'vite';

export const APP_DIR = fileURLToPath(new URL('..', import.meta.url));

/** Where the test builds the app: its own folder, so a `vite build` running beside it is not disturbed. */
export const TEST_BUILD_DIR = join(APP_DIR, 'test-output', 'dist');

/** Builds the app as `pnpm build` does (vite.config.ts), into {@link TEST_BUILD_DIR}. */
export async function buildApp(): Promise<void> {
  await build({ root: APP_DIR, logLevel: 'warn', build: { outDir: TEST_BUILD_DIR, emptyOutDir: true } });
}

/**
 * Serves the build with `vite preview` (so with the COOP/COEP and CSP headers of vite/security-headers.ts)
 * on a free port of 127.0.0.1; `policy`, when given, replaces the page's and the worker's CSP.
 */
export async function previewApp(policy?: string): Promise<{ url: string; server: PreviewServer }> {
  if (policy === undefined) delete process.env.NN_PLAYGROUND_CSP;
  else process.env.NN_PLAYGROUND_CSP = policy;
  const server = await preview({
    root: APP_DIR,
    logLevel: 'warn',
    build: { outDir: TEST_BUILD_DIR },
    preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false },
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report its URL');
  return { url, server };
}
