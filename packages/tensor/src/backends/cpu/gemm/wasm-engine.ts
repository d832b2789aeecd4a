import { threadHost } from '../parallel/thread-support';
import { WorkerPool } from '../parallel/worker-pool';
import { COMMAND_SIZE, type GemmEngine } from './engine';
import { gemmSettings } from './settings';
import { type WasmMemory, wasmApi } from './wasm-api';
import {
  F32_TILE,
  F64_TILE,
  type KernelExports,
  kernelModuleBytes,
  RUNNERS,
  runnerIndex,
  type TileShape,
} from './wasm-kernels';

/** 4 GiB: the wasm32 limit; only address space is reserved up front. */
const MAX_PAGES = 65536;
const PAGE = 65536;
/**
 * Below this many flops (16.8 M) a product stays on the calling thread: waking a helper and waiting for it
 * costs more than it saves. Measured on 2 cores, interleaved runs: from 2^21, the MLP training step (Adam,
 * 784-128-64-10) took 5.4 ms at batch 256 and 2.8 ms at batch 64 on two threads, slower than on one
 * (5.0, 2.7); from 2^24, 4.6 and 2.3.
 */
const THREAD_MIN_FLOPS = 1 << 24;

/** The kernel module instantiated on the calling thread, its memory, and (where allowed) a helper pool. */
interface WasmKernels {
  readonly memory: WasmMemory;
  readonly exports: KernelExports;
  readonly pool: WorkerPool | undefined;
}

function instantiate(): WasmKernels | undefined {
  const wasm = wasmApi();
  if (!wasm) return undefined;
  const host = threadHost();
  try {
    const module = new wasm.Module(kernelModuleBytes(host !== undefined, MAX_PAGES));
    const memory = new wasm.Memory({ initial: 1, maximum: MAX_PAGES, shared: host !== undefined });
    const exports = new wasm.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
    const pool = host && host.cores > 1 ? new WorkerPool(host, module, memory, RUNNERS) : undefined;
    return { memory, exports, pool };
  } catch {
    return undefined; // no SIMD support: the caller falls back to the JS engine
  }
}

let kernels: WasmKernels | null | undefined;

function loadKernels(): WasmKernels | undefined {
  if (kernels === undefined) kernels = instantiate() ?? null;
  return kernels ?? undefined;
}

/**
 * Threads the WebAssembly GEMM can use right now, the caller included (1 where threads are unavailable).
 * Starts the helper threads on first call; they join once booted, a few tens of milliseconds later.
 */
export function gemmThreads(): number {
  return loadKernels()?.pool?.threads() ?? 1;
}

/**
 * The WebAssembly SIMD engine for f32 or f64 panels, or undefined where WebAssembly (with SIMD) is
 * unavailable. Both engines share one memory, so one pool of helper threads serves both; the scratch
 * starts with the command list, followed by 64-byte aligned float panels.
 */
export function createWasmEngine(bytes: 4 | 8): GemmEngine | undefined {
  const loaded = loadKernels();
  if (!loaded) return undefined;
  const { memory, exports, pool } = loaded;
  const tile: TileShape = bytes === 4 ? F32_TILE : F64_TILE;
  let commandCount = 0;
  let tableAddress = 0;
  return {
    mr: tile.mr,
    nr: tile.nr,
    indirect: true,
    winograd: bytes === 4,
    reserve(elements, calls, units) {
      tableAddress = calls * COMMAND_SIZE * 4;
      const floatsAt = Math.ceil((tableAddress + units * 12) / 64) * 64;
      const needed = floatsAt + elements * bytes;
      const have = memory.buffer.byteLength;
      if (needed > have) {
        if (needed > MAX_PAGES * PAGE)
          throw new RangeError(`gemm: needs ${needed} bytes of scratch, over 4 GiB`);
        memory.grow(Math.ceil((needed - have) / PAGE));
      }
      commandCount = calls;
      const buffer = memory.buffer;
      const view = bytes === 4 ? new Float32Array(buffer) : new Float64Array(buffer);
      return { view, base: floatsAt / bytes, commands: new Int32Array(buffer, 0, calls * COMMAND_SIZE) };
    },
    execute({ kernel, steps, unitBounds, unitNeeds }, threads) {
      const fn = runnerIndex(bytes, kernel);
      const run = exports[RUNNERS[fn] as (typeof RUNNERS)[number]];
      if (!pool || threads <= 1 || unitNeeds.length < 2) {
        for (const step of steps) step();
        if (commandCount > 0) run(0, commandCount);
        return;
      }
      const units = unitNeeds.length;
      const table = new Int32Array(memory.buffer, tableAddress, 3 * units);
      for (let u = 0; u < units; u++) {
        const first = unitBounds[u] as number;
        table[3 * u] = unitNeeds[u] as number;
        table[3 * u + 1] = first * COMMAND_SIZE * 4;
        table[3 * u + 2] = (unitBounds[u + 1] as number) - first;
      }
      pool.run({ steps, table, tableAddress, units, fn }, threads, run);
    },
    threadsFor(flops) {
      const limit = gemmSettings().maxThreads;
      return pool && limit > 1 && flops >= THREAD_MIN_FLOPS ? Math.min(limit, pool.threads()) : 1;
    },
  };
}
