import { BufferPool, type BufferPoolStats } from './buffer-pool';
import { DeviceBufferTracker } from './device-buffer-tracker';
import { type BuiltKernel, isDeviceHandle } from './gpu-js-types';
import type { GpuMode } from './gpu-mode';
import {
  type CountedGpuBuffer,
  destroyBuffer,
  isBuiltWebGpuKernel,
  isWebGpuResult,
  reclaimBuffer,
  runIntoBuffer,
} from './webgpu-output-reuse';

/** Default bound on the bytes a runtime's pool keeps for reuse. */
export const DEFAULT_POOL_BYTES = 64 * 1024 * 1024;

/** Host arrays kept per size on `webasm`/`cpu`, where only uploads take them. */
const HOST_ARRAYS_PER_SIZE = 8;

/**
 * Where a runtime's results live and what happens when one is released: it counts live results and keeps
 * released memory in a bounded pool, as far as gpu.js lets each mode reuse it:
 * - `webgpu`: released GPUBuffers become later kernels' outputs (see `webgpu-output-reuse.ts`);
 * - `webasm`, `cpu`: results are host arrays that gpu.js allocates inside every run, with no way to pass
 *   it one; released flat arrays are pooled for uploads instead (and uploads take them from there);
 * - GL modes: nothing is pooled. gpu.js already renders into the kernel's own output texture again when
 *   the previous result was deleted before the next call, and offers no way to give it another texture.
 */
export class ResultMemory {
  /** Results handed out and not released. */
  readonly live = new DeviceBufferTracker();
  readonly #gpuBuffers: BufferPool<CountedGpuBuffer> | undefined;
  readonly #hostArrays: BufferPool<Float32Array> | undefined;
  /** Set by {@link close}: the runtime is gone, nothing more is pooled. */
  #closed = false;

  /** Memory for `mode`, pooling at most `maxBytes` bytes. */
  constructor(mode: GpuMode, maxBytes: number) {
    if (mode === 'webgpu') {
      this.#gpuBuffers = new BufferPool(maxBytes, destroyBuffer);
    } else if (mode === 'webasm' || mode === 'cpu') {
      // released arrays are left to the garbage collector when the pool lets them go
      this.#hostArrays = new BufferPool(maxBytes, () => {}, HOST_ARRAYS_PER_SIZE);
    }
  }

  /** Whether results live in host arrays (no device memory: `webasm`, `cpu`). */
  get inHostArrays(): boolean {
    return this.#hostArrays !== undefined;
  }

  /** The pool's counters; all zero for modes that pool nothing. */
  stats(): BufferPoolStats {
    return (this.#gpuBuffers ?? this.#hostArrays)?.stats() ?? EMPTY_STATS;
  }

  /**
   * Calls `call`, one run of `kernel` (the built kernel behind a shortcut) with an output of `length`
   * float32 values: on `webgpu` into a pooled buffer of that size when there is one.
   */
  runKernel<R>(kernel: BuiltKernel, length: number, call: () => R): R {
    const pool = this.#gpuBuffers;
    if (!pool || !isBuiltWebGpuKernel(kernel)) return call();
    return runIntoBuffer(kernel, pool.take(length * 4), call);
  }

  /** A host array of `length` float32 values for an upload (host-array modes), pooled when possible. */
  hostArray(length: number): Float32Array {
    return this.#hostArrays?.take(length * 4) ?? new Float32Array(length);
  }

  /** Records a new result of `bytes` bytes. */
  track(bytes: number): void {
    this.live.track(bytes);
  }

  /** Records that a result of `bytes` bytes was released, and pools or frees its memory. */
  release(raw: unknown, bytes: number): void {
    this.live.untrack(bytes);
    if (!this.#closed && this.#gpuBuffers && isWebGpuResult(raw)) {
      const buffer = reclaimBuffer(raw);
      if (buffer) this.#gpuBuffers.give(buffer, buffer.size);
    } else if (!this.#closed && this.#hostArrays && isWholeArray(raw)) {
      this.#hostArrays.give(raw, raw.byteLength);
    } else if (isDeviceHandle(raw)) {
      raw.delete();
    }
  }

  /** Frees everything pooled and pools nothing more (the runtime is being destroyed). */
  close(): void {
    this.#closed = true;
    this.#gpuBuffers?.clear();
    this.#hostArrays?.clear();
  }
}

/** A flat float32 result that owns its whole ArrayBuffer (so no other array shares the memory). */
function isWholeArray(raw: unknown): raw is Float32Array {
  return raw instanceof Float32Array && raw.byteOffset === 0 && raw.byteLength === raw.buffer.byteLength;
}

const EMPTY_STATS: BufferPoolStats = {
  hits: 0,
  misses: 0,
  pooled: 0,
  pooledBytes: 0,
  maxBytes: 0,
  maxPerSize: 0,
  evicted: 0,
};
