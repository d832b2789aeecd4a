import { blue, green, magenta, plot, reset, yellow } from 'asciichart';
import type { History } from '../history';

/** Options of {@link terminalChart}. */
export interface TerminalChartOptions {
  /** The logged keys drawn (default `loss` and, when logged, `val_loss`). */
  keys?: string[];
  /** Rows of the plot (default 8). */
  height?: number;
  /** Columns the epochs are stretched over (default 48). */
  width?: number;
  /** ANSI colours (default true; turn off for files). */
  colors?: boolean;
}

const COLORS = [blue, yellow, green, magenta];

/**
 * A compact line chart of the history for a terminal (drawn with asciichart): one line per key over the
 * epochs, with a y axis and a legend. `fit` prints it at the end of training on a terminal.
 *
 * @example
 * ```ts
 * process.stdout.write(terminalChart(history));
 * ```
 */
export function terminalChart(history: History, options: TerminalChartOptions = {}): string {
  const keys = options.keys ?? ['loss', ...('val_loss' in history.history ? ['val_loss'] : [])];
  const width = options.width ?? 48;
  const colors = options.colors ?? true;
  const series = keys.map((k) => stretch(history.get(k), width));
  const chart = plot(series, {
    height: options.height ?? 8,
    ...(colors ? { colors: COLORS.slice(0, keys.length) } : {}),
    format: (x: number) => x.toPrecision(3).padStart(9),
  });
  const legend = keys
    .map((k, i) => (colors ? `${COLORS[i % COLORS.length]}── ${k}${reset}` : `── ${k}`))
    .join('   ');
  const epochs = history.epoch.length;
  return `${chart}\n${' '.repeat(11)}epoch 1 → ${epochs}   ${legend}\n`;
}

/** `values` linearly interpolated to `width` points, so a few epochs still make a readable line. */
function stretch(values: number[], width: number): number[] {
  if (values.length < 2) return new Array<number>(width).fill(values[0] ?? 0);
  return Array.from({ length: width }, (_, i) => {
    const at = (i / (width - 1)) * (values.length - 1);
    const lo = Math.floor(at);
    const hi = Math.min(lo + 1, values.length - 1);
    return values[lo]! + (values[hi]! - values[lo]!) * (at - lo);
  });
}
