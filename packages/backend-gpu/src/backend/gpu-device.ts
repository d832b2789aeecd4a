import { DeviceError } from '@nn/tensor';
import type { KernelSpec } from '../runtime/cached-kernel';
import { DeviceBuffer } from '../runtime/device-buffer';
import type { GpuRuntime, KernelArg } from '../runtime/gpu-runtime';
import { type BufferCell, type BufferValue, GpuData } from './gpu-data';

/** A kernel argument at launch: a storage's data, host values (shape/stride tables) or a number. */
export type LaunchArg = GpuData | Float32Array | number;

const UPLOAD: KernelSpec = {
  op: 'upload',
  rank: 1,
  source: 'function (a) { return a[this.thread.x]; }',
};

/**
 * The `'gpu'` device: one gpu.js runtime plus the bookkeeping tensors need. Under the sync contract
 * every launch runs at once; under the async one (WebGPU) launches, reads and releases are queued in
 * order, so a kernel always sees the buffers that were current when it was launched and a buffer is
 * freed only after the work queued before its release.
 */
export class GpuDevice {
  readonly runtime: GpuRuntime;
  readonly #async: boolean;
  #tail: Promise<unknown> = Promise.resolve();
  #destroyed = false;
  readonly #finalizer = new FinalizationRegistry<BufferCell>((cell) => this.#release(cell));

  constructor(runtime: GpuRuntime) {
    this.runtime = runtime;
    this.#async = runtime.contract === 'async';
  }

  /** Whether results arrive asynchronously (no `readSync`). */
  get isAsync(): boolean {
    return this.#async;
  }

  /** Device buffers alive now (results not yet released). */
  get liveBuffers(): number {
    return this.runtime.buffers.live;
  }

  /** Copies host float32 values to the device. */
  upload(values: Float32Array): GpuData {
    if (values.length === 0) return this.#adopt(new GpuData(0, null));
    const { mode } = this.runtime;
    // cpu and webasm have no device memory: their "buffers" are host arrays, so no kernel is needed
    if (mode === 'cpu' || mode === 'webasm') {
      const buffer = new DeviceBuffer(values, [values.length], mode, 'upload', this.runtime.buffers);
      return this.#adopt(new GpuData(values.length, buffer));
    }
    return this.launch(UPLOAD, values.length, [values]);
  }

  /** Runs `spec` over a flat output of `length` elements (> 0) and returns the result's data. */
  launch(spec: KernelSpec, length: number, args: readonly LaunchArg[]): GpuData {
    const kernel = this.runtime.kernel(spec);
    const captured = args.map((arg) => (arg instanceof GpuData ? arg.current(spec.op) : arg));
    if (!this.#async) {
      const raw = captured as KernelArg[];
      return this.#adopt(new GpuData(length, this.runtime.runSync(kernel, [length], ...raw)));
    }
    const result = this.#enqueue(async () => {
      const raw = (await Promise.all(captured)) as KernelArg[];
      return this.runtime.run(kernel, [length], ...raw);
    });
    return this.#adopt(new GpuData(length, result));
  }

  /** Makes `target` hold `next` (an in-place write) and frees its previous buffer. */
  replace(target: GpuData, next: GpuData): void {
    const cell = target.cell;
    target.host = undefined;
    const previous = target.current('copy_');
    cell.value = next.current('copy_');
    // `next` hands its buffer over: it must not free it when collected
    this.#finalizer.unregister(next.cell);
    next.cell.value = null;
    next.cell.released = true;
    if (!this.#async) (previous as DeviceBuffer).release();
    else this.#enqueue(async () => (await previous).release()).catch(() => {});
  }

  /** Reads values back (after every kernel launched before). */
  read(data: GpuData): Promise<Float32Array> {
    if (data.length === 0) return Promise.resolve(new Float32Array(0));
    const value = data.current('data');
    if (!this.#async) return (value as DeviceBuffer).read();
    return this.#enqueue(async () => (await value).read());
  }

  /** Reads values back synchronously; sync contract only. */
  readSync(data: GpuData): Float32Array {
    if (data.length === 0) return new Float32Array(0);
    if (this.#async) {
      throw new DeviceError(
        'dataSync',
        `${this.runtime.mode} reads back asynchronously only; use await data()`,
      );
    }
    return (data.current('dataSync') as DeviceBuffer).readSync();
  }

  /** Frees `data`'s buffer now (idempotent). */
  dispose(data: GpuData): void {
    this.#finalizer.unregister(data.cell);
    this.#release(data.cell);
  }

  /** Resolves once every launched kernel has finished (a no-op under the sync contract). */
  async flush(): Promise<void> {
    await this.#tail;
  }

  #adopt(data: GpuData): GpuData {
    if (data.cell.value !== null) this.#finalizer.register(data, data.cell, data.cell);
    const value = data.cell.value;
    if (value instanceof Promise) value.catch(() => {});
    return data;
  }

  /** Destroys the runtime (every kernel and buffer); the device is unusable afterwards. */
  async destroy(): Promise<void> {
    this.#destroyed = true;
    await this.#tail;
    await this.runtime.destroy();
  }

  #release(cell: BufferCell): void {
    if (cell.released || this.#destroyed) return;
    cell.released = true;
    const value: BufferValue | null = cell.value;
    cell.value = null;
    if (value === null) return;
    if (value instanceof DeviceBuffer) value.release();
    else this.#enqueue(async () => (await value).release()).catch(() => {});
  }

  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task);
    this.#tail = result.catch(() => {});
    return result;
  }
}
