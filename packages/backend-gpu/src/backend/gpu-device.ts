import { DeviceError, type DType, type TypedArray } from '@nn/tensor';
import type { BufferPoolStats } from '../runtime/buffer-pool';
import type { KernelSpec } from '../runtime/cached-kernel';
import { DeviceBuffer } from '../runtime/device-buffer';
import type { GpuRuntime, KernelArg } from '../runtime/gpu-runtime';
import { checkGpuDType, hostNumbers, keepsHostValues, toDeviceValues } from './dtype-values';
import { type BufferCell, type BufferValue, GpuData } from './gpu-data';

/** A kernel argument at launch: a storage's data, host values (shape/stride tables) or a number. */
export type LaunchArg = GpuData | Float32Array | number;

/** One output of {@link GpuDevice.deferToHost}: its element count, and whether to keep exact host values. */
export interface HostOutput {
  readonly length: number;
  /** Keep the computed values as the storage's exact host copy (int32, float64; see `GpuData.host`). */
  readonly keepHost: boolean;
}

const UPLOAD: KernelSpec = {
  op: 'upload',
  rank: 1,
  source: 'function (a) { return a[this.thread.x]; }',
};

/**
 * One gpu device (`'gpu'`, `'gpu:webgl2'`, ...): its own gpu.js runtime plus the bookkeeping tensors need. Under the sync contract
 * every launch runs at once; under the async one (WebGPU, threaded webasm) launches, reads, host work
 * ({@link GpuDevice.deferToHost}) and releases are queued in order, so a kernel always sees the buffers
 * that were current when it was launched and a buffer is freed (or pooled for reuse) only after the work
 * queued before its release.
 */
export class GpuDevice {
  /** The device name tensors on it carry. */
  readonly name: string;
  readonly runtime: GpuRuntime;
  readonly #async: boolean;
  #tail: Promise<unknown> = Promise.resolve();
  #destroyed = false;
  readonly #finalizer = new FinalizationRegistry<BufferCell>((cell) => this.#release(cell));

  constructor(name: string, runtime: GpuRuntime) {
    this.name = name;
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

  /** Bytes of the device buffers alive now. */
  get liveBytes(): number {
    return this.runtime.buffers.liveBytes;
  }

  /** The most bytes of device buffers alive at once since the device was registered. */
  get peakBytes(): number {
    return this.runtime.buffers.peakBytes;
  }

  /** The counters of the runtime's pool of released buffers. */
  get pool(): BufferPoolStats {
    return this.runtime.poolStats();
  }

  /** Copies host values to the device (as float32, the device's only type). */
  upload(values: TypedArray): GpuData {
    if (values.length === 0) return this.#adopt(new GpuData(0, null));
    // cpu and webasm have no device memory: their "buffers" are host arrays, so no kernel is needed
    if (this.runtime.hasHostResults) {
      return this.#adopt(new GpuData(values.length, this.runtime.hostResult(values, 'upload')));
    }
    // a copy: under the async contract the kernel reads it later, and the caller may change its array
    return this.launch(UPLOAD, values.length, [toDeviceValues(values)]);
  }

  /**
   * Uploads host values of `dtype`; storages of dtypes float32 cannot hold exactly keep the values too
   * (see {@link keepsHostValues}).
   */
  fromHost(values: TypedArray, dtype: DType): GpuData {
    checkGpuDType('to', dtype);
    const uploaded = this.upload(hostNumbers(values));
    if (keepsHostValues(dtype)) uploaded.host = values.slice();
    return uploaded;
  }

  /**
   * Runs `compute` on the host and returns its outputs' data at once, their values pending. In the
   * launch queue, once the work launched before has finished, `compute` gets the inputs' values as they
   * were at this call (each storage's exact host copy, or float32 values read back) and returns one array
   * of each `outputs` entry's length, which is uploaded. A throw rejects reads of every output and the
   * kernels using them. Async contract only: ops never wait for device data.
   */
  deferToHost(
    inputs: readonly GpuData[],
    outputs: readonly HostOutput[],
    compute: (values: TypedArray[]) => TypedArray[],
  ): GpuData[] {
    if (!this.#async) throw new DeviceError('deferToHost', 'the sync contract reads device data at once');
    const captured = inputs.map((data) => ({
      host: data.host,
      value: data.length === 0 || data.host ? null : data.current('deferToHost'),
    }));
    const task = this.#enqueue(async () => {
      const values = await Promise.all(
        captured.map(async ({ host, value }) => host ?? (value ? (await value).read() : new Float32Array(0))),
      );
      const results = compute(values);
      return { results, buffers: await this.#storeAll(results) };
    });
    return outputs.map(({ length, keepHost }, i) => {
      if (length === 0) return this.#adopt(new GpuData(0, null));
      const data = new GpuData(length, null);
      const pending: Promise<DeviceBuffer> = task.then(({ results, buffers }) => {
        // exact values, unless an in-place write replaced this buffer meanwhile
        if (keepHost && data.cell.value === pending) data.host = results[i];
        return buffers[i]!;
      });
      data.cell.value = pending;
      return this.#adopt(data);
    });
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

  /**
   * Puts host arrays on the device now, outside the launch queue (for a task running in it); empty ones
   * get no buffer. If one fails, the others are freed.
   */
  async #storeAll(arrays: readonly TypedArray[]): Promise<(DeviceBuffer | undefined)[]> {
    const stored = await Promise.allSettled(
      arrays.map((values) => {
        if (values.length === 0) return undefined;
        if (this.runtime.hasHostResults) return this.runtime.hostResult(values, 'upload');
        return this.runtime.run(this.runtime.kernel(UPLOAD), [values.length], toDeviceValues(values));
      }),
    );
    const failed = stored.find((s) => s.status === 'rejected');
    if (!failed) return stored.map((s) => (s as PromiseFulfilledResult<DeviceBuffer | undefined>).value);
    for (const s of stored) if (s.status === 'fulfilled') s.value?.release();
    throw failed.reason;
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
    // Under the async contract, launches queued before this release may still read the buffer.
    if (value instanceof DeviceBuffer && !this.#async) value.release();
    else this.#enqueue(async () => (await value).release()).catch(() => {});
  }

  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task);
    this.#tail = result.catch(() => {});
    return result;
  }
}
