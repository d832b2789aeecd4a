/** Median milliseconds of one run: wall clock, and CPU time of the whole process (all threads). */
export interface Timing {
  wall: number;
  cpu: number;
}

const median = (values: number[]): number => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * Times `run` after `warmup` untimed calls (JIT, worker start-up): at least `minRuns` runs, more while
 * `budgetMs` lasts (capped at 50), and returns the medians. The CPU column tells a loaded machine apart
 * from a slow kernel: wall well above CPU means the process waited for a core.
 */
export function measure(run: () => unknown, { warmup = 3, minRuns = 7, budgetMs = 1500 } = {}): Timing {
  for (let i = 0; i < warmup; i++) run();
  const walls: number[] = [];
  const cpus: number[] = [];
  const start = performance.now();
  while (walls.length < minRuns || (performance.now() - start < budgetMs && walls.length < 50)) {
    const cpuStart = process.cpuUsage();
    const t0 = performance.now();
    run();
    walls.push(performance.now() - t0);
    const { user, system } = process.cpuUsage(cpuStart);
    cpus.push((user + system) / 1000);
  }
  return { wall: median(walls), cpu: median(cpus) };
}
