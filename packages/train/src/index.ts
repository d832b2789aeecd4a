// The public face of @nn/train (browser-safe; files, PNG and the progress bar live in '@nn/train/node').
export { Accuracy, type AccuracyOptions } from './metrics/accuracy';
export { ConfusionMatrix, type ConfusionMatrixOptions } from './metrics/confusion-matrix';
export { Metric } from './metrics/metric';
export {
  type ClassAverage,
  type ClassMetricOptions,
  F1Score,
  Precision,
  Recall,
} from './metrics/precision-recall-f1';
export { MeanAbsoluteError, MeanSquaredError, R2Score } from './metrics/regression';
