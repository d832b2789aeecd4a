import { DataLoader, TensorDataset } from '@nn/data';
import { F, type Sequential } from '@nn/nn';
import { Adam } from '@nn/optim';
import { manualSeed, setNumThreads, type Tensor, tensor } from '@nn/tensor';
import { createModel } from './models';
import type { ProgressPoint, TrainRequest } from './protocol';

/** How {@link runTraining} reports and is stopped. */
export interface TrainingHooks {
  onProgress(point: ProgressPoint): void;
  /** Checked before every step. */
  stopRequested(): boolean;
}

/** What a run produced. */
export interface TrainingRun {
  readonly model: Sequential;
  readonly steps: number;
  /** Mean wall time of one step over the run, ms. */
  readonly stepMs: number;
}

/** A tensor's single value on any device (async-only devices have no item()). */
export async function scalar(t: Tensor): Promise<number> {
  return Number((await t.data())[0]);
}

/** Lets queued messages (stop) and the CPU kernels' helper threads (which boot in the background) run. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Points on the chart: about 60 over a run, so each averages several steps. */
function reportEvery(steps: number): number {
  return Math.max(1, Math.round(steps / 60));
}

/**
 * Trains a fresh model of `request.model` on the first `request.samples` of `images`/`labels` with Adam
 * (batch `request.batchSize`, seed 0, reshuffled every epoch) for `request.steps` steps on a registered
 * `request.device`. The same code runs in the page's worker and in Node (the step-time benchmark).
 */
export async function runTraining(
  request: TrainRequest,
  [images, labels]: readonly [Tensor, Tensor],
  hooks: TrainingHooks,
): Promise<TrainingRun> {
  setNumThreads(request.threads);
  manualSeed(0);
  const { device, batchSize } = request;
  const samples = Math.min(request.samples, labels.shape[0]!);
  const dataset = new TensorDataset(images.narrow(0, 0, samples), labels.narrow(0, 0, samples));
  const loader = new DataLoader(dataset, { batchSize, shuffle: true, seed: 0, dropLast: true });
  const model = createModel(request.model).to(device);
  const optimizer = new Adam(model.parameters(), { lr: request.lr });
  const every = reportEvery(request.steps);
  const zero = () => tensor(0).to(device);
  // running sums stay on the device and are read once per chart point
  let window = { loss: zero(), hits: zero(), steps: 0, ms: 0 };
  let totalMs = 0;
  let step = 0;
  model.train();
  while (step < request.steps && !hooks.stopRequested()) {
    for (const [xb, yb] of loader) {
      if (step >= request.steps || hooks.stopRequested()) break;
      const started = performance.now();
      const x = xb!.to(device);
      const y = yb!.to(device);
      optimizer.zeroGrad();
      const logits = model.call(x) as Tensor;
      const loss = F.crossEntropy(logits, y);
      loss.backward();
      optimizer.step();
      window.loss = window.loss.add(loss.detach());
      window.hits = window.hits.add(logits.detach().argmax(1).eq(y).sum());
      window.steps++;
      step++;
      const last = step % every === 0 || step === request.steps;
      // the read waits for the device's queued work, so the window's time is complete on every device
      const [lossSum, hits] = last ? await Promise.all([scalar(window.loss), scalar(window.hits)]) : [0, 0];
      const ms = performance.now() - started;
      window.ms += ms;
      totalMs += ms;
      if (last) {
        const n = window.steps;
        hooks.onProgress({
          step,
          loss: lossSum / n,
          accuracy: hits / (n * batchSize),
          stepMs: window.ms / n,
        });
        window = { loss: zero(), hits: zero(), steps: 0, ms: 0 };
      }
      await yieldToEventLoop();
    }
  }
  model.eval();
  return { model, steps: step, stepMs: totalMs / Math.max(step, 1) };
}
