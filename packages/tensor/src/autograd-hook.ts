import { addDispatchObserver, registry } from './kernel/registry';
import type { Tensor } from './tensor';

/** Everything autograd sees of a dispatched op. */
export interface RecordEvent {
  /** The op name. */
  name: string;
  /** The tensor inputs, in order. */
  inputs: readonly Tensor[];
  /** The op's non-tensor arguments. */
  attrs: Readonly<Record<string, unknown>>;
  /** The tensors the op returned. */
  outputs: readonly Tensor[];
  /**
   * For in-place ops: the tensor whose contents will be overwritten with `outputs[0]`'s values. The hook
   * is called before the write (so it can keep values the write destroys, or refuse the op); the write
   * then bumps the storage version once.
   */
  inplace?: Tensor;
}

/** Options of `Tensor.backward` (implemented by @nn/autograd). */
export interface TensorBackwardOptions {
  /** Keep saved tensors so the graph can be differentiated again (default: `createGraph`). */
  retainGraph?: boolean;
  /** Record the backward itself, so the gradients can be differentiated (grad of grad). */
  createGraph?: boolean;
  /** Accumulate only into these tensors' `.grad` (torch's `inputs=`). */
  inputs?: Tensor | readonly Tensor[];
}

/**
 * The seam @nn/autograd plugs into. @nn/tensor never imports autograd; it records through a dispatch
 * observer built from this hook, and `Tensor.backward` and friends call it.
 */
export interface AutogradHook {
  /**
   * Whether op `name` on these inputs must be recorded (grad mode on and some input requires grad;
   * autograd also sees view ops on other tensors, so in-place writes into views reach their base).
   */
  shouldRecord(inputs: readonly Tensor[], name: string): boolean;
  /** Records one dispatched op into the graph. */
  record(event: RecordEvent): void;
  /** Runs backpropagation from `tensor` (what `Tensor.backward` calls). */
  backward(
    tensor: Tensor,
    gradient: Tensor | TensorBackwardOptions | undefined,
    options: TensorBackwardOptions,
  ): void;
  /** Keeps `.grad` of a non-leaf tensor (`Tensor.retainGrad`). */
  retainGrad(tensor: Tensor): void;
  /** Calls `fn` with the gradient of `tensor` when it is computed; returns a remover. */
  registerHook(tensor: Tensor, fn: (grad: Tensor) => Tensor | undefined): () => void;
  /** Checks that `requiresGrad` may change (only on leaves, only for float dtypes). */
  setRequiresGrad(tensor: Tensor, value: boolean): void;
}

interface InstalledHook {
  hook: AutogradHook;
  remove: () => void;
}

/**
 * Installs (or removes, with `undefined`) the autograd hook: its recording runs as a dispatch observer,
 * composites excluded (autograd records the ops they call). Called by @nn/autograd.
 */
export function setAutogradHook(hook: AutogradHook | undefined): void {
  const r = registry();
  (r.autograd as InstalledHook | undefined)?.remove();
  r.autograd = undefined;
  if (!hook) return;
  const remove = addDispatchObserver({
    exit: (event) => {
      if (event.composite) return;
      const inputs = event.inputs as readonly Tensor[];
      const inplace = event.inplace as Tensor | undefined;
      if (!hook.shouldRecord(inplace ? [inplace, ...inputs] : inputs, event.op)) return;
      hook.record({
        name: event.op,
        inputs,
        attrs: event.attrs,
        outputs: event.outputs as readonly Tensor[],
        ...(inplace ? { inplace } : {}),
      });
    },
  });
  r.autograd = { hook, remove } satisfies InstalledHook;
}

/** The installed autograd hook, if @nn/autograd is loaded. */
export function autogradHook(): AutogradHook | undefined {
  return (registry().autograd as InstalledHook | undefined)?.hook;
}
