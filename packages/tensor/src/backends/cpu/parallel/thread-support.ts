import type * as WorkerThreads from 'node:worker_threads';
import type { WasmMemory, WasmModule } from '../gemm/wasm-api';
import { workerSource } from './worker-source';

/** What a helper thread receives: the kernel module, the shared memory and the pool's control block. */
export interface PoolWorkerData {
  readonly module: WasmModule;
  readonly memory: WasmMemory;
  readonly control: SharedArrayBuffer;
  readonly exportNames: readonly string[];
}

/** What a thread pool needs from the host: how many cores to use and how to start a helper thread. */
export interface ThreadHost {
  readonly cores: number;
  /** Starts one helper running the pool's loop on `data`; a helper that fails to start never joins. */
  spawn(data: PoolWorkerData): void;
}

/** The browser's worker API, as far as the pool uses it. */
interface BrowserWorker {
  onerror: ((event: unknown) => void) | null;
  postMessage(data: PoolWorkerData): void;
}
interface BrowserGlobals {
  crossOriginIsolated?: boolean;
  DedicatedWorkerGlobalScope?: unknown;
  Worker?: new (url: string) => BrowserWorker;
  Blob?: new (parts: string[], options: { type: string }) => object;
  URL?: { createObjectURL?(blob: object): string };
  navigator?: { hardwareConcurrency?: number };
}

/** Node's main thread and worker threads: helpers are `worker_threads` workers, unref'd. */
function nodeHost(): ThreadHost | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const workerThreads = proc?.getBuiltinModule?.('node:worker_threads') as typeof WorkerThreads | undefined;
  const os = proc?.getBuiltinModule?.('node:os') as typeof import('node:os') | undefined;
  if (!workerThreads || !os) return undefined;
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return {
    cores,
    spawn(workerData) {
      const worker = new workerThreads.Worker(workerSource('node'), { eval: true, workerData });
      worker.on('error', () => {});
      worker.unref(); // never keeps the process alive
    },
  };
}

let browserWorkerUrl: string | undefined;

/**
 * A dedicated Web Worker of a cross-origin-isolated page: helpers are nested workers started from a blob:
 * URL (a page's CSP must allow `worker-src blob:`), handed their data by postMessage.
 */
function browserWorkerHost(): ThreadHost | undefined {
  const g = globalThis as BrowserGlobals;
  const { Worker, Blob, URL, navigator } = g;
  if (g.crossOriginIsolated !== true || g.DedicatedWorkerGlobalScope === undefined) return undefined;
  if (!Worker || !Blob || !URL?.createObjectURL) return undefined;
  return {
    cores: Math.max(1, navigator?.hardwareConcurrency ?? 1),
    spawn(data) {
      browserWorkerUrl ??= URL.createObjectURL!(
        new Blob([workerSource('browser')], { type: 'text/javascript' }),
      );
      try {
        const worker = new Worker(browserWorkerUrl);
        worker.onerror = () => {};
        worker.postMessage(data);
      } catch {
        // refused (e.g. by a CSP without worker-src blob:): the pool runs without this helper
      }
    },
  };
}

/**
 * The single place that decides whether synchronous kernels may use helper threads. That needs
 * SharedArrayBuffer, shared WebAssembly memory and a calling thread allowed to block in `Atomics.wait`
 * until helpers finish: Node's main thread and workers, and a browser's dedicated Web Worker in a
 * cross-origin-isolated page. A browser page's main thread may not block, so there (and wherever neither
 * worker API exists) kernels stay on the calling thread. Node modules are resolved lazily through
 * `process.getBuiltinModule`, so browser bundles never import one.
 */
export function threadHost(): ThreadHost | undefined {
  if (typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined') return undefined;
  return nodeHost() ?? browserWorkerHost();
}
