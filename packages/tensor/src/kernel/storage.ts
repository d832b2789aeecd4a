import { type DType, elementSize } from './dtype';
import { DeviceError } from './errors';
import { claimBuffer, POOLED_MIN_BYTES } from './host-pool';

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
    /** Backend handle: a TypedArray for 'cpu'; `null` once `dispose()` released it. */
    public data: unknown,
  ) {
    claimBuffer(data, this);
  }
}

/**
 * `storage.data`, or a clear error when `dispose()` released it (a CPU kernel would otherwise read a
 * missing array).
 */
export function liveData(op: string, storage: Storage): unknown {
  if (storage.data === null) {
    throw new DeviceError(
      op,
      `a ${storage.device} tensor was used after dispose() released its memory; keep the tensor (or a clone()) until you are done with it`,
    );
  }
  return storage.data;
}

/**
 * Whether disposing `storage` gives memory back at once: always for a device that manages its memory, on
 * the CPU only for arrays the pool takes (small ones are cheaper left to the garbage collector).
 */
export function disposalPays(storage: Storage): boolean {
  return storage.device !== 'cpu' || storage.size * elementSize(storage.dtype) >= POOLED_MIN_BYTES;
}
