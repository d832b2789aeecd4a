import type { Tensor } from '@nn/tensor';
import type { Storage } from '@nn/tensor/kernel';
import { AllocationTracker, disposeStorage, managesMemory } from './allocation-tracker';
import { ownByGraph } from './graph-owned';
import { gradFnOf, type Node, nextSequence } from './node';

/** Saved-tensor counts per storage over the nodes recorded since `since`, reached from `result`. */
function savesSince(result: Tensor, since: number): Map<Storage, number> {
  const saves = new Map<Storage, number>();
  const seen = new Set<Node>();
  const stack = [gradFnOf(result)];
  while (stack.length > 0) {
    const node = stack.pop();
    if (!node || node.sequence < since || seen.has(node)) continue;
    seen.add(node);
    for (const saved of node.saved) {
      const storage = saved.storage;
      if (storage) saves.set(storage, (saves.get(storage) ?? 0) + 1);
    }
    for (const edge of node.next) stack.push(edge?.node);
  }
  return saves;
}

/**
 * Runs `fn`, framework code built from framework ops only (a functional layer or loss: nothing in it can
 * keep a tensor), and frees the device memory of the intermediates it made as soon as nothing can reach
 * them: at once for those only `fn` used, and when backward releases the graph for those the graph saved.
 * A training loop on a device that manages its memory (`'gpu'`) then leaves no garbage behind but the
 * tensors the user holds, even when it never yields to the garbage collector. On the CPU it only runs
 * `fn`: tracking there gained no speed and cost the MNIST example 35 MB more peak memory (backward's
 * temporaries, which are larger, do go back to the CPU pool).
 *
 * @example
 * ```ts
 * const y = freeTemporaries(x.device, () => matmul(x, w.t()).add(b)); // the matmul's output is freed
 * ```
 */
export function freeTemporaries(device: string, fn: () => Tensor): Tensor {
  if (device === 'cpu' || !managesMemory(device)) return fn();
  const since = nextSequence();
  const tracker = new AllocationTracker();
  let result: Tensor;
  try {
    result = fn();
  } finally {
    tracker.stop();
  }
  const saves = savesSince(result, since);
  for (const storage of tracker.allocated) {
    if (storage === result.storage) continue;
    const count = saves.get(storage);
    if (count === undefined) disposeStorage(storage);
    else ownByGraph(storage, count);
  }
  return result;
}
