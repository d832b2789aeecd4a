import { threadHost } from '../parallel/thread-support';
import { WorkerPool } from '../parallel/worker-pool';
import { COMMAND_SIZE, type GemmEngine } from './engine';
import { gemmSettings } from './settings';
import type { FloatArray } from './types';
import { type WasmMemory, type WasmModule, wasmApi } from './wasm-api';
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

/** The kernel module instantiated on one memory. */
interface KernelInstance {
  readonly module: WasmModule;
  readonly memory: WasmMemory;
  readonly exports: KernelExports;
}

/**
 * Scratch of the single-thread instance: 64 MiB of address space, committed only where a job touches it.
 * Fixed, because growing an unshared memory detaches its old buffer, and after the first detached
 * ArrayBuffer of a process V8 checks for detachment on every typed-array access in all code (a JS
 * packing loop measured 1.7x slower from then on). Larger single-thread jobs use the shared memory.
 */
const PRIVATE_PAGES = 1024;

/**
 * The kernels on the calling thread: over a growable memory, shared with a helper pool where threads are
 * allowed, and (with threads) over a fixed private memory for the jobs that stay on the calling thread.
 * V8 copies out of a SharedArrayBuffer with relaxed-atomic word copies at half memcpy's speed (3.2 MB:
 * 0.137 ms against 0.064), a sixth of a 1-channel convolution. Without threads the one memory is
 * unshared, and growing it detaches (see PRIVATE_PAGES): unavoidable there.
 */
interface WasmKernels {
  readonly shared: KernelInstance;
  /**
   * The fixed private instance (or `shared` where it cannot be made), made on first use; undefined where
   * `shared` is itself unshared.
   */
  readonly single: (() => KernelInstance) | undefined;
  readonly pool: WorkerPool | undefined;
}

/** The module on a memory growing to 4 GiB (`shared` or not), or on a fixed one of `fixedPages`. */
function instantiateOn(shared: boolean, fixedPages?: number): KernelInstance {
  const wasm = wasmApi()!;
  const pages = fixedPages ?? MAX_PAGES;
  const module = new wasm.Module(kernelModuleBytes(shared, pages));
  const memory = new wasm.Memory({ initial: fixedPages ?? 1, maximum: pages, shared });
  const exports = new wasm.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
  return { module, memory, exports };
}

function instantiate(): WasmKernels | undefined {
  if (!wasmApi()) return undefined;
  const host = threadHost();
  try {
    if (!host) return { shared: instantiateOn(false), single: undefined, pool: undefined };
    const shared = instantiateOn(true);
    const pool = host.cores > 1 ? new WorkerPool(host, shared.module, shared.memory, RUNNERS) : undefined;
    let single: KernelInstance | undefined;
    const privateOrShared = () => {
      try {
        return instantiateOn(false, PRIVATE_PAGES);
      } catch {
        return shared; // 64 MiB of address space refused: single-thread jobs share the growable memory
      }
    };
    return { shared, single: () => (single ??= privateOrShared()), pool };
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

/** The kernels on shared memory with their helper threads, for jobs other than GEMM's (threaded-unary.ts). */
export interface ThreadedKernels {
  readonly exports: KernelExports;
  readonly pool: WorkerPool;
  /** Threads a job may use now, the caller included: setNumThreads' limit and the helpers booted. */
  threads(): number;
  /** The shared memory's buffer, grown to at least `bytes` (RangeError past 4 GiB). */
  reserve(bytes: number): ArrayBufferLike;
}

/**
 * The shared-memory instance and its helper pool, where helper threads exist (else undefined). Jobs run
 * one at a time on the calling thread's schedule, so a job may use the scratch from address 0 as the GEMM
 * does.
 */
export function threadedKernels(): ThreadedKernels | undefined {
  const loaded = loadKernels();
  if (!loaded?.pool) return undefined;
  const { shared, pool } = loaded;
  return {
    exports: shared.exports,
    pool,
    threads: () => Math.min(gemmSettings().maxThreads, pool.threads()),
    reserve(bytes) {
      growTo(shared.memory, bytes);
      return shared.memory.buffer;
    },
  };
}

/** Grows `memory` to hold at least `bytes`. */
function growTo(memory: WasmMemory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (bytes <= have) return;
  if (bytes > MAX_PAGES * PAGE)
    throw new RangeError(`cpu kernels: need ${bytes} bytes of scratch, over 4 GiB`);
  memory.grow(Math.ceil((bytes - have) / PAGE));
}

/**
 * The WebAssembly SIMD engine for f32 or f64 panels, or undefined where WebAssembly (with SIMD) is
 * unavailable. Both engines share the memories, so one pool of helper threads serves both; the scratch
 * starts with the command list, followed by 64-byte aligned float panels.
 */
export function createWasmEngine(bytes: 4 | 8): GemmEngine | undefined {
  const loaded = loadKernels();
  if (!loaded) return undefined;
  const { pool } = loaded;
  const tile: TileShape = bytes === 4 ? F32_TILE : F64_TILE;
  let commandCount = 0;
  let tableAddress = 0;
  /** The instance the reserved job runs on: the private one for single-thread jobs that fit in it. */
  let active = loaded.shared;
  /** Float and command views over each memory's buffer, made once per buffer (a grown memory has a new one). */
  const views = new WeakMap<ArrayBufferLike, { floats: FloatArray; ints: Int32Array }>();
  const viewsOf = (buffer: ArrayBufferLike) => {
    let made = views.get(buffer);
    if (made === undefined) {
      const floats = bytes === 4 ? new Float32Array(buffer) : new Float64Array(buffer);
      made = { floats, ints: new Int32Array(buffer) };
      views.set(buffer, made);
    }
    return made;
  };
  return {
    mr: tile.mr,
    nr: tile.nr,
    indirect: true,
    winograd: bytes === 4,
    reserve(elements, calls, units, threads) {
      tableAddress = calls * COMMAND_SIZE * 4;
      const floatsAt = Math.ceil((tableAddress + units * 12) / 64) * 64;
      const needed = floatsAt + elements * bytes;
      active =
        threads <= 1 && loaded.single && needed <= PRIVATE_PAGES * PAGE ? loaded.single() : loaded.shared;
      growTo(active.memory, needed);
      commandCount = calls;
      const { floats, ints } = viewsOf(active.memory.buffer);
      return { view: floats, base: floatsAt / bytes, commands: ints };
    },
    execute({ kernel, steps, unitBounds, unitNeeds }, threads) {
      const fn = runnerIndex(bytes, kernel);
      const run = active.exports[RUNNERS[fn]!]!;
      if (!pool || threads <= 1 || unitNeeds.length < 2) {
        for (const step of steps) step();
        if (commandCount > 0) run(0, commandCount);
        return;
      }
      const units = unitNeeds.length;
      const table = new Int32Array(active.memory.buffer, tableAddress, 3 * units);
      for (let u = 0; u < units; u++) {
        const first = unitBounds[u] as number;
        table[3 * u] = unitNeeds[u] as number;
        table[3 * u + 1] = first * COMMAND_SIZE * 4;
        table[3 * u + 2] = (unitBounds[u + 1] as number) - first;
      }
      pool.run({ steps, table, tableAddress, units, fn }, threads, run);
    },
    packLines(from, to, count, k, lineStride, kStride, width, panelSize) {
      if (count <= 0 || k <= 0) return;
      const b = bytes;
      active.exports[bytes === 4 ? 'packLines32' : 'packLines64'](
        from * b,
        to * b,
        count,
        k,
        lineStride * b,
        kStride * b,
        width,
        panelSize * b,
      );
    },
    copyRows(from, to, planes, rows, width, { fromRow, toRow, fromPlane, toPlane }) {
      if (planes <= 0 || rows <= 0 || width <= 0) return;
      const b = bytes;
      active.exports.copyRows(
        from * b,
        to * b,
        planes,
        rows,
        width * b,
        fromRow * b,
        toRow * b,
        fromPlane * b,
        toPlane * b,
      );
    },
    threadsFor(flops) {
      const limit = gemmSettings().maxThreads;
      return pool && limit > 1 && flops >= THREAD_MIN_FLOPS ? Math.min(limit, pool.threads()) : 1;
    },
  };
}
