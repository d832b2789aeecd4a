import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Generator, tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { parseCli } from '../src/cli';
import { sampleText } from '../src/sample';
import { trainCharLm } from '../src/train';
import { loadCharLm } from '../src/weights';

/** Collects what the app prints (not a TTY, so the progress bar prints one line per epoch). */
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

/** The app's own option parsing with tiny settings: a few thousand characters, small models, 2 epochs. */
function tinyOptions(model: 'lstm' | 'transformer', weights: string) {
  const flags = {
    model,
    'train-chars': '8000',
    'eval-chars': '2000',
    'seq-len': '32',
    'batch-size': '16',
    size: '32',
    layers: '1',
    ...(model === 'transformer' ? { heads: '2' } : {}),
    epochs: '2',
    lr: '0.01',
    'sample-length': '80',
    weights,
  };
  const command = parseCli(Object.entries(flags).flatMap(([k, v]) => [`--${k}`, v]));
  if (command.kind !== 'train') throw new Error('expected a training command');
  return command.options;
}

describe.each(['lstm', 'transformer'] as const)('char-lm --model %s', (model) => {
  it('lowers the training loss and the held-out perplexity, samples from the vocabulary and saves loadable weights', async () => {
    const weights = join(mkdtempSync(join(tmpdir(), 'nn-char-lm-')), `${model}.safetensors`);
    const log = capture();
    const result = await trainCharLm({ ...tinyOptions(model, weights), log: log.stream });

    expect(result.trainLoss).toHaveLength(2);
    expect(result.trainLoss[1]).toBeLessThan(result.trainLoss[0]!);
    const perplexities = [result.initialPerplexity, ...result.heldOutPerplexity];
    // untrained, the model is about as unsure as uniform guessing over the 62 characters
    expect(result.initialPerplexity).toBeGreaterThan(20);
    for (let i = 1; i < perplexities.length; i++) expect(perplexities[i]).toBeLessThan(perplexities[i - 1]!);

    expect([...result.sample]).toHaveLength(80);
    for (const c of result.sample) expect(result.vocabulary.chars).toContain(c);

    const text = log.text();
    expect(text).toMatch(/held-out perplexity before training: \d+\.\d\d\n/);
    expect(text).toMatch(
      /epoch 2\/2 - \d+\.\ds - \d+ samples\/s - loss \d\.\d{4} - perplexity \d+\.\d{4} - val_loss \d\.\d{4} - val_perplexity \d+\.\d{4}\n/,
    );
    expect(text).toContain(`saved weights to ${weights}\n`);
    expect(text).toContain(`sample (temperature 0.8):\nAnd God said${result.sample}\n`);

    // the file alone rebuilds the model: same outputs and, with the same seed, the same sample
    const loaded = await loadCharLm(weights);
    expect(loaded.vocabulary.chars).toEqual(result.vocabulary.chars);
    expect(loaded.model.config).toEqual(result.model.config);
    const ids = tensor(loaded.vocabulary.encode('And Moses said unto')).reshape(1, -1);
    result.model.eval();
    loaded.model.eval();
    expect(loaded.model.call(ids).tolist()).toEqual(result.model.call(ids).tolist());
    const again = sampleText(loaded.model, loaded.vocabulary, {
      prompt: 'And God said',
      length: 80,
      temperature: 0.8,
      generator: new Generator(0),
    });
    expect(again).toBe(result.sample);
  });
});
