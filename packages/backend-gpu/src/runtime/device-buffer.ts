import { DeviceError, shapeSize } from '@nn/tensor';
import { flattenOutput } from './flatten-output';
import { isDeviceHandle } from './gpu-js-types';
import type { GpuMode } from './gpu-mode';
import type { ResultMemory } from './result-memory';

/**
 * One kernel result, kept where the kernel left it: a GL texture, a WebGPU buffer, or (on `cpu`/`webasm`,
 * which have no device memory) host arrays. Feed it to further kernels via {@link DeviceBuffer.raw}, read it
 * with {@link DeviceBuffer.read} / {@link DeviceBuffer.readSync}, and free it with
 * {@link DeviceBuffer.release}.
 */
export class DeviceBuffer {
  /** Row-major shape of the result (PyTorch order: the last dim is gpu.js's `thread.x`). */
  readonly shape: readonly number[];
  /** Number of float32 elements. */
  readonly length: number;
  /** The backend mode that produced it. */
  readonly mode: GpuMode;
  /** The op that produced it, for error messages. */
  readonly op: string;
  #raw: unknown;
  #released = false;
  readonly #memory: ResultMemory;

  /** Wraps a raw gpu.js result and counts it as live in `memory`, which pools or frees it on release. */
  constructor(raw: unknown, shape: readonly number[], mode: GpuMode, op: string, memory: ResultMemory) {
    this.#raw = raw;
    this.shape = shape;
    this.length = shapeSize(shape);
    this.mode = mode;
    this.op = op;
    this.#memory = memory;
    memory.track(this.length * 4);
  }

  /** Whether {@link release} has run. */
  get released(): boolean {
    return this.#released;
  }

  /** The gpu.js value to pass as a kernel argument (a texture, buffer handle or host array). */
  get raw(): unknown {
    this.#assertLive('use');
    return this.#raw;
  }

  /** Reads the values back as a new `Float32Array`; works under both call contracts. */
  async read(): Promise<Float32Array> {
    this.#assertLive('read');
    const raw = this.#raw;
    const values = isDeviceHandle(raw) ? await raw.toArray() : raw;
    return flattenOutput(values, this.length, this.op);
  }

  /** Reads the values back synchronously; throws where readback is async only (WebGPU). */
  readSync(): Float32Array {
    this.#assertLive('read');
    const raw = this.#raw;
    // checked before toArray(): a readback started and abandoned rejects when its buffer is destroyed
    const values = isDeviceHandle(raw) && this.mode !== 'webgpu' ? raw.toArray() : raw;
    if (this.mode === 'webgpu' || values instanceof Promise) {
      if (values instanceof Promise) values.catch(() => {});
      throw new DeviceError(this.op, `readSync: ${this.mode} reads back asynchronously only; use read()`);
    }
    return flattenOutput(values, this.length, this.op);
  }

  /** Frees the device memory (`texture.delete()`) or hands it to the runtime's pool; idempotent. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    const raw = this.#raw;
    this.#raw = undefined;
    this.#memory.release(raw, this.length * 4);
  }

  /** Same as {@link release}, for `using` declarations. */
  [Symbol.dispose](): void {
    this.release();
  }

  #assertLive(what: string): void {
    if (this.#released) {
      throw new DeviceError(
        this.op,
        `cannot ${what} a released ${this.mode} buffer of shape [${this.shape}]`,
      );
    }
  }
}
