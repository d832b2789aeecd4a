import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { F, save } from '@nn/nn';
import { loadFile } from '@nn/nn/node';
import { Adam, lrScheduler } from '@nn/optim';
import { tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { Callback, decodeCheckpoint, encodeCheckpoint, Trainer } from '../src/index';
import { loadCheckpoint, ModelCheckpoint, saveCheckpoint } from '../src/node';
import { toyData, toyModel, weights } from './helpers';

const dir = () => mkdtempSync(join(tmpdir(), 'nn-train-'));

/** A trainer with everything that carries state across epochs: Adam, OneCycleLR per batch, shuffling, dropout. */
function trainer(callbacks: Callback[] = []): Trainer {
  const model = toyModel();
  return new Trainer(model, {
    optimizer: (parameters) => new Adam(parameters, { lr: 0.01 }),
    scheduler: (optimizer, { epochs, stepsPerEpoch }) =>
      new lrScheduler.OneCycleLR(optimizer, { maxLr: 0.01, epochs, stepsPerEpoch: stepsPerEpoch! }),
    loss: F.crossEntropy,
    metrics: ['accuracy'],
    callbacks,
    seed: 7,
    verbose: 0,
  });
}

describe('checkpoints', () => {
  it('resume is bit-identical: 2 epochs = 1 epoch + save + load + 1 epoch', async () => {
    const [x, y] = toyData(90);
    const options = { batchSize: 16, validationSplit: 0.2 };
    const straight = trainer();
    const full = await straight.fit([x, y], { ...options, epochs: 2 });

    // the same 2-epoch run, interrupted after its first epoch (the scheduler plans for 2 epochs in both)
    const path = join(dir(), 'epoch-1.safetensors');
    class Interrupt extends Callback {
      override onEpochEnd(t: Trainer) {
        t.stopTraining = true;
      }
    }
    const first = trainer([new Interrupt()]);
    await first.fit([x, y], { ...options, epochs: 2 });
    expect(first.history.epoch).toEqual([0]);
    await saveCheckpoint(path, first.checkpoint());
    // some other work draws from the global random stream in between
    toyModel(123);
    const resumed = trainer();
    const rest = await resumed.fit([x, y], { ...options, epochs: 2, resume: await loadCheckpoint(path) });

    expect(weights(resumed.model as never)).toEqual(weights(straight.model as never));
    expect(resumed.optimizer.stateDict().paramGroups).toEqual(straight.optimizer.stateDict().paramGroups);
    expect(rest.history).toEqual(full.history);
    expect(rest.epoch).toEqual([0, 1]);
  });

  it('round-trips tensors, optimizer state, non-finite numbers and extras in one safetensors file', async () => {
    const model = toyModel();
    const optimizer = new Adam(model.parameters());
    const plateau = new lrScheduler.ReduceLROnPlateau(optimizer);
    const bytes = await encodeCheckpoint({
      model,
      optimizer,
      scheduler: plateau,
      epoch: 4,
      note: 'hi',
      mask: tensor([true, false]),
    });
    const back = decodeCheckpoint(bytes);
    expect(back.epoch).toBe(4);
    expect(back.note).toBe('hi');
    expect(Array.from((back.mask as ReturnType<typeof tensor>).dataSync())).toEqual([1, 0]);
    expect(back.scheduler!.best).toBe(Infinity);
    expect(Object.keys(back.model!)).toEqual(Object.keys(model.stateDict()));
    const fresh = new Adam(toyModel().parameters());
    fresh.loadStateDict(back.optimizer!);
    expect(fresh.paramGroups[0]!.lr).toBe(0.001);
    expect(() => decodeCheckpoint(save(model.stateDict()))).toThrow(
      /plain weights file, not a checkpoint; load it with loadFile/,
    );
    await expect(encodeCheckpoint({ callback: () => 1 })).rejects.toThrow(/entry 'callback' is a function/);
  });

  it('ModelCheckpoint writes the best and the last epoch', async () => {
    const [x, y] = toyData(60);
    const where = dir();
    const checkpoint = new ModelCheckpoint({ dir: where, monitor: 'val_accuracy' });
    const t = trainer([checkpoint]);
    const history = await t.fit([x, y], { epochs: 3, batchSize: 16, validationSplit: 0.25 });
    const accuracies = history.get('val_accuracy');
    expect(checkpoint.bestEpoch).toBe(accuracies.indexOf(Math.max(...accuracies)));
    const last = await loadCheckpoint(checkpoint.lastPath);
    expect(last.epoch).toBe(3);
    expect(weights({ stateDict: () => last.model! } as never)).toEqual(weights(t.model as never));
    expect((await loadCheckpoint(checkpoint.bestPath)).epoch).toBe(checkpoint.bestEpoch + 1);
    const weightsOnly = new ModelCheckpoint({
      dir: join(where, 'w'),
      weightsOnly: true,
      saveBest: false,
      monitor: 'loss',
    });
    await trainer([weightsOnly]).fit([x, y], { epochs: 1, batchSize: 16 });
    expect(Object.keys(await loadFile(weightsOnly.lastPath)).sort()).toEqual(
      Object.keys(t.model.stateDict()).sort(),
    );
    expect(() => new ModelCheckpoint({ dir: where, saveBest: false, saveLast: false })).toThrow(
      /nothing would be saved/,
    );
  });
});
