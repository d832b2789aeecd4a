import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_FLAGS, CHROMIUM_PATH, sourceAliasPlugin } from '@nn/tooling/test-utils';
import { build } from 'esbuild';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blocksOf, pageModule } from './snippet-blocks';

/**
 * The guides' browser blocks (`<!-- docs-test: browser <reason> -->`: WebGL2, WebGPU, a canvas) run here, in
 * Debian's headless Chromium, as the Node ones run in snippets.test.ts: a page's blocks in order, bundled
 * with esbuild from the @nn packages' sources into one page script. An uncaught error, a rejected block or
 * a console error fails the page. Runs when NN_CHROMIUM_PATH is set (CI sets it after
 * tooling/scripts/setup-gpu-ci.sh installed chromium; locally NN_CHROMIUM_PATH=/usr/bin/chromium).
 */
const enabled = process.env.NN_CHROMIUM_PATH !== undefined;

const docsDir = fileURLToPath(new URL('../guide/', import.meta.url));
const contextPath = fileURLToPath(new URL('./docs-context.ts', import.meta.url));

/** What the page script leaves in `globalThis.nnDocs` once its blocks have run. */
interface PageOutcome {
  readonly error: string | null;
}

/** The page's blocks as one browser script that runs them and reports to `globalThis.nnDocs`. */
async function pageScript(work: string, page: string, module: string): Promise<string> {
  const file = join(work, page.replace(/\.md$/, '.ts'));
  writeFileSync(file, module);
  const entry = `import { run } from ${JSON.stringify(file)};
run().then(
  () => { globalThis.nnDocs = { error: null }; },
  (error) => { globalThis.nnDocs = { error: String(error?.stack ?? error) }; },
);`;
  const result = await build({
    stdin: { contents: entry, resolveDir: work, loader: 'ts' },
    plugins: [sourceAliasPlugin()],
    // From source, `import '@nn/autograd'` would be dropped: its package.json marks only dist/ as side-effectful.
    ignoreAnnotations: true,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/** Serves `/` (an empty page loading `/page.js`) and `/page.js`, cross-origin isolated as a real app would be. */
async function servePage(script: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    response.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    if (request.url === '/') {
      response.setHeader('Content-Type', 'text/html');
      response.end(
        '<!doctype html><meta charset="utf-8"><title>docs snippets</title><script src="/page.js"></script>',
      );
    } else if (request.url === '/page.js') {
      response.setHeader('Content-Type', 'text/javascript');
      response.end(script);
    } else {
      response.statusCode = request.url === '/favicon.ico' ? 204 : 404;
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const pages = readdirSync(docsDir)
  .filter((f) => f.endsWith('.md'))
  .map((page) => ({
    page,
    blocks: blocksOf(readFileSync(join(docsDir, page), 'utf8')).filter((b) => b.target === 'browser'),
  }))
  .filter(({ blocks }) => blocks.length > 0);

describe.skipIf(!enabled)('docs browser snippets run in headless Chromium (NN_CHROMIUM_PATH)', () => {
  let context: BrowserContext;
  let profile: string;
  let work: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM_PATH)) {
      throw new Error(`no Chromium at ${CHROMIUM_PATH}: run tooling/scripts/setup-gpu-ci.sh (apt chromium)`);
    }
    profile = mkdtempSync(join(tmpdir(), 'nn-docs-chromium-'));
    work = mkdtempSync(join(tmpdir(), 'nn-docs-browser-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_FLAGS,
    });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    rmSync(profile, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it('finds the browser blocks', () => {
    expect(pages.map(({ page }) => page)).toContain('gpu-backend.md');
  });

  for (const { page, blocks } of pages) {
    it(`${page}: ${blocks.length} browser block(s)`, async () => {
      const server = await servePage(await pageScript(work, page, pageModule(blocks, contextPath)));
      const tab = await context.newPage();
      const errors: string[] = [];
      tab.on('console', (message) => {
        if (message.type() === 'error') errors.push(`console.error: ${message.text()}`);
      });
      tab.on('pageerror', (error) => errors.push(`${error.name}: ${error.message}`));
      try {
        // Generous limits: CI runs this beside the other packages' suites on 2 cores.
        await tab.goto(server.url, { waitUntil: 'commit', timeout: 120_000 });
        const handle = await tab.waitForFunction(
          () => (globalThis as { nnDocs?: unknown }).nnDocs,
          undefined,
          {
            timeout: 240_000,
            polling: 100,
          },
        );
        const outcome = (await handle.jsonValue()) as PageOutcome;
        expect(outcome.error, 'a block threw').toBeNull();
        expect(errors).toEqual([]);
      } finally {
        await tab.close();
        await server.close();
      }
    }, 300_000);
  }
});
