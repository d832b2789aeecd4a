import { F } from '@nn/nn';
import { SGD } from '@nn/optim';
import { describe, expect, it } from 'vitest';
import {
  Accuracy,
  ConfusionMatrix,
  EarlyStopping,
  evaluate,
  F1Score,
  fit,
  predict,
  Trainer,
} from '../src/index';
import { CSVLogger, historyPng, ModelCheckpoint, ProgressBar, saveHistoryPlot } from '../src/node';
import { toyData, toyModel } from './helpers';

// Every options object rejects unknown keys, naming the class, the key and the nearest valid one.
describe('strict options', () => {
  it('reject unknown keys in callbacks and metrics', () => {
    expect(() => new EarlyStopping({ patient: 2 } as never)).toThrow(
      "EarlyStopping: unknown option 'patient'",
    );
    expect(() => new ModelCheckpoint({ dir: 'x', save_best: true } as never)).toThrow(
      "ModelCheckpoint: unknown option 'save_best'; did you mean 'saveBest'?",
    );
    expect(() => new ProgressBar({ tty: false } as never)).toThrow("ProgressBar: unknown option 'tty'");
    expect(() => new Accuracy({ top_k: 5 } as never)).toThrow(
      "Accuracy: unknown option 'top_k'; did you mean 'topK'?",
    );
    expect(() => new ConfusionMatrix({ numClasses: 3, classes: 3 } as never)).toThrow(
      'ConfusionMatrix: unknown option',
    );
    expect(() => new F1Score({ numClasses: 3, avg: 'macro' } as never)).toThrow("unknown option 'avg'");
  });

  it('reject unknown keys in the file loggers and the history plots', async () => {
    expect(() => new CSVLogger('log.csv', { appendMode: true } as never)).toThrow(
      "CSVLogger: unknown option 'appendMode'; valid options are { append }",
    );
    const { history } = await trainedHistory();
    await expect(historyPng(history, { titel: 'x' } as never)).rejects.toThrow(
      "historyPng: unknown option 'titel'; did you mean 'title'?",
    );
    await expect(saveHistoryPlot('history.svg', history, { scale: 2 })).rejects.toThrow(
      "saveHistoryPlot: unknown option 'scale'",
    );
  });

  it('reject unknown keys in fit, evaluate, predict and the Trainer, before any work', async () => {
    const model = toyModel();
    const data = toyData(16);
    const optimizer = (p: ReturnType<typeof model.parameters>) => new SGD(p, { lr: 0.1 });
    const before = model.parameters().map((p) => p.clone());
    await expect(
      fit(model, { data, optimizer, loss: F.crossEntropy, epoch: 2, verbose: 0 } as never),
    ).rejects.toThrow("fit: unknown option 'epoch'; did you mean 'epochs'?");
    // verbose belongs to the Trainer, not to trainer.fit: it was silently ignored there
    const trainer = new Trainer(model, { optimizer, loss: F.crossEntropy, verbose: 0 });
    await expect(trainer.fit(data, { verbose: 0 } as never)).rejects.toThrow(
      "Trainer.fit: unknown option 'verbose'",
    );
    await expect(trainer.evaluate(data, { batch_size: 4 } as never)).rejects.toThrow(
      "Trainer.evaluate: unknown option 'batch_size'; did you mean 'batchSize'?",
    );
    await expect(trainer.predict(data[0], { shuffle: true } as never)).rejects.toThrow(
      "Trainer.predict: unknown option 'shuffle'",
    );
    expect(() => new Trainer(model, { loss: F.crossEntropy, learningRate: 0.1 } as never)).toThrow(
      "Trainer: unknown option 'learningRate'",
    );
    await expect(
      evaluate(model, { data, loss: F.crossEntropy, metric: ['accuracy'] } as never),
    ).rejects.toThrow("evaluate: unknown option 'metric'; did you mean 'metrics'?");
    await expect(predict(model, data[0], { device: 'cpu', batch: 4 } as never)).rejects.toThrow(
      "predict: unknown option 'batch'",
    );
    // nothing was trained by the refused calls
    model.parameters().forEach((p, i) => {
      expect(p.tolist()).toEqual(before[i]!.tolist());
    });
    // the valid combined options still split between the Trainer and the run
    const history = await fit(model, {
      data,
      optimizer,
      loss: F.crossEntropy,
      epochs: 1,
      batchSize: 8,
      verbose: 0,
    });
    expect(history.epoch).toEqual([0]);
  });
});

/** A one-epoch history to plot. */
async function trainedHistory() {
  const model = toyModel();
  const history = await fit(model, {
    data: toyData(16),
    optimizer: (p) => new SGD(p, { lr: 0.1 }),
    loss: F.crossEntropy,
    verbose: 0,
  });
  return { history };
}
