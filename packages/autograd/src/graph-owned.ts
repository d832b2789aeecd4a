import type { Storage } from '@nn/tensor/kernel';
import { disposeStorage } from './allocation-tracker';

/** Storages only the recorded graph reaches, with the number of saved tensors still holding each. */
const holders = new WeakMap<Storage, number>();

/** Hands `storage` to the graph: it is freed when the last of its `saves` saved tensors is released. */
export function ownByGraph(storage: Storage, saves: number): void {
  holders.set(storage, saves);
}

/** A saved tensor on `storage` was released (backward freed its node); frees the storage after the last. */
export function releaseSave(storage: Storage): void {
  const left = holders.get(storage);
  if (left === undefined) return;
  if (left > 1) {
    holders.set(storage, left - 1);
  } else {
    holders.delete(storage);
    disposeStorage(storage);
  }
}
