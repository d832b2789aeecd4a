import type { DType, TypedArray } from './dtype';
import type { TensorMeta } from './op-def';
import type { Storage } from './storage';
import type { TensorView } from './view';

/**
 * A device's memory manager. Compute lives in kernels registered separately (`registerKernel`), so a
 * backend implements only the kernels it accelerates; the rest come from default implementations or run
 * on the CPU with a one-time warning. Kernels receive the backend object of their device, so a backend
 * package may keep its device state on it (one object per device it registers).
 */
export interface Backend {
  /** Device name tensors use, e.g. `'cpu'`, `'gpu'`. */
  readonly name: string;
  /** Uploads host values (exactly `values.length` elements of `dtype`) and returns the device handle. */
  fromHost(values: TypedArray, dtype: DType): unknown;
  /** Allocates storage for `size` elements, contents unspecified. */
  allocate(dtype: DType, size: number): unknown;
  /** Reads a whole storage back to the host; works on every backend. */
  read(storage: Storage): Promise<TypedArray>;
  /** Synchronous read, where the device allows it (WebGPU does not). */
  readSync?(storage: Storage): TypedArray;
  /** Frees device memory now rather than when the tensor is garbage collected. */
  dispose?(storage: Storage): void;
  /**
   * The CPU fallback of a device without `readSync` (ops never wait for device data): returns op `name`'s
   * outputs on this device at once, their values pending until the inputs have been read back and
   * `compute` (the CPU kernel) has run on CPU copies of them. `outputs` are the op table's prediction of
   * the outputs' shapes and dtypes (`undefined` when they depend on the input values). Without it, such a
   * fallback throws.
   */
  runOnHost?(
    name: string,
    inputs: readonly TensorView[],
    compute: (hostInputs: readonly TensorView[]) => TensorView[],
    outputs: readonly TensorMeta[] | undefined,
  ): TensorView[];
}
