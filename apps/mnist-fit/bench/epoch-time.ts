// Epoch time of fit against apps/mnist's hand-written loop: the MLP, the same recipe (Adam, OneCycleLR per
// batch, batch 64, seed 0, all 60 000 images, no validation), one epoch each. Every run is a fresh process
// and the two alternate which goes first, so neither inherits the other's heap or sees a different machine
// load. Prints each round and the medians.
// `pnpm --filter @nn/example-mnist-fit bench [rounds]`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { trainMnist } from '@nn/example-mnist/src/train';
import { runMnistFit } from '../src/run';

type Loop = 'hand' | 'fit';
const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });

/** One epoch of `loop` in this process: its training seconds and the test accuracy. */
async function epoch(loop: Loop): Promise<{ seconds: number; accuracy: number }> {
  const recipe = { model: 'mlp', epochs: 1, batchSize: 64, lr: 3e-3, seed: 0 } as const;
  if (loop === 'hand') {
    const r = await trainMnist({
      ...recipe,
      schedule: 'onecycle',
      device: 'cpu',
      out: '',
      log: quiet as never,
    });
    return { seconds: r.epochSeconds[0]!, accuracy: r.testAccuracy };
  }
  const out = mkdtempSync(join(tmpdir(), 'nn-mnist-fit-bench-'));
  const r = await runMnistFit({
    ...recipe,
    dataset: 'mnist',
    validationSplit: 0,
    patience: 2,
    out,
    log: quiet,
  });
  return { seconds: r.epochSeconds[0]!, accuracy: r.test.accuracy! };
}

/** Runs one epoch of `loop` in a child process. */
function child(loop: Loop): { seconds: number; accuracy: number } {
  const script = fileURLToPath(import.meta.url);
  const output = execFileSync(process.execPath, ['--import', 'tsx', script, '--child', loop], {
    encoding: 'utf8',
  });
  return JSON.parse(output.trim().split('\n').at(-1)!);
}

const [flag, loop] = process.argv.slice(2);
if (flag === '--child') {
  process.stdout.write(`${JSON.stringify(await epoch(loop as Loop))}\n`);
} else {
  const rounds = Number(flag ?? 4);
  const times: Record<Loop, number[]> = { hand: [], fit: [] };
  const accuracy: Record<Loop, number> = { hand: 0, fit: 0 };
  for (let round = 1; round <= rounds; round++) {
    // odd rounds run the hand loop first, even rounds fit first
    for (const which of round % 2 ? (['hand', 'fit'] as const) : (['fit', 'hand'] as const)) {
      const r = child(which);
      times[which].push(r.seconds);
      accuracy[which] = r.accuracy;
    }
    process.stdout.write(
      `round ${round}: hand loop ${times.hand.at(-1)!.toFixed(2)} s, fit ${times.fit.at(-1)!.toFixed(2)} s\n`,
    );
  }
  const median = (v: number[]) => {
    const s = [...v].sort((a, b) => a - b);
    return (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2;
  };
  const [h, f] = [median(times.hand), median(times.fit)];
  process.stdout.write(
    `median epoch: hand loop ${h.toFixed(2)} s, fit ${f.toFixed(2)} s (fit ${(100 * (f / h - 1)).toFixed(1)}%); ` +
      `test accuracy after 1 epoch: hand ${(100 * accuracy.hand).toFixed(2)}%, fit ${(100 * accuracy.fit).toFixed(2)}%\n`,
  );
}
