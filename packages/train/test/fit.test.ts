import { DataLoader, Dataset, TensorDataset } from '@nn/data';
import { F } from '@nn/nn';
import { Adam, lrScheduler, SGD } from '@nn/optim';
import type { Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import {
  Accuracy,
  Callback,
  evaluate,
  type FitOptions,
  fit,
  type Logs,
  predict,
  type TrainData,
  Trainer,
} from '../src/index';
import { toyData, toyModel, weights } from './helpers';

describe('fit', () => {
  it('learns, validates on a split, and records a Keras-style History', async () => {
    const [x, y] = toyData(240);
    const model = toyModel();
    const history = await fit(model, {
      data: [x, y],
      epochs: 8,
      batchSize: 16,
      validationSplit: 0.25,
      optimizer: new Adam(model.parameters(), { lr: 0.02 }),
      loss: F.crossEntropy,
      metrics: ['accuracy'],
      verbose: 0,
      seed: 3,
    });
    expect(history.epoch).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(Object.keys(history.history).sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
    const loss = history.get('loss');
    expect(loss[7]!).toBeLessThan(loss[0]! * 0.5);
    expect(history.get('val_accuracy')[7]).toBeGreaterThan(0.8);
    // evaluate on the held-out quarter gives the last epoch's validation values
    const held = [x.narrow(0, 180, 60), y.narrow(0, 180, 60)];
    const result = await evaluate(model, { data: held, loss: F.crossEntropy, metrics: ['accuracy'] });
    expect(result.loss).toBeCloseTo(history.get('val_loss')[7]!, 5);
    expect(result.accuracy).toBeCloseTo(history.get('val_accuracy')[7]!, 6);
    expect(model.training).toBe(true);
    const out = await predict(model, held[0]!, { batchSize: 7 });
    expect(out.shape).toEqual([60, 3]);
    const agree = out.argmax(1).eq(held[1]!).float().mean();
    expect((await agree.data())[0]).toBeCloseTo(result.accuracy!, 6);
  });

  it('is the PyTorch loop it replaces, bit for bit (Adam + OneCycleLR per batch, same seed)', async () => {
    const [x, y] = toyData(100);
    const epochs = 2;
    // the hand-written loop, as apps/mnist writes it
    const hand = toyModel();
    const handOptimizer = new Adam(hand.parameters(), { lr: 0.01 });
    const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 16, shuffle: true, seed: 5 });
    const handScheduler = new lrScheduler.OneCycleLR(handOptimizer, {
      maxLr: 0.01,
      epochs,
      stepsPerEpoch: loader.length,
    });
    for (let epoch = 0; epoch < epochs; epoch++) {
      hand.train();
      for (const [xb, yb] of loader) {
        handOptimizer.zeroGrad();
        F.crossEntropy(hand.call(xb!) as Tensor, yb!).backward();
        handOptimizer.step();
        handScheduler.step();
      }
    }
    const model = toyModel();
    await fit(model, {
      data: [x, y],
      epochs,
      batchSize: 16,
      seed: 5,
      optimizer: new Adam(model.parameters(), { lr: 0.01 }),
      scheduler: (optimizer, plan) =>
        new lrScheduler.OneCycleLR(optimizer, {
          maxLr: 0.01,
          epochs: plan.epochs,
          stepsPerEpoch: plan.stepsPerEpoch!,
        }),
      loss: F.crossEntropy,
      verbose: 0,
    });
    expect(weights(model)).toEqual(weights(hand));
  });

  it('takes a Dataset or a DataLoader as well as tensors [x, y]', async () => {
    const [x, y] = toyData(48);
    const run = async (data: TrainData, options: Partial<FitOptions>) => {
      const model = toyModel(0, 0);
      const optimizer = new SGD(model.parameters(), { lr: 0.1 });
      const history = await fit(model, { data, optimizer, loss: F.crossEntropy, verbose: 0, ...options });
      return [weights(model), history.history] as const;
    };
    const tensors = await run([x, y], { batchSize: 16, shuffle: false, validationSplit: 0.25 });
    class Items extends Dataset<[Tensor, Tensor]> {
      get length() {
        return 48;
      }
      get(i: number): [Tensor, Tensor] {
        return [x.select(0, i), y.select(0, i)];
      }
    }
    // item by item, split into Subsets
    expect(await run(new Items(), { batchSize: 16, shuffle: false, validationSplit: 0.25 })).toEqual(tensors);
    const loader = new DataLoader(new TensorDataset(x.narrow(0, 0, 36), y.narrow(0, 0, 36)), {
      batchSize: 16,
    });
    const validationData = [x.narrow(0, 36, 12), y.narrow(0, 36, 12)];
    expect(await run(loader, { validationData })).toEqual(tensors);
  });

  it('accumulates gradients: two batches of 8 then a step equal one batch of 16', async () => {
    const [x, y] = toyData(32);
    const run = async (batchSize: number, accumulateGradBatches: number) => {
      const model = toyModel(0, 0); // no dropout: both runs see the same forward passes
      const trainer = new Trainer(model, {
        optimizer: new SGD(model.parameters(), { lr: 0.5 }),
        loss: F.crossEntropy,
        accumulateGradBatches,
        verbose: 0,
      });
      await trainer.fit([x, y], { batchSize, shuffle: false });
      return weights(model);
    };
    const [small, big] = [await run(8, 2), await run(16, 1)];
    for (const key of Object.keys(big)) {
      big[key]!.forEach((v, i) => {
        expect(small[key]![i]).toBeCloseTo(v, 5);
      });
    }
  });

  it('clips gradient values before the step', async () => {
    const [x, y] = toyData(16);
    const model = toyModel();
    const before = weights(model);
    await fit(model, {
      data: [x, y],
      batchSize: 16,
      optimizer: new SGD(model.parameters(), { lr: 1 }),
      loss: F.crossEntropy,
      clipGradValue: 1e-3,
      verbose: 0,
    });
    const after = weights(model);
    for (const key of Object.keys(after)) {
      after[key]!.forEach((v, i) => {
        expect(Math.abs(v - before[key]![i]!)).toBeLessThanOrEqual(1e-3 + 1e-7);
      });
    }
  });

  it('steps ReduceLROnPlateau per epoch with val_loss, and a subclassed trainStep replaces the step', async () => {
    const [x, y] = toyData(64);
    const model = toyModel();
    const optimizer = new SGD(model.parameters(), { lr: 0.1 });
    const scheduler = new lrScheduler.ReduceLROnPlateau(optimizer, { patience: 0, factor: 0.5 });
    class Frozen extends Trainer {
      override trainStep(batch: Tensor[]) {
        // no backward: the weights never change, so val_loss plateaus at once
        const output = this.forward(batch[0]!);
        return { loss: this.computeLoss(output, batch[1]!), output, target: batch[1]! };
      }
    }
    const seen: number[] = [];
    class Lr extends Callback {
      override onEpochEnd(trainer: Trainer) {
        seen.push(trainer.optimizer.paramGroups[0]!.lr);
      }
    }
    await new Frozen(model, {
      optimizer,
      scheduler,
      loss: F.crossEntropy,
      callbacks: [new Lr()],
      verbose: 0,
    }).fit([x, y], { epochs: 3, validationData: [x, y] });
    expect(seen).toEqual([0.1, 0.05, 0.025]);
  });

  it('reads the device only at logging points and hands callbacks the running values', async () => {
    const [x, y] = toyData(100);
    const model = toyModel();
    const logged: { batch: number; logs?: Logs }[] = [];
    class Spy extends Callback {
      override onTrainBatchEnd(_t: Trainer, info: { batch: number; logs?: Logs }) {
        logged.push({ batch: info.batch, ...(info.logs ? { logs: info.logs } : {}) });
      }
    }
    await fit(model, {
      data: [x, y],
      batchSize: 10,
      logEvery: 4,
      optimizer: new Adam(model.parameters()),
      loss: F.crossEntropy,
      metrics: [new Accuracy()],
      callbacks: [new Spy()],
      verbose: 0,
    });
    expect(logged.filter((l) => l.logs).map((l) => l.batch)).toEqual([3, 7, 9]);
    expect(Object.keys(logged[9]!.logs!)).toEqual(['loss', 'accuracy']);
  });

  it('names the problem and the fix on bad options', async () => {
    const [x, y] = toyData(20);
    const model = toyModel();
    const base = { optimizer: new Adam(model.parameters()), loss: F.crossEntropy, verbose: 0 as const };
    await expect(
      fit(model, { ...base, data: [x, y], validationSplit: 0.2, validationData: [x, y] }),
    ).rejects.toThrow(/validationData or validationSplit, not both/);
    await expect(fit(model, { ...base, data: [x, y], validationSplit: 1.5 })).rejects.toThrow(
      /validationSplit must be a fraction/,
    );
    await expect(fit(model, { ...base, data: [x, y.narrow(0, 0, 10)] })).rejects.toThrow(
      /same number of rows, got \[20, 10\]/,
    );
    await expect(fit(model, { ...base, data: [x, y], epochs: 0 })).rejects.toThrow(
      /epochs must be a positive integer/,
    );
    expect(() => new Trainer(model, { ...base, metrics: ['accurcy' as never] })).toThrow(
      /unknown metric 'accurcy'/,
    );
    expect(() => new Trainer(toyModel(), base)).toThrow(
      /optimizer holds tensors that are not this model's parameters/,
    );
    await expect(fit(model, { data: [x, y], loss: F.crossEntropy, verbose: 0 } as never)).rejects.toThrow(
      /fit needs options.optimizer/,
    );
    await expect(fit(model, { ...base, data: [x] })).rejects.toThrow(/needs inputs and targets \[x, y\]/);
    const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 4 });
    await expect(fit(model, { ...base, data: loader, batchSize: 8 })).rejects.toThrow(
      /fit: batchSize applies to tensors and datasets; the DataLoader passed batches by its own settings/,
    );
  });
});
