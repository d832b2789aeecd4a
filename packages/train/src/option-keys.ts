import type { OptionKeys } from '@nn/tensor';
import type { EvaluateOptions, FitOptions, PredictOptions } from './fit';
import type { FitRunOptions, InferenceOptions, TrainerOptions } from './trainer';

// The valid keys of each options object of the training API, for checkOptions (an unknown or misspelled
// key is an error naming the nearest valid one, never silently ignored).

export const TRAINER_KEYS: OptionKeys<TrainerOptions> = {
  optimizer: true,
  loss: true,
  metrics: true,
  scheduler: true,
  schedulerInterval: true,
  schedulerMonitor: true,
  device: true,
  callbacks: true,
  clipGradNorm: true,
  clipGradValue: true,
  accumulateGradBatches: true,
  logEvery: true,
  verbose: true,
  seed: true,
};

export const FIT_RUN_KEYS: OptionKeys<FitRunOptions> = {
  epochs: true,
  batchSize: true,
  shuffle: true,
  validationData: true,
  validationSplit: true,
  resume: true,
};

export const INFERENCE_KEYS: OptionKeys<InferenceOptions> = { batchSize: true };

export const FIT_KEYS: OptionKeys<FitOptions> = { ...TRAINER_KEYS, ...FIT_RUN_KEYS, data: true };

export const EVALUATE_KEYS: OptionKeys<EvaluateOptions> = {
  ...INFERENCE_KEYS,
  data: true,
  loss: true,
  metrics: true,
  device: true,
};

export const PREDICT_KEYS: OptionKeys<PredictOptions> = { ...INFERENCE_KEYS, device: true };

/** The entries of `options` whose keys are in `keys` (to hand each part of a combined options object on). */
export function pick<T extends object>(options: object, keys: OptionKeys<T>): T {
  return Object.fromEntries(Object.entries(options).filter(([key]) => key in keys)) as T;
}
