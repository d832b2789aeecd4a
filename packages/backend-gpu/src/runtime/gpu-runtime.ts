import { DeviceError, shapeSize, ValueError } from '@nn/tensor';
import * as gpujs from 'gpu.js';
import type { BufferPoolStats } from './buffer-pool';
import { buildKernel } from './build-kernel';
import type { CachedKernel, KernelSpec } from './cached-kernel';
import { DeviceBuffer } from './device-buffer';
import type { DeviceBufferTracker } from './device-buffer-tracker';
import type { KernelShortcut } from './gpu-js-types';
import type { CallContract, GpuMode } from './gpu-mode';
import { isGpuMode } from './gpu-mode';
import { KernelCache } from './kernel-cache';
import { ResultMemory } from './result-memory';
import type { WebGpuAdapterReport } from './webgpu-adapter';

/** A kernel argument: a runtime result, host data, or a size. */
export type KernelArg = DeviceBuffer | Float32Array | number;

/** One kernel call, ready to run: the shortcut with its raw arguments and output size. */
interface PreparedCall {
  readonly shortcut: KernelShortcut;
  readonly raw: unknown[];
  /** Output elements. */
  readonly length: number;
  /** The built kernel behind the shortcut before the call (gpu.js may swap it during the call). */
  readonly before: KernelShortcut['kernel'];
  readonly started: number;
}

/** gpu.js keeps one WebGPU device for the whole page/process; the last WebGPU runtime destroys it. */
let webGpuRuntimes = 0;

/** What {@link GpuRuntime} is constructed from; {@link createGpuRuntime} works these out. */
export interface GpuRuntimeInit {
  readonly gpu: gpujs.GPU;
  readonly requestedMode: GpuMode | 'auto';
  readonly mode: GpuMode;
  readonly fallbackReason: string | null;
  readonly contract: CallContract;
  readonly adapter: WebGpuAdapterReport | null;
  readonly probeMs: number;
  /** Bound on the bytes of released buffers kept for reuse. */
  readonly poolBytes: number;
  /** Undoes environment changes made for this runtime (the Dawn `navigator` injection). */
  readonly onDestroy: () => void;
}

/**
 * One gpu.js instance in a known mode, with its kernel cache, call helpers for both call contracts,
 * readback and a live-buffer count. Create it with {@link createGpuRuntime}; `destroy()` it when done.
 */
export class GpuRuntime {
  /** The mode asked for (`'auto'` when none was). */
  readonly requestedMode: GpuMode | 'auto';
  /** The mode gpu.js really runs kernels on, read from a built probe kernel. */
  readonly mode: GpuMode;
  /** Why gpu.js degraded the probe kernel to cpu, when it did. */
  readonly fallbackReason: string | null;
  /** `async` when kernel calls return Promises (WebGPU, threaded WASM): use {@link run}, not runSync. */
  readonly contract: CallContract;
  /** The WebGPU adapter, in `webgpu` mode. */
  readonly adapter: WebGpuAdapterReport | null;
  /** Milliseconds to build and run the probe kernel (one compile plus a tiny run). */
  readonly probeMs: number;
  readonly #memory: ResultMemory;
  readonly #gpu: gpujs.GPU;
  readonly #kernels: KernelCache;
  readonly #onDestroy: () => void;
  #destroyed = false;

  /** Use {@link createGpuRuntime}, which probes the mode first. */
  constructor(init: GpuRuntimeInit) {
    this.requestedMode = init.requestedMode;
    this.mode = init.mode;
    this.fallbackReason = init.fallbackReason;
    this.contract = init.contract;
    this.adapter = init.adapter;
    this.probeMs = init.probeMs;
    this.#memory = new ResultMemory(init.mode, init.poolBytes);
    this.#gpu = init.gpu;
    this.#onDestroy = init.onDestroy;
    this.#kernels = new KernelCache((spec) => buildKernel(this.#gpu, spec, this.contract, this.mode));
    if (this.mode === 'webgpu') webGpuRuntimes++;
  }

  /** Live results: counts every {@link DeviceBuffer} handed out and not released. */
  get buffers(): DeviceBufferTracker {
    return this.#memory.live;
  }

  /**
   * The pool of released buffers reused by later results: `webgpu` kernel outputs, or on `webasm`/`cpu`
   * the host arrays uploads copy into (gpu.js allocates those modes' kernel outputs itself); GL modes pool
   * nothing (see {@link ResultMemory}).
   */
  poolStats(): BufferPoolStats {
    return this.#memory.stats();
  }

  /** Whether results are host arrays (`webasm`, `cpu`), so uploads need no kernel. */
  get hasHostResults(): boolean {
    return this.#memory.inHostArrays;
  }

  /** A copy of `values` as a result, without a kernel; for modes with {@link hasHostResults} only. */
  hostResult(values: ArrayLike<number>, op: string): DeviceBuffer {
    this.#assertLive(op);
    if (!this.hasHostResults) {
      throw new DeviceError(
        op,
        `hostResult: ${this.mode} results live in device memory; upload with a kernel`,
      );
    }
    const array = this.#memory.hostArray(values.length);
    array.set(values);
    return new DeviceBuffer(array, [values.length], this.mode, op, this.#memory);
  }

  /** Number of cached (op, shape class) kernels; see {@link CachedKernel.builds} for the gpu.js builds. */
  get kernelCount(): number {
    return this.#kernels.size;
  }

  /** The cached kernels, in build order (for reports: compile time, switches, fallbacks). */
  kernels(): CachedKernel[] {
    return [...this.#kernels.entries()];
  }

  /** The kernel for `spec`, built once per (op, shape class) and then reused for every size. */
  kernel(spec: KernelSpec): CachedKernel {
    this.#assertLive(spec.op);
    return this.#kernels.get(spec);
  }

  /**
   * Runs `kernel` over an output of row-major `shape` and resolves the result, left on the device. Works
   * under both call contracts.
   */
  async run(kernel: CachedKernel, shape: readonly number[], ...args: KernelArg[]): Promise<DeviceBuffer> {
    const call = this.#prepare(kernel, shape, args);
    const raw = await this.#call(call);
    kernel.observe(call.shortcut, call.started, call.before);
    return this.#wrap(kernel, raw, shape);
  }

  /** {@link run} under the sync contract; throws in a runtime whose contract is `async`. */
  runSync(kernel: CachedKernel, shape: readonly number[], ...args: KernelArg[]): DeviceBuffer {
    if (this.contract === 'async') {
      throw new DeviceError(kernel.spec.op, `runSync: ${this.mode} runs kernels asynchronously; use run()`);
    }
    const call = this.#prepare(kernel, shape, args);
    const raw = this.#call(call);
    if (raw instanceof Promise) {
      throw new DeviceError(kernel.spec.op, `runSync: the ${this.mode} kernel returned a Promise; use run()`);
    }
    kernel.observe(call.shortcut, call.started, call.before);
    return this.#wrap(kernel, raw, shape);
  }

  /** Destroys every kernel and the gpu.js instance, and undoes the Dawn injection; idempotent. */
  async destroy(): Promise<void> {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#kernels.clear();
    this.#memory.close();
    await this.#gpu.destroy();
    if (this.mode === 'webgpu' && --webGpuRuntimes === 0) {
      await (gpujs as unknown as { WebGPUContext: { destroy(): Promise<void> } }).WebGPUContext.destroy();
    }
    this.#onDestroy();
  }

  /** Same as {@link destroy}, for `await using` declarations. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.destroy();
  }

  #prepare(kernel: CachedKernel, shape: readonly number[], args: KernelArg[]): PreparedCall {
    const { op, rank } = kernel.spec;
    this.#assertLive(op);
    if (shape.length !== rank || !shape.every((d) => Number.isInteger(d) && d > 0)) {
      throw new ValueError(op, `output shape [${shape}] does not fit this rank-${rank} kernel`);
    }
    const raw = args.map((arg) => (arg instanceof DeviceBuffer ? arg.raw : arg));
    const shortcut = kernel.shortcutFor(raw);
    shortcut.setOutput([...shape].reverse());
    return {
      shortcut,
      raw,
      length: shapeSize(shape),
      before: shortcut.kernel,
      started: performance.now(),
    };
  }

  #call(call: PreparedCall): unknown {
    return this.#memory.runKernel(call.before, call.length, () => call.shortcut(...call.raw));
  }

  #wrap(kernel: CachedKernel, raw: unknown, shape: readonly number[]): DeviceBuffer {
    const builtMode = kernel.builtMode ?? this.mode;
    const mode = isGpuMode(builtMode) ? builtMode : this.mode;
    return new DeviceBuffer(raw, [...shape], mode, kernel.spec.op, this.#memory);
  }

  #assertLive(op: string): void {
    if (this.#destroyed) throw new DeviceError(op, `the ${this.mode} runtime has been destroyed`);
  }
}
