import type * as WorkerThreads from 'node:worker_threads';

/** What a thread pool needs from the host: the worker API and how many cores to use. */
export interface ThreadHost {
  readonly Worker: typeof WorkerThreads.Worker;
  readonly cores: number;
}

/**
 * The single place that decides whether synchronous kernels may use helper threads. That needs
 * SharedArrayBuffer, shared WebAssembly memory and a calling thread allowed to block in `Atomics.wait`
 * until helpers finish. Node's main thread and workers qualify; a browser main thread may not block, so
 * there (and wherever the Node worker API is missing) kernels stay on the calling thread. Resolved
 * lazily through `process.getBuiltinModule`, so browser bundles never import a Node module.
 */
export function threadHost(): ThreadHost | undefined {
  if (typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined') return undefined;
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const workerThreads = proc?.getBuiltinModule?.('node:worker_threads') as typeof WorkerThreads | undefined;
  const os = proc?.getBuiltinModule?.('node:os') as typeof import('node:os') | undefined;
  if (!workerThreads || !os) return undefined;
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return { Worker: workerThreads.Worker, cores };
}
