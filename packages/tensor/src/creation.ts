import {
  allocate,
  copyArray,
  type DType,
  dtypeOfArray,
  encodeArray,
  encodeElement,
  type StorageArray,
  setElement,
  type TypedArray,
} from './kernel/dtype';
import { DTypeError, fmtShape, ShapeError, ValueError } from './kernel/errors';
import { checkShape, shapeSize } from './kernel/shape';
import { checkOptions, type OptionKeys } from './options';
import { defaultGenerator, type Generator } from './random';
import type { Tensor, TensorOptions } from './tensor';
import { fromArray, transfer } from './wrap';

/** Nested arrays of numbers, bigints or booleans, as accepted by {@link tensor}. */
export type NestedInput = number | boolean | bigint | readonly NestedInput[];

/** Options of random factories: an explicit {@link Generator} instead of the default one. */
export interface RandomOptions extends TensorOptions {
  /** Random stream to draw from (default: the global generator seeded by `manualSeed`). */
  generator?: Generator;
}

const TENSOR_KEYS: OptionKeys<TensorOptions> = { dtype: true, device: true, requiresGrad: true };
const RANDOM_KEYS: OptionKeys<RandomOptions> = { ...TENSOR_KEYS, generator: true };

function finish(data: TypedArray, shape: readonly number[], dtype: DType, options: TensorOptions): Tensor {
  let t = fromArray(data, shape, dtype);
  if (options.device !== undefined && options.device !== 'cpu') t = transfer(t, options.device);
  if (options.requiresGrad) t.requiresGrad = true;
  return t;
}

function inferNested(data: NestedInput): { shape: number[]; flat: (number | boolean | bigint)[] } {
  const shape: number[] = [];
  let probe: NestedInput = data;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = (probe as readonly NestedInput[])[0] as NestedInput;
    if (probe === undefined) break;
  }
  const flat: (number | boolean | bigint)[] = [];
  const walk = (node: NestedInput, dim: number) => {
    if (dim === shape.length) {
      if (typeof node !== 'number' && typeof node !== 'boolean' && typeof node !== 'bigint') {
        throw new ShapeError(
          'tensor',
          `expected a number, bigint or boolean at depth ${dim}, got ${Array.isArray(node) ? 'an array' : typeof node}`,
        );
      }
      flat.push(node);
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[dim]) {
      const got = Array.isArray(node) ? node.length : typeof node;
      throw new ShapeError('tensor', `expected sequence of length ${shape[dim]} at dim ${dim} (got ${got})`);
    }
    for (const child of node as readonly NestedInput[]) walk(child, dim + 1);
  };
  walk(data, 0);
  return { shape, flat };
}

/**
 * Creates a tensor from nested arrays, a typed array (copied; 1-D) or a number (0-d). The dtype is
 * inferred as PyTorch does (bool for booleans, int32 for integers, int64 where a bigint is present, float32
 * otherwise) unless given; a typed array keeps its element type (`Uint8Array` is uint8, `Int8Array` int8,
 * `Int16Array` int16, `BigInt64Array` int64), as `torch.from_numpy`.
 */
export function tensor(data: NestedInput | StorageArray, options: TensorOptions = {}): Tensor {
  checkOptions('tensor', options, TENSOR_KEYS);
  if (ArrayBuffer.isView(data)) {
    const source = data as StorageArray;
    const sourceType = dtypeOfArray(source);
    if (sourceType === undefined && options.dtype === undefined) {
      throw new DTypeError(
        'tensor',
        `a ${source.constructor.name} has no matching dtype; pass { dtype } (e.g. 'float32' or 'int32')` +
          (source instanceof Uint16Array
            ? ", or Tensor.fromArray(bits, shape, 'float16') for float16 bits"
            : ''),
      );
    }
    const dtype = options.dtype ?? sourceType!;
    // Same element type: one native copy (bool bytes still need 0/1).
    const out =
      sourceType === dtype && dtype !== 'bool'
        ? (copyArray(source) as TypedArray)
        : encodeArray(source as ArrayLike<number | bigint>, dtype);
    return finish(out, [source.length], dtype, options);
  }
  const { shape, flat } = inferNested(data as NestedInput);
  const dtype = options.dtype ?? inferDType(flat);
  return finish(encodeArray(flat, dtype), shape, dtype, options);
}

/**
 * Whether JS number `v` reads as an integer for dtype inference: integral and within int32 (a JS number
 * can't say whether it was written `3e38` or `3 * 10 ** 38`; past int32 it would wrap, so it is a float).
 */
const isInt32Valued = (v: number) => Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31;

/**
 * PyTorch's inference from Python values, with int32 as the default integer and bigints as int64; integral
 * numbers outside int32 count as floats.
 */
function inferDType(flat: readonly (number | boolean | bigint)[]): DType {
  if (flat.length === 0) return 'float32';
  if (flat.every((v) => typeof v === 'boolean')) return 'bool';
  if (flat.some((v) => typeof v === 'number' && !isInt32Valued(v))) return 'float32';
  return flat.some((v) => typeof v === 'bigint') ? 'int64' : 'int32';
}

function sizes(op: string, shape: readonly number[]): number[] {
  // zeros(2, 3) is torch's varargs form; here the shape is one array.
  if (!Array.isArray(shape)) {
    throw new ValueError(
      op,
      `shape must be an array of sizes, e.g. ${op}([2, 3]); got ${typeof shape} ${String(shape)}`,
    );
  }
  checkShape(op, shape);
  return [...shape];
}

/** The storage of a new tensor, with an error naming `op` when the shape is too large to allocate. */
function allocateFor(op: string, dtype: DType, dims: readonly number[]): TypedArray {
  try {
    return allocate(dtype, shapeSize(dims));
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new ValueError(
      op,
      `shape ${fmtShape(dims)} has ${shapeSize(dims)} elements of ${dtype}, more than can be allocated (${error.message})`,
    );
  }
}

/** {@link full} named `op` in its errors; `dtype` defaults to `defaultDtype` or is inferred from `value`. */
function filled(
  op: string,
  shape: readonly number[],
  value: number | boolean,
  options: TensorOptions,
  defaultDtype?: DType,
): Tensor {
  const dims = sizes(op, shape);
  checkOptions(op, options, TENSOR_KEYS);
  const dtype =
    options.dtype ??
    defaultDtype ??
    (typeof value === 'boolean' ? 'bool' : isInt32Valued(value) ? 'int32' : 'float32');
  const out = allocateFor(op, dtype, dims);
  (out as { fill(v: number | bigint): unknown }).fill(encodeElement(value, dtype));
  return finish(out, dims, dtype, options);
}

/** A tensor of `shape` filled with `value` (dtype inferred from the value, as torch.full). */
export function full(shape: readonly number[], value: number | boolean, options: TensorOptions = {}): Tensor {
  return filled('full', shape, value, options);
}

/** A tensor of zeros (float32 unless `dtype` says otherwise), as torch.zeros. */
export function zeros(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return filled('zeros', shape, 0, options, 'float32');
}

/** A tensor of ones (float32 unless `dtype` says otherwise), as torch.ones. */
export function ones(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return filled('ones', shape, 1, options, 'float32');
}

/** Uninitialised in PyTorch; zero-filled here (typed arrays always are). */
export function empty(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return filled('empty', shape, 0, options, 'float32');
}

function likeOptions(op: string, like: Tensor, options: TensorOptions): TensorOptions {
  return { dtype: like.dtype, device: like.device, ...checkOptions(op, options, TENSOR_KEYS) };
}

/** Zeros with `like`'s shape, dtype and device (options override them). */
export function zerosLike(like: Tensor, options: TensorOptions = {}): Tensor {
  return zeros(like.shape, likeOptions('zerosLike', like, options));
}

/** Ones with `like`'s shape, dtype and device (options override them). */
export function onesLike(like: Tensor, options: TensorOptions = {}): Tensor {
  return ones(like.shape, likeOptions('onesLike', like, options));
}

/** `value` everywhere, with `like`'s shape, dtype and device (options override them). */
export function fullLike(like: Tensor, value: number | boolean, options: TensorOptions = {}): Tensor {
  return full(like.shape, value, likeOptions('fullLike', like, options));
}

/** {@link empty} with `like`'s shape, dtype and device (zero-filled here). */
export function emptyLike(like: Tensor, options: TensorOptions = {}): Tensor {
  return empty(like.shape, likeOptions('emptyLike', like, options));
}

/**
 * Values from `start` to `end` (exclusive) by `step`, as torch.arange; `arange(n)` counts 0..n-1.
 * Integer arguments give int32, any float argument float32.
 */
export function arange(start: number, end?: number, step = 1, options: TensorOptions = {}): Tensor {
  checkOptions('arange', options, TENSOR_KEYS);
  const [from, to] = end === undefined ? [0, start] : [start, end];
  if (step === 0) throw new ValueError('arange', 'step must be nonzero');
  if ((to - from) / step < 0) {
    throw new ValueError(
      'arange',
      `upper bound and larger bound inconsistent with step sign (start ${from}, end ${to}, step ${step})`,
    );
  }
  const dtype = options.dtype ?? ([from, to, step].every(Number.isInteger) ? 'int32' : 'float32');
  const n = Math.ceil((to - from) / step);
  const out = allocate(dtype, n);
  for (let i = 0; i < n; i++) setElement(out, i, from + i * step, dtype);
  return finish(out, [n], dtype, options);
}

/** `steps` evenly spaced values from `start` to `end` inclusive (torch.linspace). */
export function linspace(start: number, end: number, steps: number, options: TensorOptions = {}): Tensor {
  checkOptions('linspace', options, TENSOR_KEYS);
  if (!Number.isInteger(steps) || steps < 0)
    throw new ValueError('linspace', `number of steps must be non-negative, got ${steps}`);
  const dtype = options.dtype ?? 'float32';
  const out = allocate(dtype, steps);
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  if (steps === 1) return finish(encodeArray([start], dtype), [1], dtype, options);
  // Symmetric evaluation from both ends, as PyTorch, so the last value is exactly `end`.
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++)
    setElement(out, i, i < half ? start + step * i : end - step * (steps - 1 - i), dtype);
  return finish(out, [steps], dtype, options);
}

/** An identity matrix `n x m` (m defaults to n). */
export function eye(n: number, m = n, options: TensorOptions = {}): Tensor {
  checkOptions('eye', options, TENSOR_KEYS);
  const dims = sizes('eye', [n, m]);
  const dtype = options.dtype ?? 'float32';
  const out = allocate(dtype, n * m);
  for (let i = 0; i < Math.min(n, m); i++) out[i * m + i] = 1;
  return finish(out, dims, dtype, options);
}

function randomTensor(
  op: string,
  shape: readonly number[],
  options: RandomOptions,
  sample: (g: Generator) => number,
): Tensor {
  const dims = sizes(op, shape);
  checkOptions(op, options, RANDOM_KEYS);
  const dtype = options.dtype ?? 'float32';
  const g = options.generator ?? defaultGenerator;
  const out = allocateFor(op, dtype, dims);
  for (let i = 0; i < out.length; i++) setElement(out, i, sample(g), dtype);
  const { generator: _, ...rest } = options;
  return finish(out, dims, dtype, rest);
}

/** Uniform samples in [0, 1). */
export function rand(shape: readonly number[], options: RandomOptions = {}): Tensor {
  return randomTensor('rand', shape, options, (g) => {
    // Keep float32 samples below 1 after rounding, as PyTorch does.
    const v = g.random();
    return options.dtype === 'float64' ? v : Math.min(v, 0.99999994);
  });
}

/** Standard normal samples. */
export function randn(shape: readonly number[], options: RandomOptions = {}): Tensor {
  return randomTensor('randn', shape, options, (g) => g.normal());
}

/** Uniform integers in [low, high) (int32 unless a dtype is given). */
export function randint(
  low: number,
  high: number,
  shape: readonly number[],
  options: RandomOptions = {},
): Tensor {
  if (!(high > low))
    throw new ValueError(
      'randint',
      `random_ expects 'from' to be less than 'to', but got from=${low} >= to=${high}`,
    );
  return randomTensor(
    'randint',
    shape,
    { dtype: 'int32', ...checkOptions('randint', options, RANDOM_KEYS) },
    (g) => g.integer(low, high),
  );
}

/** A random permutation of 0..n-1 (int32). */
export function randperm(n: number, options: RandomOptions = {}): Tensor {
  checkOptions('randperm', options, RANDOM_KEYS);
  const dims = sizes('randperm', [n]);
  const g = options.generator ?? defaultGenerator;
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = g.integer(0, i + 1);
    const tmp = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = tmp;
  }
  const dtype = options.dtype ?? 'int32';
  const out = dtype === 'int32' ? perm : allocate(dtype, n);
  if (out !== perm) for (let i = 0; i < n; i++) out[i] = perm[i]!;
  const { generator: _, ...rest } = options;
  return finish(out, dims, dtype, rest);
}

/** {@link rand} with `like`'s shape, dtype and device (options override them). */
export function randLike(like: Tensor, options: RandomOptions = {}): Tensor {
  return rand(like.shape, {
    dtype: like.dtype,
    device: like.device,
    ...checkOptions('randLike', options, RANDOM_KEYS),
  });
}

/** {@link randn} with `like`'s shape, dtype and device (options override them). */
export function randnLike(like: Tensor, options: RandomOptions = {}): Tensor {
  return randn(like.shape, {
    dtype: like.dtype,
    device: like.device,
    ...checkOptions('randnLike', options, RANDOM_KEYS),
  });
}
