import type { Module } from '@nn/nn';
import { checkOptions, type Tensor } from '@nn/tensor';
import type { TrainData } from './data-source';
import type { History, Logs } from './history';
import type { Metric } from './metrics/metric';
import type { MetricName } from './metrics/resolve-metric';
import {
  EVALUATE_KEYS,
  FIT_KEYS,
  FIT_RUN_KEYS,
  INFERENCE_KEYS,
  PREDICT_KEYS,
  pick,
  TRAINER_KEYS,
} from './option-keys';
import {
  type FitRunOptions,
  type InferenceOptions,
  type Loss,
  Trainer,
  type TrainerOptions,
} from './trainer';

/** Options of {@link fit}: how to train (TrainerOptions), what on (`data`) and how long (FitRunOptions). */
export interface FitOptions extends TrainerOptions, FitRunOptions {
  /** Training data: tensors `[x, y]`, a Dataset of `[x, y]` items, or a DataLoader. */
  data: TrainData;
}

/**
 * Keras's `model.fit` for a Module: trains it and returns the {@link History}. It builds a
 * {@link Trainer}; build one yourself to reuse it for `evaluate` and `predict` or to subclass its steps.
 *
 * @example
 * ```ts
 * import { F, Flatten, Linear, ReLU, Sequential } from '@nn/nn';
 * import { Adam } from '@nn/optim';
 * import { randint, randn } from '@nn/tensor';
 * import { EarlyStopping, fit } from '@nn/train';
 *
 * const net = new Sequential(new Flatten(), new Linear(784, 32), new ReLU(), new Linear(32, 10));
 * const [x, y] = [randn([256, 1, 28, 28]), randint(0, 10, [256])];
 * const history = await fit(net, {
 *   data: [x, y], epochs: 5, batchSize: 64, validationSplit: 0.1, verbose: 0,
 *   optimizer: new Adam(net.parameters(), { lr: 1e-3 }), loss: F.crossEntropy, metrics: ['accuracy'],
 *   callbacks: [new EarlyStopping({ patience: 2, restoreBestWeights: true })],
 * });
 * console.log(Object.keys(history.history)); // [ 'loss', 'accuracy', 'val_loss', 'val_accuracy' ]
 * ```
 */
export async function fit(model: Module, options: FitOptions): Promise<History> {
  checkOptions('fit', options, FIT_KEYS);
  return new Trainer(model, pick(options, TRAINER_KEYS)).fit(options.data, pick(options, FIT_RUN_KEYS));
}

/** Options of {@link evaluate}. */
export interface EvaluateOptions extends InferenceOptions {
  /** The data: tensors `[x, y]`, a Dataset or a DataLoader. */
  data: TrainData;
  /** The loss, logged as `loss` (left out: only the metrics are computed). */
  loss?: Loss;
  /** Metrics to compute alongside. */
  metrics?: (Metric | MetricName)[];
  /** Device to run on (default: where the model is). */
  device?: string;
}

/**
 * Keras's `model.evaluate(..., return_dict=True)`: the loss and metrics over `data` in eval mode without
 * gradients, e.g. `{ loss: 0.08, accuracy: 0.975 }`.
 *
 * @example
 * ```ts
 * const { accuracy } = await evaluate(model, { data: [xTest, yTest], loss: F.crossEntropy, metrics: ['accuracy'] });
 * ```
 */
export async function evaluate(model: Module, options: EvaluateOptions): Promise<Logs> {
  checkOptions('evaluate', options, EVALUATE_KEYS);
  return inferenceTrainer(model, options).evaluate(options.data, pick(options, INFERENCE_KEYS));
}

/** Options of {@link predict}. */
export interface PredictOptions extends InferenceOptions {
  /** Device to run on (default: where the model is). */
  device?: string;
}

/**
 * Keras's `model.predict`: the model's outputs for every row of `x` (a tensor, a Dataset or a DataLoader),
 * batched in eval mode without gradients and concatenated.
 *
 * @example
 * ```ts
 * const probabilities = (await predict(model, xTest)).softmax(1);
 * ```
 */
export async function predict(model: Module, x: TrainData, options: PredictOptions = {}): Promise<Tensor> {
  checkOptions('predict', options, PREDICT_KEYS);
  return inferenceTrainer(model, options).predict(x, pick(options, INFERENCE_KEYS));
}

/** A trainer for evaluation or prediction only (no optimizer, no progress display). */
function inferenceTrainer(
  model: Module,
  options: { loss?: Loss; metrics?: (Metric | MetricName)[]; device?: string },
): Trainer {
  return new Trainer(model, {
    verbose: 0,
    ...(options.loss ? { loss: options.loss } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.device ? { device: options.device } : {}),
  });
}
