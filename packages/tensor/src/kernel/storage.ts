import type { DType } from './dtype';

/**
 * The memory behind one or more tensors (views share it). `data` is the backend's handle: a typed array
 * on the CPU, a device buffer elsewhere. `version` counts in-place writes so autograd can tell when a
 * tensor it saved was modified afterwards.
 */
export class Storage {
  /** In-place writes so far (autograd compares it to catch saved tensors modified later). */
  version = 0;
  /** Wraps a backend handle; backends create storages, users rarely need to. */
  constructor(
    /** Device (backend name) the data lives on. */
    readonly device: string,
    /** Element type of the data. */
    readonly dtype: DType,
    /** Number of elements. */
    readonly size: number,
    /** Backend handle: a TypedArray for 'cpu'. */
    public data: unknown,
  ) {}
}
