import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { History, historyChartData, historySvg, historyVegaLiteSpec, terminalChart } from '../src/index';
import { historyPng, saveHistoryPlot } from '../src/node';

function sampleHistory(): History {
  const history = new History();
  [0.9, 0.5, 0.35, 0.3].forEach((loss, epoch) => {
    history.record(epoch, {
      loss,
      accuracy: 1 - loss / 2,
      val_loss: loss + 0.1,
      val_accuracy: 0.95 - loss / 2,
      lr: 0.01,
    });
  });
  return history;
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Uint8Array): [number, number] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return [view.getUint32(16), view.getUint32(20)];
}

describe('history plots', () => {
  it('exposes the chart as plain data: one panel per metric, loss first, train and validation series', () => {
    const chart = historyChartData(sampleHistory(), { title: 'Toy' });
    expect(chart.title).toBe('Toy');
    expect(chart.panels.map((p) => p.metric)).toEqual(['loss', 'accuracy', 'lr']);
    expect(chart.panels[0]!.series.map((s) => [s.split, s.key])).toEqual([
      ['train', 'loss'],
      ['validation', 'val_loss'],
    ]);
    expect(chart.panels[0]!.series[1]!.points[0]).toEqual({ epoch: 1, value: 1 });
    expect(JSON.parse(JSON.stringify(chart))).toEqual(chart);
    const spec = historyVegaLiteSpec(chart) as { data: { values: unknown[] } };
    expect(spec.data.values).toHaveLength(4 * 5);
  });

  it('draws an SVG with title, panels, axes and legend', async () => {
    const svg = await historySvg(sampleHistory(), { title: 'Toy run' });
    expect(svg.startsWith('<svg')).toBe(true);
    for (const text of ['Toy run', 'loss', 'accuracy', 'epoch', 'train', 'validation']) {
      expect(svg).toContain(`>${text}</text>`);
    }
    // one line path per series: loss, accuracy (train + validation) and lr (train)
    expect(svg.match(/class="mark-line role-mark/g)).toHaveLength(5);
    expect(svg).toContain('>0.01</text>'); // the constant lr reads as itself
  });

  it('labels the epoch axis with whole epochs only, each once', async () => {
    const history = new History();
    [0.48, 0.13, 0.055].forEach((loss, epoch) => {
      history.record(epoch, { loss, accuracy: 0.9 + loss / 10, val_loss: loss + 0.01, val_accuracy: 0.95 });
    });
    const svg = await historySvg(history);
    // two panels (loss, accuracy), each with ticks 1, 2, 3: no half-epoch tick rounded to a repeated label
    for (const epoch of ['1', '2', '3'])
      expect(svg.match(new RegExp(`>${epoch}</text>`, 'g'))).toHaveLength(2);
  });

  it('renders a PNG and writes either format by extension', async () => {
    const png = await historyPng(sampleHistory(), { scale: 1 });
    expect(Array.from(png.subarray(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    const [width, height] = pngSize(png);
    expect(width).toBeGreaterThan(600);
    expect(height).toBeGreaterThan(450);
    expect(png.length).toBeGreaterThan(20_000); // text, lines and points, not a blank page
    const dir = mkdtempSync(join(tmpdir(), 'nn-plot-'));
    await saveHistoryPlot(join(dir, 'h.svg'), sampleHistory());
    expect(readFileSync(join(dir, 'h.svg'), 'utf8')).toContain('<svg');
    await expect(saveHistoryPlot(join(dir, 'h.jpg'), sampleHistory())).rejects.toThrow(
      /end the name with \.svg or \.png/,
    );
  });

  it('draws a compact terminal chart with a legend', () => {
    const text = terminalChart(sampleHistory(), { colors: false, height: 5, width: 20 });
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(7); // 6 plot rows + the legend
    expect(lines.at(-1)).toContain('epoch 1 → 4   ── loss   ── val_loss');
    expect(text).toContain('1.00');
    expect(() => terminalChart(sampleHistory(), { keys: ['f1'] })).toThrow(/no values logged as 'f1'/);
  });
});
