import { noGrad } from '@nn/autograd';
import { DataLoader, TensorDataset } from '@nn/data';
import { MNIST } from '@nn/data/node';
import { F, type Sequential } from '@nn/nn';
import { saveFile } from '@nn/nn/node';
import { Adam, lrScheduler } from '@nn/optim';
import { manualSeed, Tensor, tensor, zeros } from '@nn/tensor';
import { cnn, mlp } from './models';
import { ProgressBar } from './progress';

/** Everything the command line can set. */
export interface TrainOptions {
  model: 'mlp' | 'cnn';
  epochs: number;
  batchSize: number;
  /** Peak learning rate of the one-cycle schedule, or the constant one (`schedule: 'constant'`). */
  lr: number;
  /**
   * `'onecycle'`: PyTorch's OneCycleLR over the whole run (warm-up to `lr`, cosine anneal; Adam's beta1
   * cycles between 0.85 and 0.95). `'constant'`: plain Adam at `lr`.
   */
  schedule: 'onecycle' | 'constant';
  seed: number;
  device: string;
  /** Where the weights are written (safetensors); empty to skip saving. */
  out: string;
  /** Use only the first N training images (quick runs and tests). */
  limit?: number;
  /** Where progress goes; default stdout. */
  log?: NodeJS.WriteStream;
}

/** What a run achieved. */
export interface TrainResult {
  epochSeconds: number[];
  trainLoss: number[];
  testAccuracy: number;
}

// The usual MNIST normalisation constants (mean and std of the training pixels).
const MEAN = 0.1307;
const STD = 0.3081;

/**
 * All images of a split as one uint8 tensor [N, 1, 28, 28] over the decoded bytes (not copied) and int32
 * labels [N]. Pixels stay bytes until a batch is used: float32 copies of all 70 000 images would take 220 MB.
 */
async function loadSplit(train: boolean, limit?: number): Promise<[Tensor, Tensor]> {
  const split = await MNIST.load({ train });
  const count = Math.min(limit ?? split.length, split.length);
  const pixels = tensor(split.images.subarray(0, count * 784)).reshape(count, 1, 28, 28);
  return [pixels, tensor(Int32Array.from(split.labels.subarray(0, count)))];
}

/** A batch of uint8 pixels as normalised float32 on `device`; float64 arithmetic, as `(p / 255 - MEAN) / STD` in JS. */
function normalize(pixels: Tensor, device: string): Tensor {
  // One float64 scratch, normalised in place and disposed once narrowed to float32: its memory (and the
  // in-place steps' scratch) goes back to the CPU pool for the next batch instead of piling up as garbage.
  const wide = pixels.dtype === 'float64' ? pixels.clone() : pixels.double();
  wide.div_(255).sub_(MEAN).div_(STD);
  const x = wide.float();
  wide.dispose();
  return x.to(device);
}

/**
 * How many rows of `logits` have their largest value at the label, as a 0-d tensor on the logits' device
 * (nothing is read back per batch). As in PyTorch, a tie goes to the first largest value.
 */
function correct(logits: Tensor, labels: Tensor): Tensor {
  return logits.argmax(1).eq(labels).sum();
}

/** A tensor's single value, read the way every device supports (async-only devices have no item()). */
async function readScalar(t: Tensor): Promise<number> {
  return Number((await t.data())[0]);
}

/** Batches between reads of the running loss and accuracy: each read waits for the queued work. */
const READ_EVERY = 20;

/** The model's state dict on the CPU, read with `await data()` (async-only devices cannot move synchronously). */
async function hostStateDict(model: Sequential): Promise<Record<string, Tensor>> {
  const entries = Object.entries(model.stateDict()).map(
    async ([key, t]) => [key, Tensor.fromArray(await t.data(), t.shape, t.dtype)] as const,
  );
  return Object.fromEntries(await Promise.all(entries));
}

/** Trains the chosen model on MNIST, evaluates it on the test set and saves its weights. */
export async function trainMnist(options: TrainOptions): Promise<TrainResult> {
  const log = options.log ?? process.stdout;
  manualSeed(options.seed);
  const [trainX, trainY] = await loadSplit(true, options.limit);
  const [testX, testY] = await loadSplit(false);
  let model: Sequential = options.model === 'cnn' ? cnn() : mlp();
  if (options.device !== 'cpu') model = model.to(options.device);
  const optimizer = new Adam(model.parameters(), { lr: options.lr });
  const loader = new DataLoader(new TensorDataset(trainX, trainY), {
    batchSize: options.batchSize,
    shuffle: true,
    seed: options.seed,
  });
  const scheduler =
    options.schedule === 'onecycle'
      ? new lrScheduler.OneCycleLR(optimizer, {
          maxLr: options.lr,
          epochs: options.epochs,
          stepsPerEpoch: loader.length,
        })
      : undefined;
  const result: TrainResult = { epochSeconds: [], trainLoss: [], testAccuracy: 0 };
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    model.train();
    const total = trainY.shape[0]!;
    const bar = new ProgressBar(`epoch ${epoch}/${options.epochs}`, total, log);
    let seen = 0;
    let step = 0;
    // running sums stay on the device; the loop reads them every READ_EVERY batches only
    let lossSum: Tensor = zeros([], { device: options.device });
    let hits: Tensor = zeros([], { dtype: 'int32', device: options.device });
    let meanLoss = 0;
    for (const [xb, yb] of loader) {
      const x = normalize(xb!, options.device);
      const y = yb!.to(options.device);
      optimizer.zeroGrad();
      const logits = model.call(x) as Tensor;
      const loss = F.crossEntropy(logits, y);
      loss.backward();
      optimizer.step();
      scheduler?.step();
      const n = y.shape[0]!;
      seen += n;
      lossSum = lossSum.add(loss.detach().mul(n));
      hits = hits.add(correct(logits.detach(), y));
      if (++step % READ_EVERY === 0 || seen === total) {
        const [lossTotal, hitTotal] = await Promise.all([readScalar(lossSum), readScalar(hits)]);
        meanLoss = lossTotal / seen;
        bar.update(seen, { loss: meanLoss.toFixed(4), acc: `${((100 * hitTotal) / seen).toFixed(1)}%` });
      }
    }
    result.epochSeconds.push(bar.elapsed);
    result.trainLoss.push(meanLoss);
    log.write(`epoch ${epoch}: ${bar.elapsed.toFixed(1)} s, train loss ${meanLoss.toFixed(4)}\n`);
  }
  model.eval();
  const testHits = await readScalar(
    noGrad(() => {
      let total = zeros([], { dtype: 'int32', device: options.device });
      for (let start = 0; start < testY.shape[0]!; start += 1000) {
        const x = normalize(testX.narrow(0, start, Math.min(1000, testY.shape[0]! - start)), options.device);
        const y = testY.narrow(0, start, x.shape[0]!).to(options.device);
        total = total.add(correct(model.call(x) as Tensor, y));
      }
      return total;
    }),
  );
  result.testAccuracy = testHits / testY.shape[0]!;
  log.write(`test accuracy: ${(100 * result.testAccuracy).toFixed(2)}% (${testHits}/${testY.shape[0]})\n`);
  if (options.out) {
    await saveFile(options.out, await hostStateDict(model));
    log.write(`saved weights to ${options.out}\n`);
  }
  return result;
}
