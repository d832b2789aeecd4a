import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { F } from '@nn/nn';
import { Adam, lrScheduler, SGD } from '@nn/optim';
import { describe, expect, it } from 'vitest';
import { Callback, EarlyStopping, fit, LearningRateMonitor, type Logs, type Trainer } from '../src/index';
import { CSVLogger, JsonLinesLogger, ProgressBar } from '../src/node';
import { toyData, toyModel, weights } from './helpers';

/** A stream that keeps what is written; `tty` makes it look like a terminal. */
function capture(tty: boolean): { stream: NodeJS.WritableStream & { isTTY?: boolean }; text: () => string } {
  let text = '';
  const stream = Object.assign(
    new Writable({
      write(chunk, _encoding, done) {
        text += String(chunk);
        done();
      },
    }),
    tty
      ? { isTTY: true, columns: 160, cursorTo: () => true, clearLine: () => true, moveCursor: () => true }
      : {},
  );
  return { stream, text: () => text };
}

describe('EarlyStopping', () => {
  it('stops when val_loss stops improving and restores the best epoch’s weights', async () => {
    // validation labels are the training labels shifted by one class: the better the fit, the worse val_loss
    const [x, y] = toyData(96);
    const valY = y.add(1).remainder(3);
    const model = toyModel(0, 0);
    const snapshots: Record<string, number[]>[] = [];
    class Snapshot extends Callback {
      override onEpochEnd(trainer: Trainer) {
        snapshots.push(weights(trainer.model as never));
      }
    }
    const stop = new EarlyStopping({ patience: 1, restoreBestWeights: true });
    const history = await fit(model, {
      data: [x, y],
      validationData: [x, valY],
      epochs: 20,
      batchSize: 16,
      optimizer: new Adam(model.parameters(), { lr: 0.02 }),
      loss: F.crossEntropy,
      callbacks: [new Snapshot(), stop],
      verbose: 0,
    });
    const valLoss = history.get('val_loss');
    const best = valLoss.indexOf(Math.min(...valLoss));
    expect(history.epoch.length).toBeLessThan(20);
    expect(stop.stoppedEpoch).toBe(history.epoch.length - 1);
    expect(stop.stoppedEpoch).toBe(best + 2); // patience 1: two epochs without improvement
    expect(stop.bestEpoch).toBe(best);
    expect(weights(model)).toEqual(snapshots[best]);
    expect(weights(model)).not.toEqual(snapshots.at(-1));
  });

  it('watches accuracy-like keys upward and names a missing key', async () => {
    const [x, y] = toyData(32);
    const model = toyModel();
    const base = {
      data: [x, y],
      optimizer: new Adam(model.parameters()),
      loss: F.crossEntropy,
      verbose: 0 as const,
    };
    await expect(fit(model, { ...base, callbacks: [new EarlyStopping()] })).rejects.toThrow(
      /monitor 'val_loss' is not logged; logged: loss \(val_ keys need validation data\)/,
    );
    expect(() => new EarlyStopping({ patience: -1 })).toThrow(/patience must be an integer >= 0/);
    expect(() => new EarlyStopping({ mode: 'up' as never })).toThrow(/mode must be 'min', 'max' or 'auto'/);
  });
});

describe('LearningRateMonitor and file loggers', () => {
  it('log the learning rate per epoch and per step, as CSV and JSON lines', async () => {
    const [x, y] = toyData(40);
    const model = toyModel();
    const optimizer = new SGD(model.parameters(), { lr: 0.1 });
    const where = mkdtempSync(join(tmpdir(), 'nn-train-logs-'));
    const lr = new LearningRateMonitor({ logging: 'step' });
    const history = await fit(model, {
      data: [x, y],
      epochs: 3,
      batchSize: 20,
      optimizer,
      scheduler: new lrScheduler.StepLR(optimizer, { stepSize: 1, gamma: 0.5 }),
      loss: F.crossEntropy,
      metrics: ['accuracy'],
      callbacks: [
        lr,
        new CSVLogger(join(where, 'h.csv')),
        new JsonLinesLogger(join(where, 'sub', 'h.jsonl')),
      ],
      verbose: 0,
    });
    expect(history.get('lr')).toEqual([0.1, 0.05, 0.025]);
    expect(lr.steps).toEqual([0.1, 0.1, 0.05, 0.05, 0.025, 0.025]);
    const csv = readFileSync(join(where, 'h.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('epoch,loss,accuracy,lr');
    expect(csv.slice(1).map((row) => row.split(',').map(Number))).toEqual(
      [0, 1, 2].map((e) => [e, history.get('loss')[e], history.get('accuracy')[e], history.get('lr')[e]]),
    );
    const lines = readFileSync(join(where, 'sub', 'h.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Logs);
    expect(lines.map((l) => l.epoch)).toEqual([0, 1, 2]);
    expect(lines[2]!.loss).toBe(history.get('loss')[2]);
  });
});

describe('ProgressBar', () => {
  const run = async (tty: boolean) => {
    const [x, y] = toyData(64);
    const model = toyModel();
    const out = capture(tty);
    await fit(model, {
      data: [x, y],
      epochs: 2,
      batchSize: 8,
      logEvery: 2,
      validationSplit: 0.25,
      optimizer: new Adam(model.parameters()),
      loss: F.crossEntropy,
      metrics: ['accuracy'],
      callbacks: [new ProgressBar({ stream: out.stream })],
      verbose: 0,
    });
    return out.text();
  };

  it('prints one plain line per epoch when not a terminal', async () => {
    const lines = (await run(false)).trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(
      /^epoch 2\/2 - \d+\.\ds - \d+ samples\/s - loss \d\.\d{4} - accuracy \d\.\d{4} - val_loss \d\.\d{4} - val_accuracy \d\.\d{4}$/,
    );
  });

  it('draws a live bar with loss, metrics, samples/s and ETA on a terminal, then a chart of the loss', async () => {
    const text = await run(true);
    expect(text).toMatch(
      /epoch 1\/2 \[[=\- ]*\] 48\/48 loss \d\.\d{4} accuracy \d\.\d{4} \d+ samples\/s ETA \S+/,
    );
    expect(text).toMatch(/epoch 2\/2 - [\d.]+s - \d+ samples\/s - loss/);
    expect(text).toContain('── loss');
    expect(text).toContain('── val_loss');
    expect(text).toMatch(/[╭╮╰╯│┤┼]/);
  });
});
