import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadCheckpoint } from '@nn/train/node';
import { describe, expect, it } from 'vitest';
import { loadSplit, MissingDatasetError } from '../src/data';
import { runMnistFit } from '../src/run';

/** Collects what the app prints (not a TTY: one line per epoch). */
function capture(): { stream: NodeJS.WritableStream; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

describe('MNIST with fit', () => {
  it('trains on 1 200 images with a validation split, evaluates, checkpoints and plots the history', async () => {
    const out = mkdtempSync(join(tmpdir(), 'nn-mnist-fit-'));
    const log = capture();
    const { history, test, files } = await runMnistFit({
      model: 'mlp',
      dataset: 'mnist',
      epochs: 2,
      batchSize: 64,
      lr: 3e-3,
      seed: 0,
      validationSplit: 0.1,
      patience: 2,
      out,
      limit: 1200,
      log: log.stream,
    });
    expect(Object.keys(history.history).sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
    // chance is 10%; 1 080 images for 2 epochs give ~85%
    expect(test.accuracy).toBeGreaterThan(0.75);
    expect(log.text()).toMatch(
      /epoch 2\/2 - [\d.]+s - \d+ samples\/s - loss \d\.\d{4} - accuracy \d\.\d{4} - val_loss/,
    );
    expect(log.text()).toMatch(/test loss \d\.\d{4}, test accuracy \d+\.\d\d%/);
    expect((await loadCheckpoint(files.last)).epoch).toBe(2);

    const png = readFileSync(files.png);
    expect(Array.from(png.subarray(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    const [width, height] = [png.readUInt32BE(16), png.readUInt32BE(20)];
    expect(width).toBeGreaterThan(1000); // two 320-pixel panels side by side at 2x
    expect(height).toBeGreaterThan(500);
    expect(statSync(files.png).size).toBeGreaterThan(30_000);
    const svg = readFileSync(files.svg, 'utf8');
    expect(statSync(files.svg).size).toBeGreaterThan(10_000);
    for (const text of ['MNIST MLP', 'loss', 'accuracy', 'epoch', 'train', 'validation']) {
      expect(svg).toContain(`>${text}</text>`);
    }
  });

  it('says how to get Fashion-MNIST when its files are missing', async () => {
    const missing = join(tmpdir(), 'no-such-fashion-dir');
    await expect(loadSplit('fashion', true, { fashionRoot: missing })).rejects.toThrow(MissingDatasetError);
    await expect(loadSplit('fashion', true, { fashionRoot: missing })).rejects.toThrow(
      /apt-get install dataset-fashion-mnist.*--fashion-root DIR/,
    );
  });
});
