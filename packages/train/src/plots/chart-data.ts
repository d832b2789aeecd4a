import { ValueError } from '@nn/tensor';
import type { History } from '../history';

/** One line of a panel: the training or validation values of a key per epoch. */
export interface ChartSeries {
  /** `train` or `validation`. */
  split: 'train' | 'validation';
  /** The logged key (`loss`, `val_loss`, ...). */
  key: string;
  /** Epoch numbers (1-based, as printed) and values; epochs without a value are left out. */
  points: { epoch: number; value: number }[];
}

/** One panel: a metric's training and validation lines. */
export interface ChartPanel {
  /** The metric's name without the `val_` prefix (`loss`, `accuracy`, `lr`). */
  metric: string;
  series: ChartSeries[];
}

/** The history as plain data for any renderer: the SVG/PNG writers, the terminal, or a browser chart. */
export interface HistoryChart {
  title: string;
  panels: ChartPanel[];
}

/**
 * The history as chart data (JSON-safe, no library types): one panel per metric (loss first), each with
 * its train and validation series. A browser can draw it with any chart library, or with Vega-Lite via
 * {@link historyVegaLiteSpec}.
 *
 * @example
 * ```ts
 * const chart = historyChartData(history, { title: 'MNIST MLP' });
 * chart.panels[0].series[1].points; // [{ epoch: 1, value: 0.21 }, ...] (val_loss)
 * ```
 */
export function historyChartData(history: History, options: { title?: string } = {}): HistoryChart {
  const keys = Object.keys(history.history);
  if (keys.length === 0)
    throw new ValueError('historyChartData', 'the history has no epochs yet; plot it after fit');
  const metrics = [...new Set(keys.map((k) => (k.startsWith('val_') ? k.slice(4) : k)))].sort((a, b) =>
    a === 'loss' ? -1 : b === 'loss' ? 1 : 0,
  );
  const points = (key: string) =>
    history.history[key]!.map((value, i) => ({ epoch: history.epoch[i]! + 1, value })).filter((p) =>
      Number.isFinite(p.value),
    );
  const panels = metrics.map((metric) => ({
    metric,
    series: [
      ...(metric in history.history
        ? [{ split: 'train' as const, key: metric, points: points(metric) }]
        : []),
      ...(`val_${metric}` in history.history
        ? [{ split: 'validation' as const, key: `val_${metric}`, points: points(`val_${metric}`) }]
        : []),
    ],
  }));
  return { title: options.title ?? 'Training history', panels };
}
