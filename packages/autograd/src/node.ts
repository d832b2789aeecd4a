import { type DType, NNError, type Tensor } from '@nn/tensor';
import { forwardStack, isAnomalyEnabled } from './anomaly-mode';
import type { SavedTensor } from './saved-tensor';

/** Where a gradient flows: output `index` of `node`. */
export interface Edge {
  /** The node that receives the gradient. */
  readonly node: Node;
  /** Which of that node's outputs the gradient is for. */
  readonly index: number;
}

/** Shape, dtype and device of a tensor, kept instead of the tensor itself. */
export interface TensorMeta {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly device: string;
}

/** A lazily computed gradient for one input: called only when that input needs it. */
export type GradThunk = () => Tensor;

/**
 * A node's backward: from the gradients of its outputs (missing ones already filled with zeros) to one
 * thunk per input (`undefined` where the input gets no gradient).
 */
export type BackwardFn = (gradOutputs: readonly Tensor[]) => readonly (GradThunk | undefined)[];

/** A tensor hook: may return a replacement gradient. */
export type TensorHook = (grad: Tensor) => Tensor | undefined;

export function metaOf(t: Tensor): TensorMeta {
  return { shape: t.shape, dtype: t.dtype, device: t.device };
}

let sequence = 0;

/** The sequence number the next node will get (nodes made from now on have this one or later). */
export function nextSequence(): number {
  return sequence;
}

/**
 * One recorded operation in the graph (PyTorch's `grad_fn`): `name` reads like `MulBackward`; `next`
 * holds one edge per input (undefined for inputs that need no gradient).
 */
export class Node {
  /** Creation order; later nodes run first among those ready, as in PyTorch. */
  readonly sequence = sequence++;
  /** Tensor hooks per output index (run before the node's backward). */
  readonly preHooks = new Map<number, TensorHook[]>();
  /** Non-leaf outputs that asked for `retainGrad()`, per output index. */
  readonly retained = new Map<number, WeakRef<Tensor>>();
  /** Saved tensors, dropped by {@link Node.release}. */
  readonly saved: SavedTensor[] = [];
  /** Where the forward op was called, kept while anomaly detection is on (torch's anomaly traceback). */
  readonly creationStack: string | undefined = isAnomalyEnabled() ? forwardStack() : undefined;

  constructor(
    /** Readable name, e.g. `MulBackward`. */
    readonly name: string,
    /** One edge per input. */
    readonly next: readonly (Edge | undefined)[],
    /** Per input: what its gradient must look like. */
    readonly inputMeta: readonly TensorMeta[],
    /** Per output: used to fill missing output gradients with zeros. */
    readonly outputMeta: readonly TensorMeta[],
    /** Computes the input gradients; `undefined` for sinks such as {@link AccumulateGrad}. */
    readonly backwardFn: BackwardFn | undefined,
    /** Its backward calls user code (a custom Function), which may keep any tensor it is given. */
    readonly runsUserCode = false,
  ) {}

  /** The nodes gradients flow to, as PyTorch's `next_functions`. */
  get nextFunctions(): readonly (Edge | undefined)[] {
    return this.next;
  }

  /** Frees saved tensors (after a backward without `retainGraph`). */
  release(): void {
    for (const s of this.saved) s.release();
  }

  /** `<name>`, as PyTorch prints a `grad_fn`. */
  toString(): string {
    return `<${this.name}>`;
  }
}

/** The sink of a leaf that requires grad: accumulates into `variable.grad`. */
export class AccumulateGrad extends Node {
  constructor(
    /** The leaf tensor whose `.grad` this node accumulates into. */
    readonly variable: Tensor,
  ) {
    super('AccumulateGrad', [], [metaOf(variable)], [metaOf(variable)], undefined);
  }
}

const accumulators = new WeakMap<Tensor, AccumulateGrad>();
const outputIndex = new WeakMap<Tensor, number>();

/** The (one, cached) accumulator of a leaf. */
export function accumulatorOf(leaf: Tensor): AccumulateGrad {
  let node = accumulators.get(leaf);
  if (!node) {
    node = new AccumulateGrad(leaf);
    accumulators.set(leaf, node);
  }
  return node;
}

/** The node of a recorded tensor (its `gradFn`), or undefined for leaves. */
export function gradFnOf(t: Tensor): Node | undefined {
  return t.gradFn instanceof Node ? t.gradFn : undefined;
}

/** Makes `t` output `index` of `node`. */
export function setHistory(t: Tensor, node: Node, index: number): void {
  t.gradFn = node;
  outputIndex.set(t, index);
  t.setRequiresGradUnchecked(true);
}

/** The edge gradients for `t` flow along, or undefined if `t` does not require grad. */
export function edgeOf(t: Tensor): Edge | undefined {
  const node = gradFnOf(t);
  if (node) return { node, index: outputIndex.get(t) ?? 0 };
  if (t.gradFn !== null) {
    throw new NNError('autograd', 'tensor.gradFn was set to something that is not an autograd node');
  }
  return t.requiresGrad ? { node: accumulatorOf(t), index: 0 } : undefined;
}
