import { NNError, type Tensor } from '@nn/tensor';
import type { Storage } from '@nn/tensor/kernel';
import { releaseSave } from './graph-owned';
import { fmtShapeOf } from './messages';

/** The error PyTorch raises when a graph is used after backward freed its saved tensors. */
export const FREED_GRAPH_MESSAGE =
  'Trying to backward through the graph a second time (or directly access saved tensors after they have ' +
  'already been freed). Saved intermediate values of the graph are freed when you call .backward() or ' +
  'grad(). Specify { retainGraph: true } if you need to backward through the graph a second time or if ' +
  'you need to access saved tensors after calling backward.';

/**
 * A tensor a node keeps for its backward, with the storage version it had when saved: reading it after an
 * in-place change raises PyTorch's "modified by an inplace operation" error instead of giving wrong
 * gradients.
 */
export class SavedTensor {
  #tensor: Tensor | undefined;
  readonly #version: number;

  constructor(
    tensor: Tensor,
    /** Name of the node that saved it (for the error message). */
    readonly nodeName: string,
    /** Storage version expected at backward (the dispatcher may bump it once more after recording). */
    version: number = tensor.version,
  ) {
    this.#tensor = tensor;
    this.#version = version;
  }

  /** The saved tensor, checked against in-place modification and a freed graph. */
  get(): Tensor {
    const t = this.#tensor;
    if (!t) throw new NNError('backward', FREED_GRAPH_MESSAGE);
    if (t.version !== this.#version) {
      throw new NNError(
        'backward',
        `one of the variables needed for gradient computation has been modified by an inplace operation: ` +
          `[${t.dtype} ${fmtShapeOf(t)}], which is saved by ${this.nodeName}, is at version ${t.version}; ` +
          `expected version ${this.#version} instead. Hint: use an out-of-place op (x.mul(y) instead of ` +
          `x.mul_(y)) or .clone() the tensor before modifying it.`,
      );
    }
    return t;
  }

  /** The saved tensor's storage, while it is held. */
  get storage(): Storage | undefined {
    return this.#tensor?.storage;
  }

  release(): void {
    const t = this.#tensor;
    if (!t) return;
    this.#tensor = undefined;
    releaseSave(t.storage);
  }
}
