import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ProgressPoint } from './worker/protocol';

/**
 * The live loss and accuracy chart (uPlot: ~50 kB, no dependencies, fast redraws): loss on the left
 * axis, training accuracy (0-100 %) on the right, against the step.
 */
export class TrainingChart {
  private readonly data: [number[], number[], number[]] = [[], [], []];
  private readonly plot: uPlot;

  constructor(parent: HTMLElement) {
    this.plot = new uPlot(
      {
        width: Math.max(320, parent.clientWidth || 640),
        height: 260,
        scales: { x: { time: false }, acc: { range: [0, 100] } },
        legend: { live: false },
        axes: [
          { label: 'step' },
          { label: 'loss', scale: 'y' },
          { label: 'accuracy %', scale: 'acc', side: 1, grid: { show: false } },
        ],
        series: [
          { label: 'step' },
          { label: 'loss', scale: 'y', stroke: '#cf222e', width: 2 },
          { label: 'train accuracy %', scale: 'acc', stroke: '#0969da', width: 2 },
        ],
      },
      this.data,
      parent,
    );
  }

  clear(): void {
    for (const column of this.data) column.length = 0;
    this.plot.setData(this.data);
  }

  add(point: ProgressPoint): void {
    this.data[0].push(point.step);
    this.data[1].push(point.loss);
    this.data[2].push(100 * point.accuracy);
    this.plot.setData(this.data);
  }
}
