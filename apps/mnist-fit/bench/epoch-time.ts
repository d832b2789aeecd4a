// Epoch time of fit against apps/mnist's hand-written loop: the MLP, the same recipe (Adam, OneCycleLR per
// batch, batch 64, seed 0, all 60 000 images, no validation), one epoch each, alternating which goes first so
// that both see the same machine load. Prints each round and the median.
// `pnpm --filter @nn/example-mnist-fit bench [rounds]`.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { trainMnist } from '@nn/example-mnist/src/train';
import { runMnistFit } from '../src/run';

const rounds = Number(process.argv[2] ?? 3);
const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
const hand: number[] = [];
const fitted: number[] = [];
const accuracy = { hand: 0, fit: 0 };
const handEpoch = () =>
  trainMnist({
    model: 'mlp',
    epochs: 1,
    batchSize: 64,
    lr: 3e-3,
    schedule: 'onecycle',
    seed: 0,
    device: 'cpu',
    out: '',
    log: quiet as NodeJS.WriteStream,
  });
const fitEpoch = () =>
  runMnistFit({
    model: 'mlp',
    dataset: 'mnist',
    epochs: 1,
    batchSize: 64,
    lr: 3e-3,
    seed: 0,
    validationSplit: 0,
    patience: 2,
    out: mkdtempSync(join(tmpdir(), 'nn-mnist-fit-bench-')),
    log: quiet,
  });
for (let round = 1; round <= rounds; round++) {
  // odd rounds run the hand loop first, even rounds fit first
  const first = round % 2 ? await handEpoch() : await fitEpoch();
  const second = round % 2 ? await fitEpoch() : await handEpoch();
  const [a, b] = (round % 2 ? [first, second] : [second, first]) as [
    Awaited<ReturnType<typeof handEpoch>>,
    Awaited<ReturnType<typeof fitEpoch>>,
  ];
  hand.push(a.epochSeconds[0]!);
  fitted.push(b.epochSeconds[0]!);
  accuracy.hand = a.testAccuracy;
  accuracy.fit = b.test.accuracy!;
  process.stdout.write(
    `round ${round}: hand loop ${hand.at(-1)!.toFixed(2)} s, fit ${fitted.at(-1)!.toFixed(2)} s\n`,
  );
}
const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
const [h, f] = [median(hand), median(fitted)];
process.stdout.write(
  `median epoch: hand loop ${h.toFixed(2)} s, fit ${f.toFixed(2)} s (${(100 * (f / h - 1)).toFixed(1)}%); ` +
    `test accuracy after 1 epoch: hand ${(100 * accuracy.hand).toFixed(2)}%, fit ${(100 * accuracy.fit).toFixed(2)}%\n`,
);
