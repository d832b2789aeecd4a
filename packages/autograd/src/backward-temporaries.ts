import type { Tensor } from '@nn/tensor';
import type { Storage } from '@nn/tensor/kernel';
import { AllocationTracker, disposeStorage, managesMemory } from './allocation-tracker';
import type { Root } from './engine';
import { AccumulateGrad, type Node } from './node';

/**
 * The gradients a backward pass makes and consumes on its way to the leaves. None of them is reachable
 * once the pass is over, except what it hands out (leaf `.grad`s, retained and captured gradients), so
 * their device memory is freed there and then, as PyTorch's reference counts would, instead of waiting
 * for the garbage collector, which a training loop that never yields to the event loop never lets run.
 *
 * On the CPU the freed arrays go to the memory pool for the next step's gradients (only those big enough
 * for the pool are tracked). A graph that runs user code during backward (custom Functions, tensor hooks)
 * could keep any gradient, so nothing is freed for it.
 */
export class BackwardTemporaries {
  readonly #tracker = new AllocationTracker();

  private constructor(roots: readonly Root[]) {
    for (const root of roots) if (root.implicit) this.#tracker.allocated.add(root.grad.storage);
  }

  /**
   * Starts tracking for a pass over `nodes` from `roots`, or returns undefined when there is nothing to
   * free (no device can take memory back, the pass records a graph of its own, or user code runs inside
   * it).
   */
  static start(
    nodes: readonly Node[],
    roots: readonly Root[],
    createGraph: boolean,
  ): BackwardTemporaries | undefined {
    if (createGraph || !roots.some(({ grad }) => managesMemory(grad.device))) return undefined;
    if (nodes.some((node) => node.runsUserCode || node.preHooks.size > 0)) return undefined;
    return new BackwardTemporaries(roots);
  }

  /** Stops tracking (without freeing anything) when the pass failed. */
  abandon(): void {
    this.#tracker.stop();
  }

  /**
   * Stops tracking and frees every storage the pass allocated except those `kept` tensors (and the
   * leaves' new gradients and retained gradients) live in.
   */
  finish(kept: readonly (Tensor | undefined)[], nodes: readonly Node[]): void {
    this.#tracker.stop();
    const keep = new Set<Storage>();
    for (const t of kept) if (t) keep.add(t.storage);
    for (const node of nodes) {
      const grad = node instanceof AccumulateGrad ? node.variable.grad : undefined;
      if (grad) keep.add(grad.storage);
      for (const ref of node.retained.values()) {
        const retained = ref.deref()?.grad;
        if (retained) keep.add(retained.storage);
      }
    }
    for (const storage of this.#tracker.allocated) if (!keep.has(storage)) disposeStorage(storage);
  }
}
