// gpu.js ships typings for its public API, but they do not cover what this layer reads after a kernel is
// built (the concrete kernel class's `mode`, `fallbackReason`), the WebGPU result handle, or the async call
// contract. These minimal interfaces describe exactly that, nothing more.

/** `this` inside a kernel function: the thread being computed and the output size (gpu.js order x, y, z). */
export interface KernelThis {
  readonly thread: { readonly x: number; readonly y: number; readonly z: number };
  readonly output: { readonly x: number; readonly y: number; readonly z: number };
}

/**
 * A kernel body, run once per output element. gpu.js parses its source text, so it may only use the
 * JavaScript subset gpu.js understands; a string holding such a function is accepted too (safe under
 * minifiers and engines that do not keep function source).
 */
// biome-ignore lint/suspicious/noExplicitAny: kernel arguments are typed by each kernel; gpu.js checks them.
export type KernelSource = string | ((this: KernelThis, ...args: any[]) => number);

/** The concrete gpu.js kernel behind a run shortcut (`shortcut.kernel`), as far as this layer reads it. */
export interface BuiltKernel {
  /** The kernel class; its static `mode` is the backend that really runs the kernel. */
  readonly constructor: { readonly mode: string };
  /** Why gpu.js degraded this kernel to the cpu backend, when it did. */
  readonly fallbackReason?: string | null;
}

/** The callable gpu.js returns from `createKernel`. */
export interface KernelShortcut {
  (...args: unknown[]): unknown;
  /** The kernel currently behind the shortcut; gpu.js swaps it when argument types change. */
  kernel: BuiltKernel;
  setOutput(output: number[]): unknown;
  destroy(removeCanvasReferences?: boolean): void;
}

/**
 * A result that stays on the device under `pipeline: true`: a GL `Texture` (sync `toArray`) or a WebGPU
 * buffer result (`toArray` returns a Promise). On `cpu`/`webasm` results are plain typed arrays instead.
 */
export interface DeviceHandle {
  toArray(): unknown;
  delete(): void;
}

/** Whether a raw kernel result is a device handle (as opposed to plain host arrays). */
export function isDeviceHandle(value: unknown): value is DeviceHandle {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<DeviceHandle>).toArray === 'function' &&
    typeof (value as Partial<DeviceHandle>).delete === 'function'
  );
}
