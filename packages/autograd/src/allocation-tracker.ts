import {
  addDispatchObserver,
  disposalPays,
  getBackend,
  nextStorageSerial,
  type Storage,
} from '@nn/tensor/kernel';

/** Whether `device` takes memory back when told to (a backend with `dispose`: 'gpu', and the CPU's pool). */
export function managesMemory(device: string): boolean {
  return getBackend(device, 'dispose').dispose !== undefined;
}

/** Frees `storage`'s device memory now (nothing on devices whose memory is garbage collected). */
export function disposeStorage(storage: Storage): void {
  getBackend(storage.device, 'dispose').dispose?.(storage);
}

/**
 * Collects the storages made while it runs that the ops dispatched in that time read or returned: op
 * outputs, and the inputs made on the way (a number operand put on the device, a transfer). Only those
 * whose disposal gives memory back are kept (on the CPU, small arrays are the garbage collector's).
 */
export class AllocationTracker {
  readonly allocated = new Set<Storage>();
  readonly #stop: () => void;

  constructor() {
    const first = nextStorageSerial();
    this.#stop = addDispatchObserver({
      exit: ({ inputs, outputs }) => {
        for (const { storage } of [...inputs, ...outputs]) {
          if (storage.serial >= first && disposalPays(storage)) this.allocated.add(storage);
        }
      },
    });
  }

  /** Stops collecting. */
  stop(): void {
    this.#stop();
  }
}
