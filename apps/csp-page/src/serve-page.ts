import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceAliasPlugin } from '@nn/tooling/test-utils';
import { build } from 'esbuild';

/** No inline scripts, no eval, no WebAssembly compilation: only scripts from the page's own origin. */
export const CONTENT_SECURITY_POLICY = "script-src 'self'";

const APP_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

const PAGE = `<!doctype html><meta charset="utf-8"><title>@nn under a strict CSP</title>
<body>training…<script src="/train.js"></script></body>`;

/** The page script as one browser bundle (minified, as a site would ship it). */
async function bundle(): Promise<string> {
  const result = await build({
    entryPoints: [join(APP_DIR, 'src', 'train-in-page.ts')],
    plugins: [sourceAliasPlugin()], // the @nn packages from source, as the unit tests run them
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/** A running page server. */
export interface PageServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves the page on 127.0.0.1 (a free port) with {@link CONTENT_SECURITY_POLICY} on every response. */
export async function servePage(): Promise<PageServer> {
  const script = await bundle();
  const server = createServer((request, response) => {
    response.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    if (request.url === '/') {
      response.setHeader('Content-Type', 'text/html');
      response.end(PAGE);
    } else if (request.url === '/train.js') {
      response.setHeader('Content-Type', 'text/javascript');
      response.end(script);
    } else if (request.url === '/favicon.ico') {
      response.statusCode = 204; // none, and no 404 in the console
      response.end();
    } else {
      response.statusCode = 404;
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
