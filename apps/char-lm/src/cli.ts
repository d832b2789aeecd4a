import { parseArgs } from 'node:util';
import { DEFAULT_TEXT } from './corpus';
import type { SampleSettings, TrainOptions } from './train';

export const USAGE = `usage: pnpm --filter @nn/example-char-lm start [options]

  --model lstm|transformer   the model (default lstm)
  --epochs N                 passes over the training text (default 1)
  --batch-size N             sequences per batch (default 32)
  --seq-len N                characters per sequence, the Transformer's context (default 64)
  --lr X                     peak learning rate of the one-cycle schedule (default 0.003)
  --clip X                   clip the gradients' total 2-norm to X, 0 for no clipping (default 1)
  --size N                   LSTM hidden size / Transformer d_model (default 128)
  --layers N                 stacked LSTM or encoder layers (default 2)
  --heads N                  attention heads, transformer only (default 4)
  --dropout X                dropout probability (default 0.1)
  --held-out X               last fraction of the text held out for perplexity (default 0.1)
  --train-chars N            train on the first N training characters only
  --eval-chars N             measure perplexity on the first N held-out characters only
  --text FILE                UTF-8 text to learn (.gz read gunzipped; default the KJV Pentateuch)
  --seed N                   seed of the initialisation, shuffling, dropout and sampling (default 0)
  --weights FILE             where weights are saved, or read with --sample-only (default char-lm-<model>.safetensors)
  --sample-only              load --weights and sample, without training
  --prompt TEXT              text the sample continues (default "And God said"; "" starts a new line)
  --temperature X            sampling temperature, > 0 (default 0.8)
  --sample-length N          characters to sample (default 300)
  --help                     this text
`;

/** A command-line mistake; main prints it with the usage and exits with status 2. */
export class UsageError extends Error {}

/** What the command line asks for. */
export type Command =
  | { kind: 'help' }
  | { kind: 'train'; options: TrainOptions }
  | { kind: 'sample'; weights: string; seed: number; sample: SampleSettings };

const OPTIONS = {
  model: { type: 'string' },
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  'seq-len': { type: 'string' },
  lr: { type: 'string' },
  clip: { type: 'string' },
  size: { type: 'string' },
  layers: { type: 'string' },
  heads: { type: 'string' },
  dropout: { type: 'string' },
  'held-out': { type: 'string' },
  'train-chars': { type: 'string' },
  'eval-chars': { type: 'string' },
  text: { type: 'string' },
  seed: { type: 'string' },
  weights: { type: 'string' },
  'sample-only': { type: 'boolean' },
  prompt: { type: 'string' },
  temperature: { type: 'string' },
  'sample-length': { type: 'string' },
  help: { type: 'boolean' },
} as const;

/** Flags that only shape training, refused with --sample-only (the weights file fixes the model). */
const TRAINING_ONLY = [
  'model',
  'epochs',
  'batch-size',
  'seq-len',
  'lr',
  'clip',
  'size',
  'layers',
  'heads',
  'dropout',
  'held-out',
  'train-chars',
  'eval-chars',
  'text',
] as const;

type Values = {
  [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'string' ? string : boolean;
};

/** A number flag: `kind` 'int' (a whole number) or 'real', at least `min` (or above it when `strict`). */
function numberFlag(
  values: Values,
  name: keyof Values,
  fallback: number,
  kind: 'int' | 'real',
  min: number,
  above = false,
): number {
  const text = values[name] as string | undefined;
  if (text === undefined) return fallback;
  const v = text.trim() === '' ? Number.NaN : Number(text);
  const ok = Number.isFinite(v) && (kind === 'real' || Number.isInteger(v)) && (above ? v > min : v >= min);
  if (!ok) {
    const what = kind === 'int' ? 'a whole number' : 'a number';
    throw new UsageError(
      `--${name} must be ${what} ${above ? '>' : '>='} ${min}, got ${JSON.stringify(text)}`,
    );
  }
  return v;
}

/** Reads the command line (without node and the script); unknown flags and bad values are UsageErrors. */
export function parseCli(args: string[]): Command {
  let values: Values;
  try {
    values = parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false }).values as Values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return { kind: 'help' };
  const seed = numberFlag(values, 'seed', 0, 'int', 0);
  const sample: SampleSettings = {
    prompt: values.prompt ?? 'And God said',
    temperature: numberFlag(values, 'temperature', 0.8, 'real', 0, true),
    length: numberFlag(values, 'sample-length', 300, 'int', 0),
  };
  if (values['sample-only']) {
    const given = TRAINING_ONLY.filter((name) => values[name] !== undefined);
    if (given.length > 0) {
      throw new UsageError(
        `--sample-only reads the model from --weights; ${given.map((n) => `--${n}`).join(', ')} only apply to training`,
      );
    }
    if (values.weights === undefined)
      throw new UsageError('--sample-only needs --weights FILE (a file a training run saved)');
    return { kind: 'sample', weights: values.weights, seed, sample };
  }
  const model = values.model ?? 'lstm';
  if (model !== 'lstm' && model !== 'transformer') {
    throw new UsageError(`--model must be lstm or transformer, got ${JSON.stringify(model)}`);
  }
  if (model === 'lstm' && values.heads !== undefined) {
    throw new UsageError('--heads applies to --model transformer only');
  }
  const lstm = model === 'lstm';
  const heldOut = numberFlag(values, 'held-out', 0.1, 'real', 0, true);
  if (heldOut >= 1) throw new UsageError(`--held-out must be below 1, got ${heldOut}`);
  const size = numberFlag(values, 'size', 128, 'int', 1);
  const heads = numberFlag(values, 'heads', 4, 'int', 1);
  if (!lstm && size % heads !== 0) {
    throw new UsageError(
      `--size (${size}) must be divisible by --heads (${heads}): each head gets size / heads dims`,
    );
  }
  const dropout = numberFlag(values, 'dropout', 0.1, 'real', 0);
  if (dropout >= 1) throw new UsageError(`--dropout must be below 1, got ${dropout}`);
  const trainChars =
    values['train-chars'] === undefined ? undefined : numberFlag(values, 'train-chars', 0, 'int', 2);
  const evalChars =
    values['eval-chars'] === undefined ? undefined : numberFlag(values, 'eval-chars', 0, 'int', 2);
  return {
    kind: 'train',
    options: {
      model,
      text: values.text ?? DEFAULT_TEXT,
      heldOut,
      ...(trainChars === undefined ? {} : { trainChars }),
      ...(evalChars === undefined ? {} : { evalChars }),
      seqLen: numberFlag(values, 'seq-len', 64, 'int', 1),
      batchSize: numberFlag(values, 'batch-size', 32, 'int', 1),
      epochs: numberFlag(values, 'epochs', 1, 'int', 1),
      lr: numberFlag(values, 'lr', 0.003, 'real', 0, true),
      clip: numberFlag(values, 'clip', 1, 'real', 0),
      size,
      layers: numberFlag(values, 'layers', 2, 'int', 1),
      heads,
      dropout,
      seed,
      weights: values.weights ?? `char-lm-${model}.safetensors`,
      sample,
    },
  };
}
