import { DeviceError, type TypedArray } from '@nn/tensor';
import type { DeviceBuffer } from '../runtime/device-buffer';

/** A device buffer, or (under the async call contract) the Promise of the kernel that produces it. */
export type BufferValue = DeviceBuffer | Promise<DeviceBuffer>;

/**
 * What a {@link GpuData} owns: the current buffer of a storage. Kept apart from `GpuData` so the
 * FinalizationRegistry can free it after the `GpuData` (and so the storage) has been collected.
 */
export class BufferCell {
  /** `null` for an empty storage (gpu.js has no zero-size outputs) or once released. */
  value: BufferValue | null;
  released = false;

  constructor(value: BufferValue | null) {
    this.value = value;
  }
}

/**
 * The device handle a gpu storage keeps in `storage.data`: float32 values on the device, `length` of
 * them. In-place writes swap the buffer behind it, so every view of the storage sees them.
 */
export class GpuData {
  readonly length: number;
  readonly cell: BufferCell;
  /**
   * The exact host values of an uploaded int32 or float64 storage, until its first in-place write:
   * reads return them, so a round trip through the device is exact even where float32 is not.
   */
  host: TypedArray | undefined;

  constructor(length: number, value: BufferValue | null, host?: TypedArray) {
    this.length = length;
    this.cell = new BufferCell(value);
    this.host = host;
  }

  /** A copy of {@link host}, when the storage keeps exact host values. */
  hostCopy(): TypedArray | undefined {
    return this.host?.slice();
  }

  /** The buffer (or its pending Promise) to hand a kernel launched now. */
  current(op: string): BufferValue {
    const { value, released } = this.cell;
    if (released) {
      throw new DeviceError(op, 'a gpu tensor was used after dispose() freed its device memory');
    }
    if (value === null) throw new DeviceError(op, 'an empty gpu storage has no device buffer');
    return value;
  }
}
