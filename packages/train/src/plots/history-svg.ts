import { checkOptions, type OptionKeys } from '@nn/tensor';
import type { History } from '../history';
import { type HistoryChart, historyChartData } from './chart-data';

/** Options of {@link historySvg}. */
export interface HistoryPlotOptions {
  /** Title above the panels (default `Training history`). */
  title?: string;
  /** Panels per row (default 2). */
  columns?: number;
  /** Size of one panel in pixels (default 320 x 200). */
  width?: number;
  height?: number;
}

/** The keys of {@link HistoryPlotOptions}, for the strict-options check of the plot functions. */
export const HISTORY_PLOT_KEYS: OptionKeys<HistoryPlotOptions> = {
  title: true,
  columns: true,
  width: true,
  height: true,
};

/**
 * A Vega-Lite spec of the chart: one panel per metric, epoch on x, train and validation lines coloured
 * with a legend, each panel with its own y scale. Render it in a browser with vega-embed, or to SVG with
 * {@link historySvg}.
 */
export function historyVegaLiteSpec(
  chart: HistoryChart,
  options: HistoryPlotOptions = {},
): Record<string, unknown> {
  const values = chart.panels.flatMap((panel) =>
    panel.series.flatMap((s) => s.points.map((p) => ({ metric: panel.metric, split: s.split, ...p }))),
  );
  const lastEpoch = Math.max(1, ...values.map((v) => v.epoch));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: chart.title, fontSize: 16, anchor: 'middle' },
    background: 'white',
    padding: 12,
    data: { values },
    facet: {
      field: 'metric',
      type: 'nominal',
      title: null,
      sort: chart.panels.map((p) => p.metric),
      header: { labelFontSize: 13, labelFontWeight: 'bold' },
    },
    columns: options.columns ?? 2,
    // every panel gets its own y scale and both axes, so a lone panel in the last row still reads
    resolve: { scale: { y: 'independent' }, axis: { x: 'independent', y: 'independent' } },
    spec: {
      width: options.width ?? 320,
      height: options.height ?? 200,
      mark: { type: 'line', point: true, strokeWidth: 2 },
      encoding: {
        x: {
          field: 'epoch',
          type: 'quantitative',
          title: 'epoch',
          scale: { domain: [1, lastEpoch], nice: false },
          // Whole epochs only: vega places ticks at halves for few epochs, and 'd' would label 1.5 as "2".
          axis:
            lastEpoch <= 12
              ? { values: Array.from({ length: lastEpoch }, (_, i) => i + 1), format: 'd' }
              : { tickMinStep: 1, format: 'd' },
        },
        y: {
          field: 'value',
          type: 'quantitative',
          title: null,
          scale: { zero: false },
          axis: { format: '~g' },
        },
        color: {
          field: 'split',
          type: 'nominal',
          title: null,
          scale: { domain: ['train', 'validation'], range: ['#1f77b4', '#ff7f0e'] },
          legend: { orient: 'top', labelFontSize: 12 },
        },
        tooltip: [{ field: 'epoch' }, { field: 'value', format: '.4f' }],
      },
    },
  };
}

/**
 * The training history as an SVG image (browser and Node): loss and each metric per epoch, train vs
 * validation, with axes, a legend and a title. Drawn by Vega-Lite (loaded on first use).
 *
 * @example
 * ```ts
 * writeFileSync('history.svg', await historySvg(history, { title: 'MNIST MLP' }));
 * ```
 */
export async function historySvg(
  history: History | HistoryChart,
  options: HistoryPlotOptions = {},
): Promise<string> {
  checkOptions('historySvg', options, HISTORY_PLOT_KEYS);
  const chart = 'panels' in history ? history : historyChartData(history, options);
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const { spec } = vegaLite.compile(historyVegaLiteSpec(chart, options) as never);
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
