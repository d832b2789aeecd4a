/**
 * Keras-style fit / evaluate / predict for @nn: a subclassable Trainer, streaming metrics, callbacks, checkpoints and history plots.
 *
 * @module @nn/train
 */
// The public face of @nn/train (browser-safe; files, PNG and the progress bar live in '@nn/train/node').
export { type BatchEnd, Callback } from './callbacks/callback';
export { EarlyStopping, type EarlyStoppingOptions } from './callbacks/early-stopping';
export { LearningRateMonitor } from './callbacks/learning-rate-monitor';
export type { MonitorMode } from './callbacks/monitor';
export {
  type Checkpoint,
  type CheckpointInput,
  decodeCheckpoint,
  encodeCheckpoint,
  type Stateful,
} from './checkpoint/checkpoint';
export type { TrainData } from './data-source';
export { type EvaluateOptions, evaluate, type FitOptions, fit, type PredictOptions, predict } from './fit';
export { History, type Logs } from './history';
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
export type { MetricName } from './metrics/resolve-metric';
export {
  type ChartPanel,
  type ChartSeries,
  type HistoryChart,
  historyChartData,
} from './plots/chart-data';
export { type HistoryPlotOptions, historySvg, historyVegaLiteSpec } from './plots/history-svg';
export { type TerminalChartOptions, terminalChart } from './plots/terminal-chart';
export {
  type FitRunOptions,
  type InferenceOptions,
  type Loss,
  type SchedulerInput,
  type StepOutput,
  Trainer,
  type TrainerOptions,
  type ValidationOutput,
} from './trainer';
