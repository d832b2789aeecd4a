import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { load } from '@nn/nn';
import { describe, expect, it } from 'vitest';
import { mlp } from '../src/models';
import { trainMnist } from '../src/train';

/** Collects what the app prints (not a TTY, so the bar prints every 10%). */
function capture(): { stream: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  return { stream, text: () => text };
}

describe('MNIST example', () => {
  it('learns from 2 000 real images in one epoch and saves loadable weights', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'nn-mnist-')), 'mlp.safetensors');
    const log = capture();
    const result = await trainMnist({
      model: 'mlp',
      epochs: 1,
      batchSize: 64,
      lr: 3e-3,
      schedule: 'onecycle',
      seed: 0,
      device: 'cpu',
      out,
      limit: 2000,
      log: log.stream,
    });
    // chance is 10%; a working MLP reaches ~85% from 2 000 images
    expect(result.testAccuracy).toBeGreaterThan(0.75);
    expect(log.text()).toMatch(
      /epoch 1\/1 \[=+>?\s*\] 2000\/2000 loss \d\.\d{4} acc \d+\.\d% \d+ samples\/s ETA 0s/,
    );
    expect(log.text()).toMatch(/test accuracy: \d+\.\d\d% \(\d+\/10000\)/);
    const weights = load(readFileSync(out));
    const model = mlp();
    const { missingKeys, unexpectedKeys } = model.loadStateDict(weights);
    expect(missingKeys).toEqual([]);
    expect(unexpectedKeys).toEqual([]);
    expect(Object.keys(weights).sort()).toEqual([
      '1.bias',
      '1.weight',
      '3.bias',
      '3.weight',
      '5.bias',
      '5.weight',
    ]);
  });
});
