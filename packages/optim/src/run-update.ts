import {
  DTypeError,
  type KernelAttrs,
  opaque,
  runKernelMulti,
  ShapeError,
  type Tensor,
  writeInto,
} from '@nn/tensor';
import { sameShape } from '@nn/tensor/kernel';

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
  for (const [i, t] of state.entries()) checkStateTensor(name, param, t, i, state.length);
  const targets = [param, ...state];
  const outputs = opaque(() => runKernelMulti(name, [param, grad, ...state], attrs as KernelAttrs));
  targets.forEach((target, i) => {
    const out = outputs[i]!;
    if (out === target) target.storage.version++;
    else writeInto(target, out);
  });
}

/**
 * Throws unless state tensor `i` (of `count`) is shaped and typed like its parameter: the kernels read
 * them element for element, so another shape would be misread (or read out of bounds), never broadcast.
 */
function checkStateTensor(name: string, param: Tensor, t: Tensor, i: number, count: number): void {
  const fix =
    'load a state dict saved for these parameters, or delete the entry from optimizer.state to start afresh';
  if (!sameShape(t.shape, param.shape)) {
    throw new ShapeError(
      name,
      `state tensor ${i + 1} of ${count} has shape [${t.shape.join(',')}] but its parameter has shape ` +
        `[${param.shape.join(',')}]; an optimizer's state is shaped like its parameters: ${fix}`,
    );
  }
  if (t.dtype !== param.dtype) {
    throw new DTypeError(
      name,
      `state tensor ${i + 1} of ${count} is ${t.dtype} but its parameter is ${param.dtype}; ${fix}`,
    );
  }
}
