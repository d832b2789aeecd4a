// MLP training step time: Node against headless Chromium (the built playground, its training worker),
// on the CPU with 1 thread and with all threads. Same training code (src/worker/train-loop.ts), same
// recipe: batch 64, Adam, the first 10 000 MNIST images, 300 steps; reports the median of the chart
// points' mean step times after the first 5 (warm-up). `pnpm --filter @nn/playground bench`
// (needs /usr/bin/chromium or NN_CHROMIUM_PATH).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MNIST } from '@nn/data/node';
import { getNumThreads, setNumThreads, tensor } from '@nn/tensor';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '@nn/tooling/test-utils';
import { chromium } from 'playwright-core';
import type { PlaygroundState } from '../src/main';
import { normalise } from '../src/worker/normalise';
import type { ProgressPoint, TrainRequest } from '../src/worker/protocol';
import { runTraining } from '../src/worker/train-loop';
import { buildApp, previewApp } from '../test/serve-build';
import { PAGE_POLICY } from '../vite/security-headers';

const STEPS = 300;
const recipe = (threads: number): TrainRequest => ({
  model: 'mlp',
  device: 'cpu',
  threads,
  steps: STEPS,
  batchSize: 64,
  lr: 0.003,
  samples: 10_000,
});

function median(points: readonly ProgressPoint[]): number {
  const times = points
    .slice(5)
    .map((p) => p.stepMs)
    .sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

async function node(threads: number): Promise<number> {
  const split = await MNIST.load({ train: true });
  const count = 10_000;
  const images = tensor(normalise(split.images.subarray(0, count * 784))).reshape(count, 1, 28, 28);
  const labels = tensor(Int32Array.from(split.labels.subarray(0, count)));
  const points: ProgressPoint[] = [];
  await runTraining(recipe(threads), [images, labels], {
    onProgress: (p) => points.push(p),
    stopRequested: () => false,
  });
  return median(points);
}

/** Step times in the playground's worker, one run per entry of `threadCounts`, in one page. */
async function chromiumRuns(threadCounts: number[], policy?: string): Promise<number[]> {
  const { url, server } = await previewApp(policy);
  const profile = mkdtempSync(join(tmpdir(), 'nn-playground-bench-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_FLAGS,
  });
  const read = () => page.evaluate(() => (globalThis as { nnPlayground?: PlaygroundState }).nnPlayground!);
  const page = context.pages()[0] ?? (await context.newPage());
  try {
    await page.goto(url, { waitUntil: 'commit' });
    const results: number[] = [];
    for (const threads of threadCounts) {
      await page.waitForSelector('#train-button:not([disabled])');
      await page.fill('[name="threads"]', String(threads));
      await page.click('#train-button');
      for (let state = await read(); !state.trained; state = await read()) {
        if (state.errors.length) throw new Error(state.errors.join('; '));
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      results.push(median((await read()).progress));
    }
    return results;
  } finally {
    await context.close();
    await server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

setNumThreads(64);
const all = getNumThreads();
await buildApp();
// each configuration twice, interleaved, so a change in machine load shows as a spread
const ms = (runs: number[]) => runs.map((v) => `${v.toFixed(2)} ms`).join(' / ');
const nodeOne = [await node(1)];
const nodeAll = [await node(all)];
nodeOne.push(await node(1));
nodeAll.push(await node(all));
const chrome = await chromiumRuns([1, all, 1, all]);
// the worker's policy allows eval (for gpu.js), so the CPU kernels generate code; the page's policy forbids it
const chromeEvalFree = await chromiumRuns([1, all], PAGE_POLICY);
process.stdout.write(
  `MLP training step (batch 64, cpu), median over ${STEPS} steps, two runs each:\n` +
    `  Node ${process.version}: 1 thread ${ms(nodeOne)}; ${all} threads ${ms(nodeAll)}\n` +
    `  Chromium worker, isolated, the app's headers: 1 thread ${ms([chrome[0]!, chrome[2]!])}; ` +
    `${all} threads ${ms([chrome[1]!, chrome[3]!])}\n` +
    `  Chromium worker, isolated, eval-free kernels (the page's CSP for the worker too): ` +
    `1 thread ${ms([chromeEvalFree[0]!])}; ${all} threads ${ms([chromeEvalFree[1]!])}\n`,
);
