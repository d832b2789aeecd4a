/**
 * Node-only part of `@nn/train`: CSV / JSON Lines loggers, `ModelCheckpoint`, the progress bar, checkpoint files and PNG history plots.
 *
 * @module @nn/train/node
 */
// @nn/train/node: the Node-only part (files, PNG rendering, the terminal progress bar).
export { CSVLogger, type FileLoggerOptions, JsonLinesLogger } from './callbacks/file-loggers';
export { ModelCheckpoint, type ModelCheckpointOptions } from './callbacks/model-checkpoint';
export { ProgressBar, type ProgressBarOptions } from './callbacks/progress-bar';
export { loadCheckpoint, saveCheckpoint } from './checkpoint/checkpoint-file';
export { historyPng, saveHistoryPlot } from './plots/history-png';
