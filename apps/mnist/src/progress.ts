/** A one-line progress bar: redrawn in place on a terminal, printed every 10% otherwise (CI logs). */
export class ProgressBar {
  private readonly start = performance.now();
  private lastDecile = -1;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly out: NodeJS.WriteStream = process.stdout,
  ) {}

  /** Seconds since the bar started. */
  get elapsed(): number {
    return (performance.now() - this.start) / 1000;
  }

  update(done: number, stats: Record<string, string>): void {
    const fraction = Math.min(done / this.total, 1);
    const rate = done / Math.max(this.elapsed, 1e-9);
    const eta = rate > 0 ? (this.total - done) / rate : 0;
    const width = 24;
    const filled = Math.round(fraction * width);
    const bar = `${'='.repeat(Math.max(filled - 1, 0))}${filled > 0 ? '>' : ''}${' '.repeat(width - filled)}`;
    const fields = Object.entries(stats).map(([k, v]) => `${k} ${v}`);
    const line = `${this.label} [${bar}] ${done}/${this.total} ${fields.join(' ')} ${Math.round(rate)} samples/s ETA ${eta.toFixed(0)}s`;
    if (this.out.isTTY) {
      this.out.write(`\r${line}\x1b[K`);
      if (done >= this.total) this.out.write('\n');
      return;
    }
    const decile = Math.floor(fraction * 10);
    if (decile !== this.lastDecile) {
      this.lastDecile = decile;
      this.out.write(`${line}\n`);
    }
  }
}
