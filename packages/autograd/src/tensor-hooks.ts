import { NNError, type Tensor } from '@nn/tensor';
import { accumulatorOf, edgeOf, gradFnOf, type TensorHook } from './node';

/** `tensor.retainGrad()`: keep `.grad` of a non-leaf after backward (a no-op on leaves). */
export function retainGrad(t: Tensor): void {
  if (!t.requiresGrad) {
    throw new NNError('retainGrad', "can't retainGrad on Tensor that has requiresGrad=false");
  }
  const edge = edgeOf(t)!;
  if (gradFnOf(t)) edge.node.retained.set(edge.index, new WeakRef(t));
}

/**
 * `tensor.registerHook(fn)`: `fn(grad)` runs when this tensor's gradient is computed and may return a
 * replacement. Returns a function that removes the hook.
 */
export function registerHook(t: Tensor, fn: TensorHook): () => void {
  if (!t.requiresGrad) {
    throw new NNError('registerHook', "cannot register a hook on a tensor that doesn't require gradient");
  }
  const edge = edgeOf(t)!;
  const node = gradFnOf(t) ? edge.node : accumulatorOf(t);
  const hooks = node.preHooks.get(edge.index) ?? [];
  hooks.push(fn);
  node.preHooks.set(edge.index, hooks);
  return () => {
    const at = hooks.indexOf(fn);
    if (at >= 0) hooks.splice(at, 1);
  };
}
