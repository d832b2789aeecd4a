import { gemmSettings } from './backends/cpu/gemm/settings';
import { threadHost } from './backends/cpu/parallel/thread-support';
import { ValueError } from './kernel/errors';

/**
 * torch.set_num_threads: the most threads the CPU kernels use for one op, the calling thread included
 * (1: never wake helper threads). Helpers exist only where kernels may block on them: Node's threads, and a
 * dedicated Web Worker of a cross-origin-isolated page (not a page's main thread); elsewhere every op runs
 * on the calling thread whatever the setting.
 *
 * @example
 * setNumThreads(1); // one core for @nn, e.g. beside a data-loading worker
 */
export function setNumThreads(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1) {
    throw new ValueError('setNumThreads', `expected a whole number of threads >= 1, got ${threads}`);
  }
  gemmSettings({ maxThreads: threads });
}

/** torch.get_num_threads: the threads one CPU op may use here: the setting, capped by the host's cores. */
export function getNumThreads(): number {
  return Math.min(gemmSettings().maxThreads, threadHost()?.cores ?? 1);
}
