import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '@nn/tooling/test-utils';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { servePage } from '../src/serve-page';
import type { CspPageResult } from '../src/train-in-page';

// Runs in Debian's headless Chromium when NN_CHROMIUM_PATH is set: CI sets it after
// tooling/scripts/setup-gpu-ci.sh installed chromium (locally: NN_CHROMIUM_PATH=/usr/bin/chromium).
// Once set, a missing browser fails the test instead of skipping it.
const enabled = process.env.NN_CHROMIUM_PATH !== undefined;

describe.skipIf(!enabled)(
  "a page served with Content-Security-Policy script-src 'self' (NN_CHROMIUM_PATH)",
  () => {
    it('trains an MLP on the CPU: no eval, no WebAssembly, the loss falls, no errors', async () => {
      if (!existsSync(CHROMIUM_PATH)) {
        throw new Error(
          `no Chromium at ${CHROMIUM_PATH}: run tooling/scripts/setup-gpu-ci.sh (apt chromium)`,
        );
      }
      const server = await servePage();
      const profile = mkdtempSync(join(tmpdir(), 'nn-csp-chromium-'));
      const context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM_PATH,
        headless: true,
        args: CHROMIUM_FLAGS,
      });
      try {
        const page = context.pages()[0] ?? (await context.newPage());
        const consoleErrors: string[] = [];
        const pageErrors: string[] = [];
        page.on('console', (message) => {
          if (message.type() === 'error' || message.type() === 'warning') consoleErrors.push(message.text());
        });
        page.on('pageerror', (error) => pageErrors.push(`${error.name}: ${error.message}`));
        // The page trains inside its script, so 'load' fires only after training: wait for the response
        // alone, then poll. Generous limits, as CI runs this beside the other packages' suites on 2 cores.
        await page.goto(server.url, { waitUntil: 'commit', timeout: 120_000 });
        // Polled from Node (page.waitForFunction would itself need eval in the page).
        let result: CspPageResult | undefined;
        for (let tries = 0; tries < 1800 && !result; tries++) {
          result = await page.evaluate(() => (globalThis as { nnCspResult?: CspPageResult }).nnCspResult);
          if (!result) await new Promise((resolve) => setTimeout(resolve, 100));
        }
        expect(pageErrors, 'uncaught errors in the page').toEqual([]);
        expect(result, 'the page never reported (see the page errors)').toBeDefined();
        const { losses, error } = result!;
        // The policy is really in force: the page's own attempts were refused, and the library saw it.
        expect(result!.evalError).toMatch(/^EvalError/);
        expect(result!.wasmError).toMatch(/^CompileError/);
        expect(result!.canGenerateCode).toBe(false);
        expect(result!.canCompileWasm).toBe(false);
        // Training ran to the end without any EvalError / CompileError escaping, and learnt.
        expect(error).toBeNull();
        expect(losses).toHaveLength(150);
        expect(losses.every(Number.isFinite)).toBe(true);
        expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.2);
        // Refused attempts throw in the page without console noise: any error or warning is a failure.
        expect(consoleErrors).toEqual([]);
        expect(await page.textContent('body')).toMatch(/trained an MLP on the CPU under CSP/);
      } finally {
        await context.close();
        await server.close();
        rmSync(profile, { recursive: true, force: true });
      }
    }, 300_000);
  },
);
