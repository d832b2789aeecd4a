import { join } from 'node:path';
// the same two models as apps/mnist's hand-written loop, so the two runs compare
import { cnn, mlp } from '@nn/example-mnist/src/models';
import { F } from '@nn/nn';
import { Adam, lrScheduler } from '@nn/optim';
import { manualSeed } from '@nn/tensor';
import { Callback, EarlyStopping, evaluate, fit, type History, type Logs } from '@nn/train';
import { ModelCheckpoint, ProgressBar, saveHistoryPlot } from '@nn/train/node';
import { type DatasetName, loadSplit } from './data';

/** Everything the command line sets. */
export interface RunOptions {
  model: 'mlp' | 'cnn';
  dataset: DatasetName;
  epochs: number;
  batchSize: number;
  /** Peak learning rate of the one-cycle schedule (apps/mnist's recipe). */
  lr: number;
  seed: number;
  /** Fraction of the training images held out for validation; 0 trains on all of them (no early stopping). */
  validationSplit: number;
  /** EarlyStopping's patience in epochs. */
  patience: number;
  /** Directory for checkpoints/, history.png and history.svg. */
  out: string;
  /** Use only the first N training images (quick runs and tests). */
  limit?: number;
  /** Directory of the Fashion-MNIST files (default Debian's). */
  fashionRoot?: string;
  /** Where progress goes (default stdout). */
  log?: NodeJS.WritableStream & { isTTY?: boolean };
}

/** What a run produced. */
export interface RunResult {
  history: History;
  test: Logs;
  /** Seconds per training epoch (validation excluded), for comparison with apps/mnist's hand loop. */
  epochSeconds: number[];
  files: { png: string; svg: string; best: string; last: string };
}

/** Times each epoch's training batches (onEpochStart to onTrainEpochEnd, so validation is not counted). */
class EpochTimer extends Callback {
  readonly seconds: number[] = [];
  private start = 0;
  override onEpochStart(): void {
    this.start = performance.now();
  }
  override onTrainEpochEnd(): void {
    this.seconds.push((performance.now() - this.start) / 1000);
  }
}

/**
 * The seeds' Keras MNIST example with @nn/train: `fit` with a validation split, EarlyStopping and
 * ModelCheckpoint, `evaluate` on the test set, the history plotted to PNG and SVG.
 */
export async function runMnistFit(options: RunOptions): Promise<RunResult> {
  const log = options.log ?? process.stdout;
  manualSeed(options.seed);
  const [x, y] = await loadSplit(options.dataset, true, {
    limit: options.limit,
    fashionRoot: options.fashionRoot,
  });
  const test = await loadSplit(options.dataset, false, { fashionRoot: options.fashionRoot });
  const model = options.model === 'cnn' ? cnn() : mlp();
  const validated = options.validationSplit > 0;
  const monitor = validated ? 'val_loss' : 'loss';
  const checkpoint = new ModelCheckpoint({ dir: join(options.out, 'checkpoints'), monitor });
  const timer = new EpochTimer();
  const callbacks: Callback[] = [
    timer,
    new EarlyStopping({ monitor, patience: options.patience, restoreBestWeights: true }),
    checkpoint,
    new ProgressBar({ stream: log }),
  ];
  const history = await fit(model, {
    data: [x, y],
    ...(validated ? { validationSplit: options.validationSplit } : {}),
    epochs: options.epochs,
    batchSize: options.batchSize,
    seed: options.seed,
    optimizer: (parameters) => new Adam(parameters, { lr: options.lr }),
    scheduler: (optimizer, plan) =>
      new lrScheduler.OneCycleLR(optimizer, {
        maxLr: options.lr,
        epochs: plan.epochs,
        stepsPerEpoch: plan.stepsPerEpoch!,
      }),
    loss: F.crossEntropy,
    metrics: ['accuracy'],
    callbacks,
    verbose: 0,
  });
  const result = await evaluate(model, {
    data: test,
    loss: F.crossEntropy,
    metrics: ['accuracy'],
    batchSize: 1000,
  });
  const seconds = timer.seconds.map((s) => `${s.toFixed(1)} s`).join(', ');
  log.write(`training time per epoch (batches only, as apps/mnist reports it): ${seconds}\n`);
  log.write(`test loss ${result.loss!.toFixed(4)}, test accuracy ${(100 * result.accuracy!).toFixed(2)}%\n`);
  const title = `${options.dataset === 'fashion' ? 'Fashion-MNIST' : 'MNIST'} ${options.model.toUpperCase()}`;
  const files = {
    png: join(options.out, 'history.png'),
    svg: join(options.out, 'history.svg'),
    best: checkpoint.bestPath,
    last: checkpoint.lastPath,
  };
  await saveHistoryPlot(files.png, history, { title });
  await saveHistoryPlot(files.svg, history, { title });
  log.write(`wrote ${files.png}, ${files.svg} and checkpoints in ${join(options.out, 'checkpoints')}\n`);
  return { history, test: result, epochSeconds: timer.seconds, files };
}
