import { type KernelAttrs, opaque, runKernelMulti, type Tensor, writeInto } from '@nn/tensor';

/**
 * Runs the fused update kernel `name` on `[param, grad, ...state]` without autograd recording. The
 * kernel updates the parameter and state in place; when it ran on transferred copies (a device without
 * its own kernel falls back to the CPU), the results are copied back. Storage versions are bumped so
 * autograd notices parameters that changed after being saved for backward.
 */
export function runUpdate(
  name: string,
  param: Tensor,
  grad: Tensor,
  state: readonly Tensor[],
  attrs: object,
): void {
  const targets = [param, ...state];
  const outputs = opaque(() => runKernelMulti(name, [param, grad, ...state], attrs as KernelAttrs));
  targets.forEach((target, i) => {
    const out = outputs[i]!;
    if (out === target) target.storage.version++;
    else writeInto(target, out);
  });
}
