import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { checkOptions, type OptionKeys, ValueError } from '@nn/tensor';
import type { History } from '../history';
import type { HistoryChart } from './chart-data';
import { HISTORY_PLOT_KEYS, type HistoryPlotOptions, historySvg } from './history-svg';

/** The plot options plus `scale` (PNG pixels per SVG pixel), accepted by the PNG writers. */
const HISTORY_PNG_KEYS: OptionKeys<HistoryPlotOptions & { scale?: number }> = {
  ...HISTORY_PLOT_KEYS,
  scale: true,
};

let resvg: Promise<typeof import('@resvg/resvg-wasm')> | undefined;
let font: Promise<Uint8Array> | undefined;

/** resvg's WebAssembly build, started once per process (no native module, no build step). */
function renderer(): Promise<typeof import('@resvg/resvg-wasm')> {
  resvg ??= (async () => {
    const module = await import('@resvg/resvg-wasm');
    const require = createRequire(import.meta.url);
    await module.initWasm(await readFile(require.resolve('@resvg/resvg-wasm/index_bg.wasm')));
    return module;
  })();
  return resvg;
}

/** DejaVu Sans from the dejavu-fonts-ttf package: the PNG's text looks the same on every machine. */
function sansFont(): Promise<Uint8Array> {
  font ??= readFile(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'));
  return font;
}

/**
 * The training history as a PNG (Node): {@link historySvg}'s chart rasterised by resvg (WebAssembly) at
 * `scale` times its size (default 2, sharp on high-DPI screens and in docs).
 *
 * @example
 * ```ts
 * writeFileSync('history.png', await historyPng(history));
 * ```
 */
export async function historyPng(
  history: History | HistoryChart,
  options: HistoryPlotOptions & { scale?: number } = {},
): Promise<Uint8Array> {
  checkOptions('historyPng', options, HISTORY_PNG_KEYS);
  const { scale, ...plot } = options;
  const [svg, { Resvg }, fontData] = await Promise.all([historySvg(history, plot), renderer(), sansFont()]);
  const image = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: scale ?? 2 },
    font: { fontBuffers: [fontData], defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return image.render().asPng();
}

/**
 * Writes the history plot to `path` as SVG or PNG, chosen by the extension (`history.svg`, `history.png`).
 *
 * @example
 * ```ts
 * await saveHistoryPlot('history.png', history, { title: 'MNIST MLP' });
 * ```
 */
export async function saveHistoryPlot(
  path: string,
  history: History | HistoryChart,
  options: HistoryPlotOptions & { scale?: number } = {},
): Promise<void> {
  const ext = extname(path).toLowerCase();
  checkOptions('saveHistoryPlot', options, ext === '.svg' ? HISTORY_PLOT_KEYS : HISTORY_PNG_KEYS);
  if (ext === '.svg') return writeFile(path, await historySvg(history, options));
  if (ext === '.png') return writeFile(path, await historyPng(history, options));
  throw new ValueError(
    'saveHistoryPlot',
    `cannot tell the format of '${path}'; end the name with .svg or .png`,
  );
}
