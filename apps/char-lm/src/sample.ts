import { noGrad } from '@nn/autograd';
import { type Generator, ValueError } from '@nn/tensor';
import type { CharLanguageModel } from './models/char-model';
import type { Vocabulary } from './vocabulary';

/** How {@link sampleText} draws characters. */
export interface SampleOptions {
  /** Text the model continues; empty: it starts a new line (after a `\n`, or from its first character). */
  prompt: string;
  /** Number of characters to draw. */
  length: number;
  /**
   * Divides the logits before the softmax: below 1 sharpens the distribution towards the likeliest
   * characters, above 1 flattens it (more surprising text). Must be positive.
   */
  temperature: number;
  /** The random stream of the draws (same seed, same text). */
  generator: Generator;
}

/** Index drawn from `logits / temperature` through a softmax, as `torch.multinomial(softmax(l / t), 1)`. */
export function drawIndex(logits: ArrayLike<number>, temperature: number, generator: Generator): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
  const weights = new Float64Array(logits.length);
  let total = 0;
  for (let i = 0; i < logits.length; i++) {
    weights[i] = Math.exp((logits[i]! - max) / temperature);
    total += weights[i]!;
  }
  let u = generator.random() * total;
  for (let i = 0; i < weights.length; i++) {
    u -= weights[i]!;
    if (u < 0) return i;
  }
  // rounding left u at or just above 0: the last character with any weight
  for (let i = weights.length - 1; i > 0; i--) if (weights[i]! > 0) return i;
  return 0;
}

/**
 * `length` characters drawn one at a time from `model` after `prompt` (the continuation only, without the
 * prompt), in eval mode and without gradients.
 */
export function sampleText(model: CharLanguageModel, vocabulary: Vocabulary, options: SampleOptions): string {
  const op = 'sampleText';
  if (!(options.temperature > 0) || !Number.isFinite(options.temperature)) {
    throw new ValueError(op, `temperature must be a positive number, got ${options.temperature}`);
  }
  if (!Number.isInteger(options.length) || options.length < 0) {
    throw new ValueError(op, `length must be a non-negative integer, got ${options.length}`);
  }
  const start = options.prompt === '' ? (vocabulary.has('\n') ? '\n' : vocabulary.chars[0]!) : options.prompt;
  const context = vocabulary.encode(start);
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => {
      const next = model.startGeneration();
      let logits = next(context);
      const drawn: number[] = [];
      for (let i = 0; i < options.length; i++) {
        const id = drawIndex(logits.dataSync(), options.temperature, options.generator);
        drawn.push(id);
        if (i + 1 < options.length) logits = next(Int32Array.of(id));
      }
      return vocabulary.decode(drawn);
    });
  } finally {
    model.train(wasTraining);
  }
}
