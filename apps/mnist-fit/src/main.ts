import { parseArgs } from 'node:util';
import { MissingDatasetError } from './data';
import { runMnistFit } from './run';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'mlp' },
    dataset: { type: 'string', default: 'mnist' },
    epochs: { type: 'string' },
    'batch-size': { type: 'string', default: '64' },
    lr: { type: 'string', default: '0.003' },
    seed: { type: 'string', default: '0' },
    'validation-split': { type: 'string', default: '0.1' },
    patience: { type: 'string', default: '2' },
    out: { type: 'string', default: 'out' },
    limit: { type: 'string' },
    'fashion-root': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  process.stdout.write(
    'usage: pnpm --filter @nn/example-mnist-fit start [--model mlp|cnn] [--dataset mnist|fashion] [--epochs N] [--batch-size 64] [--lr 0.003] [--seed 0] [--validation-split 0.1] [--patience 2] [--out out] [--limit N] [--fashion-root DIR]\n',
  );
  process.exit(0);
}

const fail = (message: string): never => {
  process.stderr.write(`${message}\n`);
  process.exit(2);
};
const model =
  values.model === 'mlp' || values.model === 'cnn'
    ? values.model
    : fail(`--model must be mlp or cnn, got ${values.model}`);
const dataset =
  values.dataset === 'mnist' || values.dataset === 'fashion'
    ? values.dataset
    : fail(`--dataset must be mnist or fashion, got ${values.dataset}`);
const number = (name: string, text: string | undefined, fallback: number, min = 0): number => {
  const v = text === undefined ? fallback : Number(text);
  return Number.isFinite(v) && v >= min ? v : fail(`--${name} must be a number >= ${min}, got ${text}`);
};
const split = number('validation-split', values['validation-split'], 0.1);
if (split >= 1) fail(`--validation-split must be below 1, got ${split}`);

try {
  await runMnistFit({
    model,
    dataset,
    epochs: number('epochs', values.epochs, model === 'cnn' ? 2 : 3, 1),
    batchSize: number('batch-size', values['batch-size'], 64, 1),
    lr: number('lr', values.lr, 0.003),
    seed: number('seed', values.seed, 0),
    validationSplit: split,
    patience: number('patience', values.patience, 2),
    out: values.out ?? 'out',
    ...(values.limit ? { limit: number('limit', values.limit, 60000, 1) } : {}),
    ...(values['fashion-root'] ? { fashionRoot: values['fashion-root'] } : {}),
  });
} catch (error) {
  if (error instanceof MissingDatasetError) fail(error.message);
  throw error;
}
