// Making and recognising tensors without importing the Tensor class: ops and factories go through the
// view wrapper the facade registers, so no module below tensor.ts needs it at run time (no import cycle),
// and tensors of another copy of @nn/tensor are recognised by their brand.
import { type DType, encodeArray, type StorageArray, type TypedArray } from './kernel/dtype';
import { registry } from './kernel/registry';
import { transfer as transferView } from './kernel/transfer';
import { hostView, type TensorView } from './kernel/view';
import type { Tensor } from './tensor';

/** The brand every copy of @nn/tensor puts on its tensors (shared through the global symbol registry). */
export const TENSOR_BRAND: unique symbol = Symbol.for('@nn/tensor.Tensor') as never;

/** Whether `x` is a tensor of any copy of @nn/tensor (ESM or CJS, any version sharing the registry). */
export function isTensor(x: unknown): x is Tensor {
  return typeof x === 'object' && x !== null && (x as { [TENSOR_BRAND]?: unknown })[TENSOR_BRAND] === true;
}

/** A tensor over `view` (itself when it already is one). */
export function tensorOf(view: TensorView): Tensor {
  return registry().wrap(view) as Tensor;
}

/** A contiguous CPU tensor over a typed array (not copied). */
export function fromArray(data: StorageArray, shape: readonly number[], dtype?: DType): Tensor {
  return tensorOf(hostView(data as TypedArray, shape, dtype));
}

/** A 0-d tensor holding `value` as `dtype` on `device` (scalars taking part in ops). */
export function scalarTensor(value: number | boolean | bigint, dtype: DType, device = 'cpu'): Tensor {
  const data = encodeArray([value], dtype);
  const t = fromArray(data, [], dtype);
  return device === 'cpu' ? t : transfer(t, device);
}

/** Moves a tensor's values to another device without recording (used by kernels and the dispatcher). */
export function transfer(x: Tensor, device: string): Tensor {
  return x.device === device ? x : tensorOf(transferView(x, device));
}
