// The dispatcher as users of @nn/tensor see it: the same calls as '@nn/tensor/kernel', typed with tensors.
import type { Backend } from './kernel/backend';
import { dispatch, dispatchInplace } from './kernel/dispatch';
import type { AttrsOf, OpName } from './kernel/op-table';
import { registerKernel as registerViewKernel, registry } from './kernel/registry';
import type { TensorView } from './kernel/view';
import type { Tensor } from './tensor';

type Attrs = object;

/** Runs op `op` through the dispatcher (device kernel, default or CPU fallback; observers see it). */
export function runKernelMulti<K extends OpName>(
  op: K,
  inputs: readonly Tensor[],
  attrs: AttrsOf<K>,
): Tensor[];
export function runKernelMulti(op: string, inputs: readonly Tensor[], attrs?: Attrs): Tensor[];
export function runKernelMulti(op: string, inputs: readonly Tensor[], attrs: unknown = {}): Tensor[] {
  return dispatch(op, inputs, attrs as Attrs) as Tensor[];
}

/** {@link runKernelMulti} for ops with one output. */
export function runKernel<K extends OpName>(op: K, inputs: readonly Tensor[], attrs: AttrsOf<K>): Tensor;
export function runKernel(op: string, inputs: readonly Tensor[], attrs?: Attrs): Tensor;
export function runKernel(op: string, inputs: readonly Tensor[], attrs: unknown = {}): Tensor {
  return dispatch(op, inputs, attrs as Attrs)[0] as Tensor;
}

/**
 * Runs `op` out of place, then writes the result into `target` (PyTorch's `op_` forms). The storage's
 * version is bumped so autograd detects tensors modified after being saved.
 */
export function runInplace<K extends OpName>(
  op: K,
  target: Tensor,
  inputs: readonly Tensor[],
  attrs: AttrsOf<K>,
): Tensor;
export function runInplace(op: string, target: Tensor, inputs: readonly Tensor[], attrs?: Attrs): Tensor;
export function runInplace(
  op: string,
  target: Tensor,
  inputs: readonly Tensor[],
  attrs: unknown = {},
): Tensor {
  dispatchInplace(op, target, inputs, attrs as Attrs);
  return target;
}

/** A kernel written against tensors (their methods and ops may be used inside; they are not recorded). */
export type TensorKernelFn<A = Record<string, unknown>> = (
  inputs: readonly Tensor[],
  attrs: A,
  backend: Backend,
) => TensorView | TensorView[];

/**
 * Registers a kernel that works on tensors rather than bare views (convenient for backends built from
 * tensor ops). Inputs are tensors when an op is called through @nn/tensor; views from a CPU fallback's
 * transfer are wrapped. Backends that only read storage can register view kernels from
 * '@nn/tensor/kernel' directly.
 */
export function registerKernel<K extends OpName>(
  op: K,
  device: string,
  fn: TensorKernelFn<AttrsOf<K>>,
  options?: { composite?: boolean },
): void;
export function registerKernel<A>(
  op: string,
  device: string,
  fn: TensorKernelFn<A>,
  options?: { composite?: boolean },
): void;
export function registerKernel(
  op: string,
  device: string,
  fn: TensorKernelFn<never>,
  options: { composite?: boolean } = {},
): void {
  registerViewKernel(
    op,
    device,
    (inputs, attrs: never, backend) => fn(inputs.map(registry().wrap) as Tensor[], attrs, backend),
    options,
  );
}

export { opaque, writeInto } from './kernel/dispatch';
