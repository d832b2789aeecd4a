import { type DType, isFloating } from '../kernel/dtype';
import { DTypeError, fmtShape, IndexError, ShapeError, ValueError } from '../kernel/errors';
import { ANY_DEVICE } from '../kernel/registry';
import { normalizeDim, normalizeDims } from '../kernel/shape';
import { checkOptions, type OptionKeys } from '../options';
import { registerKernel, runKernel, runKernelMulti } from '../run-kernel';
import type { Tensor } from '../tensor';
import { add, div, elementwise, mul, pow, sub, where } from './elementwise';
import { squeeze } from './views';

/** One dim or several (negative dims count from the end). */
export type Dims = number | readonly number[];

/** `keepdim`: keep reduced dims as size 1 (default false), as PyTorch. */
export interface ReduceOptions {
  /** Keep reduced dims as size 1 (default false). */
  keepdim?: boolean;
}

const REDUCE_KEYS: OptionKeys<ReduceOptions> = { keepdim: true };
const REDUCE_DTYPE_KEYS: OptionKeys<ReduceOptions & { dtype?: DType }> = { keepdim: true, dtype: true };
const DTYPE_KEYS: OptionKeys<{ dtype?: DType }> = { dtype: true };

/** A values tensor and the int32 positions (along the dim) they came from. */
export interface ValuesIndices {
  /** The selected values. */
  values: Tensor;
  /** Their int32 positions along the dim. */
  indices: Tensor;
}

/** The orders of {@link norm}: a number (incl. ±Infinity) or `'fro'` (the 2-norm over the dims). */
export type NormOrder = number | 'fro';

/** Sorted non-negative dims; no dim (or an empty list) means every dim, as PyTorch. */
function reduceDims(op: string, x: Tensor, dim: Dims | undefined): number[] {
  const all = dim === undefined || (typeof dim !== 'number' && dim.length === 0);
  return normalizeDims(op, all ? undefined : dim, x.ndim);
}

/** Number of elements folded into each output element. */
function reducedCount(x: Tensor, dims: readonly number[]): number {
  return dims.reduce((n, d) => n * x.shape[d]!, 1);
}

/** Ops without an identity (max, argmax, ...) refuse to reduce nothing, with PyTorch's messages. */
function checkNonEmpty(op: string, x: Tensor, dims: readonly number[], dimGiven: boolean): void {
  if (!dimGiven && x.numel() === 0) {
    throw new ShapeError(
      op,
      `Expected reduction dim to be specified for input.numel() == 0 (input shape ${fmtShape(x.shape)}). ` +
        "Specify the reduction dim with the 'dim' argument.",
    );
  }
  const empty = dims.find((d) => x.shape[d] === 0);
  if (empty !== undefined) {
    throw new IndexError(
      op,
      `Expected reduction dim ${empty} to have non-zero size (input shape ${fmtShape(x.shape)}); ` +
        'reduce over a non-empty dim or check the input',
    );
  }
}

function requireFloat(op: string, x: Tensor, what: string): void {
  if (!isFloating(x.dtype)) {
    throw new DTypeError(op, `${what} Got: ${x.dtype}. Convert the input first, e.g. x.float().`);
  }
}

/** Integers and bools accumulate as int64 (exactly, as PyTorch); floats keep their dtype. */
function accumulateType(x: Tensor, dtype: DType | undefined): DType {
  return dtype ?? (isFloating(x.dtype) ? x.dtype : 'int64');
}

/**
 * torch.sum over `dim` (every dim when omitted). Integers and bools sum to int64, as PyTorch;
 * `dtype` sets the result type. Floats accumulate in float64, so float32 sums of millions of elements
 * stay accurate. The sum of nothing is 0.
 */
export function sum(x: Tensor, dim?: Dims, options: ReduceOptions & { dtype?: DType } = {}): Tensor {
  checkOptions('sum', options, REDUCE_DTYPE_KEYS);
  const dims = reduceDims('sum', x, dim);
  return runKernel('sum', [x], {
    dims,
    keepdim: options.keepdim ?? false,
    dtype: accumulateType(x, options.dtype),
  });
}

/** torch.prod over `dim` (every dim when omitted); integers and bools give int64. The product of nothing is 1. */
export function prod(x: Tensor, dim?: Dims, options: ReduceOptions & { dtype?: DType } = {}): Tensor {
  checkOptions('prod', options, REDUCE_DTYPE_KEYS);
  const dims = reduceDims('prod', x, dim);
  return runKernel('prod', [x], {
    dims,
    keepdim: options.keepdim ?? false,
    dtype: accumulateType(x, options.dtype),
  });
}

/** torch.mean over `dim` (every dim when omitted); floating inputs only (or pass `dtype`). Empty gives NaN. */
export function mean(x: Tensor, dim?: Dims, options: ReduceOptions & { dtype?: DType } = {}): Tensor {
  checkOptions('mean', options, REDUCE_DTYPE_KEYS);
  const dtype = options.dtype ?? x.dtype;
  if (!isFloating(dtype)) {
    throw new DTypeError(
      'mean',
      'could not infer output dtype. Input dtype must be either a floating point or complex dtype. ' +
        `Got: ${x.dtype}. Convert with x.float() or pass { dtype: 'float32' }.`,
    );
  }
  const dims = reduceDims('mean', x, dim);
  return runKernel('mean', [x], { dims, keepdim: options.keepdim ?? false, dtype });
}

/** torch.amax: the largest value over `dim` (every dim when omitted); NaN propagates. */
export function amax(x: Tensor, dim?: Dims, options: ReduceOptions = {}): Tensor {
  checkOptions('amax', options, REDUCE_KEYS);
  const dims = reduceDims('amax', x, dim);
  checkNonEmpty('amax', x, dims, dim !== undefined);
  return runKernel('amax', [x], { dims, keepdim: options.keepdim ?? false });
}

/** torch.amin: the smallest value over `dim` (every dim when omitted); NaN propagates. */
export function amin(x: Tensor, dim?: Dims, options: ReduceOptions = {}): Tensor {
  checkOptions('amin', options, REDUCE_KEYS);
  const dims = reduceDims('amin', x, dim);
  checkNonEmpty('amin', x, dims, dim !== undefined);
  return runKernel('amin', [x], { dims, keepdim: options.keepdim ?? false });
}

function extreme(
  op: 'max' | 'min',
  x: Tensor,
  dim: number | undefined,
  keepdim: boolean,
): Tensor | ValuesIndices {
  if (dim === undefined) {
    const dims = reduceDims(op, x, undefined);
    checkNonEmpty(op, x, dims, false);
    return runKernel(op === 'max' ? 'amax' : 'amin', [x], { dims, keepdim: false });
  }
  const d = normalizeDim(op, dim, x.ndim);
  checkNonEmpty(op, x, x.ndim === 0 ? [] : [d], true);
  const [values, indices] = runKernelMulti(op, [x], { dim: d, keepdim }) as [Tensor, Tensor];
  return { values, indices };
}

/**
 * torch.max: without `dim`, the largest value (0-d); with `dim`, `{ values, indices }` along it (ties
 * give the first occurrence). NaN propagates (and its index is reported).
 */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, options?: ReduceOptions): ValuesIndices;
export function max(x: Tensor, dim?: number, options: ReduceOptions = {}): Tensor | ValuesIndices {
  checkOptions('max', options, REDUCE_KEYS);
  return extreme('max', x, dim, options.keepdim ?? false);
}

/** torch.min: see {@link max}. */
export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, options?: ReduceOptions): ValuesIndices;
export function min(x: Tensor, dim?: number, options: ReduceOptions = {}): Tensor | ValuesIndices {
  checkOptions('min', options, REDUCE_KEYS);
  return extreme('min', x, dim, options.keepdim ?? false);
}

function argExtreme(op: 'argmax' | 'argmin', x: Tensor, dim: number | undefined, keepdim: boolean): Tensor {
  const d = dim === undefined ? null : normalizeDim(op, dim, x.ndim);
  checkNonEmpty(op, x, d === null || x.ndim === 0 ? [] : [d], d !== null);
  return runKernel(op, [x], { dim: d, keepdim });
}

/** torch.argmax: int32 index of the largest value along `dim`, or in the flattened tensor without it. */
export function argmax(x: Tensor, dim?: number, options: ReduceOptions = {}): Tensor {
  checkOptions('argmax', options, REDUCE_KEYS);
  return argExtreme('argmax', x, dim, options.keepdim ?? false);
}

/** torch.argmin: int32 index of the smallest value along `dim`, or in the flattened tensor without it. */
export function argmin(x: Tensor, dim?: number, options: ReduceOptions = {}): Tensor {
  checkOptions('argmin', options, REDUCE_KEYS);
  return argExtreme('argmin', x, dim, options.keepdim ?? false);
}

/** Options of {@link variance} and {@link std}: `correction` is subtracted from the count (default 1). */
export interface VarOptions extends ReduceOptions {
  /** Subtracted from the element count in the divisor (default 1: Bessel's correction; 0: population). */
  correction?: number;
}
const VAR_KEYS: OptionKeys<VarOptions> = { keepdim: true, correction: true };

function varianceAttrs(op: string, x: Tensor, dim: Dims | undefined, options: VarOptions) {
  requireFloat(op, x, 'std and var only support floating point dtypes.');
  const dims = reduceDims(op, x, dim);
  return { dims, keepdim: options.keepdim ?? false, correction: options.correction ?? 1 };
}

/**
 * torch.var over `dim` (every dim when omitted): `sum((x - mean)^2) / (n - correction)`. Exported as
 * `variance` because `var` is a reserved word; the Tensor method is `x.var()`.
 */
export function variance(x: Tensor, dim?: Dims, options: VarOptions = {}): Tensor {
  checkOptions('var', options, VAR_KEYS);
  return runKernel('var', [x], varianceAttrs('var', x, dim, options));
}

/** torch.std: the square root of {@link variance}. */
export function std(x: Tensor, dim?: Dims, options: VarOptions = {}): Tensor {
  checkOptions('std', options, VAR_KEYS);
  return runKernel('std', [x], varianceAttrs('std', x, dim, options));
}

/**
 * torch.logsumexp over `dim`: `log(sum(exp(x)))` computed stably (shifted by the max, so huge inputs
 * don't overflow; all -Infinity gives -Infinity). Integers are converted to float32 first.
 */
export function logsumexp(x: Tensor, dim: Dims, options: ReduceOptions = {}): Tensor {
  checkOptions('logsumexp', options, REDUCE_KEYS);
  const input = isFloating(x.dtype) ? x : x.to('float32');
  const dims = reduceDims('logsumexp', input, dim);
  return runKernel('logsumexp', [input], { dims, keepdim: options.keepdim ?? false });
}

/**
 * torch.norm: the vector p-norm over `dim` (every dim when omitted): `p` = 2 or `'fro'` (default), 1,
 * ±Infinity (max/min of |x|), 0 (count of non-zeros) or any other number. Floating inputs only.
 */
export function norm(x: Tensor, p: NormOrder = 'fro', dim?: Dims, options: ReduceOptions = {}): Tensor {
  checkOptions('norm', options, REDUCE_KEYS);
  requireFloat('norm', x, 'input dtype should be floating point.');
  if (p !== 'fro' && typeof p !== 'number') {
    throw new ValueError('norm', `unsupported norm order ${String(p)}; use a number or 'fro'`);
  }
  const dims = reduceDims('norm', x, dim);
  if (Math.abs(p === 'fro' ? 2 : p) === Infinity) checkNonEmpty('norm', x, dims, true);
  return runKernel('norm', [x], { dims, keepdim: options.keepdim ?? false, p: p === 'fro' ? 2 : p });
}

function scan(op: 'cumsum' | 'cumprod', x: Tensor, dim: number, dtype: DType | undefined): Tensor {
  const d = normalizeDim(op, dim, x.ndim);
  return runKernel(op, [x], { dim: d, dtype: accumulateType(x, dtype) });
}

/** torch.cumsum along `dim`; integers and bools give int64 unless `dtype` is given. */
export function cumsum(x: Tensor, dim: number, options: { dtype?: DType } = {}): Tensor {
  checkOptions('cumsum', options, DTYPE_KEYS);
  return scan('cumsum', x, dim, options.dtype);
}

/** torch.cumprod along `dim`; integers and bools give int32 unless `dtype` is given. */
export function cumprod(x: Tensor, dim: number, options: { dtype?: DType } = {}): Tensor {
  checkOptions('cumprod', options, DTYPE_KEYS);
  return scan('cumprod', x, dim, options.dtype);
}

/** torch.all: whether every element over `dim` (every dim when omitted) is non-zero; bool result. */
export function all(x: Tensor, dim?: Dims, options: ReduceOptions = {}): Tensor {
  checkOptions('all', options, REDUCE_KEYS);
  return runKernel('all', [x], { dims: reduceDims('all', x, dim), keepdim: options.keepdim ?? false });
}

/** torch.any: whether some element over `dim` (every dim when omitted) is non-zero; bool result. */
export function any(x: Tensor, dim?: Dims, options: ReduceOptions = {}): Tensor {
  checkOptions('any', options, REDUCE_KEYS);
  return runKernel('any', [x], { dims: reduceDims('any', x, dim), keepdim: options.keepdim ?? false });
}

/**
 * Registers the device-independent definitions of mean, var, std, logsumexp and norm, built from other ops
 * (a backend may override any of them with a native kernel).
 */
export function registerCompositeReductions(): void {
  registerKernel(
    'mean',
    ANY_DEVICE,
    ([x], { dims, keepdim, dtype }) => div(sum(x!, dims, { keepdim, dtype }), reducedCount(x!, dims)),
    { composite: true },
  );

  registerKernel(
    'var',
    ANY_DEVICE,
    ([x], { dims, keepdim, correction }) => {
      const centered = sub(x!, mean(x!, dims, { keepdim: true }));
      const divisor = Math.max(0, reducedCount(x!, dims) - correction);
      return div(sum(mul(centered, centered), dims, { keepdim }), divisor);
    },
    { composite: true },
  );

  registerKernel('std', ANY_DEVICE, ([x], attrs) => elementwise('sqrt', [runKernel('var', [x!], attrs)]), {
    composite: true,
  });

  registerKernel(
    'logsumexp',
    ANY_DEVICE,
    ([x], { dims, keepdim }) => {
      if (reducedCount(x!, dims) === 0) return elementwise('log', [sum(x!, dims, { keepdim })]);
      // The shift only keeps exp() in range; it cancels out of the value and of the gradient.
      const max = amax(x!, dims, { keepdim: true }).detach();
      const shift = where(elementwise('isinf', [max]), 0, max);
      const total = sum(elementwise('exp', [sub(x!, shift)]), dims, { keepdim });
      return add(elementwise('log', [total]), keepdim ? shift : squeeze(shift, dims));
    },
    { composite: true },
  );

  registerKernel(
    'norm',
    ANY_DEVICE,
    ([x], { dims, keepdim, p }) => {
      const options = { keepdim };
      if (p === 0) return sum(elementwise('ne', [x!, 0]), dims, { keepdim, dtype: x!.dtype });
      const magnitude = elementwise('abs', [x!]);
      if (p === Infinity) return amax(magnitude, dims, options);
      if (p === -Infinity) return amin(magnitude, dims, options);
      if (p === 1) return sum(magnitude, dims, options);
      // The root is taken of a zero-safe value so that a zero norm has gradient 0 (PyTorch's subgradient)
      // instead of 0 * Infinity = NaN; the values are the same.
      const root = (total: Tensor, take: (safe: Tensor) => Tensor) => {
        const zero = elementwise('eq', [total, 0]);
        return where(zero, 0, take(where(zero, 1, total)));
      };
      if (p === 2) return root(sum(mul(x!, x!), dims, options), (t) => elementwise('sqrt', [t]));
      return root(sum(pow(magnitude, p), dims, options), (t) => pow(t, 1 / p));
    },
    { composite: true },
  );
}
