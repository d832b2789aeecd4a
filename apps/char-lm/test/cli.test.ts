import { describe, expect, it } from 'vitest';
import { parseCli, UsageError } from '../src/cli';
import { DEFAULT_TEXT } from '../src/corpus';

describe('command line', () => {
  it('fills in the documented defaults for each model', () => {
    const lstm = parseCli([]);
    expect(lstm.kind).toBe('train');
    if (lstm.kind !== 'train') return;
    expect(lstm.options).toMatchObject({
      model: 'lstm',
      text: DEFAULT_TEXT,
      size: 128,
      epochs: 1,
      lr: 0.003,
      seqLen: 64,
      clip: 1,
      weights: 'char-lm-lstm.safetensors',
      sample: { prompt: 'And God said', temperature: 0.8, length: 300 },
    });
    const transformer = parseCli(['--model', 'transformer', '--heads', '2', '--size', '64', '--prompt', '']);
    if (transformer.kind !== 'train') throw new Error('expected a training command');
    expect(transformer.options).toMatchObject({ model: 'transformer', heads: 2, size: 64, lr: 0.003 });
    expect(transformer.options.sample.prompt).toBe('');
  });

  it('reads --sample-only with its weights file and sampling flags', () => {
    expect(
      parseCli(['--sample-only', '--weights', 'w.safetensors', '--temperature', '0.5', '--seed', '3']),
    ).toEqual({
      kind: 'sample',
      weights: 'w.safetensors',
      seed: 3,
      sample: { prompt: 'And God said', temperature: 0.5, length: 300 },
    });
  });

  it.each([
    [['--epoch', '2'], /Unknown option '--epoch'/],
    [['extra'], /positional argument/],
    [['--model', 'gru'], /--model must be lstm or transformer, got "gru"/],
    [['--heads', '2'], /--heads applies to --model transformer only/],
    [
      ['--model', 'transformer', '--size', '100', '--heads', '3'],
      /--size \(100\) must be divisible by --heads \(3\)/,
    ],
    [['--epochs', '1.5'], /--epochs must be a whole number >= 1, got "1.5"/],
    [['--temperature', '0'], /--temperature must be a number > 0, got "0"/],
    [['--lr', 'fast'], /--lr must be a number > 0/],
    [['--dropout', '1'], /--dropout must be below 1/],
    [['--held-out', '1'], /--held-out must be below 1/],
    [['--sample-only'], /--sample-only needs --weights FILE/],
    [
      ['--sample-only', '--weights', 'w', '--epochs', '3', '--model', 'lstm'],
      /--model, --epochs only apply to training/,
    ],
  ])('refuses %j', (args, message) => {
    expect(() => parseCli(args)).toThrow(UsageError);
    expect(() => parseCli(args)).toThrow(message);
  });
});
