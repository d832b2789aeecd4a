import type { DType } from './dtype';

/**
 * The memory behind one or more tensors (views share it). `data` is the backend's handle: a typed array
 * on the CPU, a device buffer elsewhere. `version` counts in-place writes so autograd can tell when a
 * tensor it saved was modified afterwards.
 */
let serials = 0;

/** The serial the next storage made will get: every storage made from now on has this one or a later one. */
export function nextStorageSerial(): number {
  return serials;
}

export class Storage {
  /** In-place writes so far (autograd compares it to catch saved tensors modified later). */
  version = 0;
  /** Creation order (see {@link nextStorageSerial}): tells storages made during a piece of work. */
  readonly serial = serials++;
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
