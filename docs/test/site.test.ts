import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '@nn/tooling/test-utils';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The built site (`pnpm docs:build`, which turbo runs before this test) in Debian's headless Chromium: the
 * home page leads to Try it, whose frame runs the playground; local search finds an API page; class pages
 * are of a readable length. Screenshots go to docs/test-output/. Runs when NN_CHROMIUM_PATH is set (CI
 * sets it; locally NN_CHROMIUM_PATH=/usr/bin/chromium).
 */
const enabled = process.env.NN_CHROMIUM_PATH !== undefined;

const dist = fileURLToPath(new URL('../.vitepress/dist/', import.meta.url));
const output = fileURLToPath(new URL('../test-output/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

/** The file a URL path names in the built site, with VitePress's clean URLs (`/try-it` is try-it.html). */
function fileFor(urlPath: string): string | undefined {
  const path = normalize(decodeURIComponent(urlPath.split('?')[0]!)).replace(/^(\.\.[/\\])+/, '');
  for (const candidate of [path, `${path}.html`, join(path, 'index.html')]) {
    const file = join(dist, candidate);
    if (existsSync(file) && statSync(file).isFile()) return file;
  }
  return undefined;
}

/** Serves the built site as a static host would. */
async function serveSite(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    const file = fileFor(request.url ?? '/');
    if (file === undefined) {
      response.statusCode = 404;
      response.end(readFileSync(join(dist, '404.html')));
      return;
    }
    response.setHeader('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
    response.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe.skipIf(!enabled)('the built docs site in headless Chromium (NN_CHROMIUM_PATH)', () => {
  let context: BrowserContext;
  let site: { url: string; close(): Promise<void> };
  let profile: string;

  beforeAll(async () => {
    if (!existsSync(join(dist, 'index.html')))
      throw new Error(`no built site in ${dist}: run pnpm docs:build`);
    if (!existsSync(CHROMIUM_PATH)) {
      throw new Error(`no Chromium at ${CHROMIUM_PATH}: run tooling/scripts/setup-gpu-ci.sh (apt chromium)`);
    }
    mkdirSync(output, { recursive: true });
    site = await serveSite();
    profile = mkdtempSync(join(tmpdir(), 'nn-docs-site-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1280, height: 900 },
    });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await site?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  /** Opens `path`, collecting uncaught errors; generous limits, as CI runs this beside other suites. */
  async function open(path: string): Promise<{ page: Page; errors: string[] }> {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(`${error.name}: ${error.message}`));
    await page.goto(`${site.url}${path}`, { waitUntil: 'load', timeout: 120_000 });
    return { page, errors };
  }

  it('home links to Try it, whose frame runs the playground', async () => {
    const { page, errors } = await open('/');
    await page.screenshot({ path: join(output, 'home.png') });
    await page.getByRole('link', { name: 'Try it in your browser' }).click();
    await page.waitForURL(/\/try-it$/, { timeout: 60_000 });
    const frame = page.frameLocator('iframe.playground-frame');
    await expect
      .poll(() => frame.locator('h1').textContent({ timeout: 120_000 }), { timeout: 120_000 })
      .toBe('@nn playground');
    // The worker-backed page is alive: it reports whether it is cross-origin isolated (here it is not).
    await expect.poll(() => frame.locator('#isolation').textContent(), { timeout: 60_000 }).not.toBe('…');
    // A short run inside the frame: the worker finds the MNIST subset under the site's /playground/ base.
    await frame.locator('input[name="steps"]').fill('30');
    await frame.locator('input[name="samples"]').fill('2000');
    await frame.locator('#train-button').click();
    await expect
      .poll(() => frame.locator('#test-accuracy').textContent(), { timeout: 240_000 })
      .toMatch(/% on 1000 test images after 30 steps/);
    await page.screenshot({ path: join(output, 'try-it.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);

  it('local search finds the Conv2d class page, which is short and has an example', async () => {
    const { page, errors } = await open('/guide/getting-started');
    await page.locator('.VPNavBarSearch button').click();
    await page.locator('input.search-input').fill('Conv2d');
    const hit = page.locator('.result', { hasText: 'Conv2d' }).first();
    await hit.waitFor({ timeout: 60_000 });
    await page.screenshot({ path: join(output, 'search.png') });
    await hit.click();
    await page.waitForURL(/\/api\/@nn\/nn\/classes\/Conv2d/, { timeout: 60_000 });
    await expect.poll(() => page.locator('h1').first().textContent()).toMatch(/Class: Conv2d/);
    expect(await page.locator('h2', { hasText: 'Example' }).count()).toBe(1);
    expect(await page.locator('main a', { hasText: /^Module$/ }).getAttribute('href')).toMatch(/Module$/);
    // Module's ~35 methods are on Module's page, not repeated here (the page was ~20 000 px tall).
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    expect(height).toBeLessThan(6000);
    await page.screenshot({ path: join(output, 'api-conv2d.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);
});
