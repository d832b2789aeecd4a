import type { Tensor } from '@nn/tensor';

/** A tensor's shape as error messages print it: `[2,3]`. */
export function fmtShapeOf(t: { readonly shape: readonly number[] }): string {
  return `[${t.shape.join(',')}]`;
}

/** `MulBackward` from kernel name `mul`. */
export function backwardName(kernel: string): string {
  return `${kernel.charAt(0).toUpperCase()}${kernel.slice(1)}Backward`;
}

/** Short description of a tensor for messages: `float32 [2,3]`. */
export function describe(t: Tensor): string {
  return `${t.dtype} ${fmtShapeOf(t)}`;
}
