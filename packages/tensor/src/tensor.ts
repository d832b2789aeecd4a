import { type AutogradHook, autogradHook, type TensorBackwardOptions } from './autograd-hook';
import { formatTensor } from './format';
import {
  type DType,
  dtypeOfArray,
  dtypes,
  isFloating,
  type StorageArray,
  type TypedArray,
} from './kernel/dtype';
import { DTypeError, NNError, ValueError } from './kernel/errors';
import { getBackend } from './kernel/registry';
import { contiguousStrides, normalizeDim, shapeSize } from './kernel/shape';
import { Storage } from './kernel/storage';
import { hostView, type TensorView } from './kernel/view';
import { decodeView } from './kernel/widen';
import * as activations from './ops/activations';
import * as advanced from './ops/advanced-indexing';
import * as comparison from './ops/comparison';
import * as counting from './ops/counting';
import * as distances from './ops/distances';
import {
  add,
  addcdiv,
  addcmul,
  atan2,
  clamp,
  copysign,
  div,
  elementwise,
  elementwiseInplace,
  fmod,
  hypot,
  kernelForRounding,
  lerp,
  mul,
  type Operand,
  pow,
  type RoundingMode,
  type RoundOptions,
  remainder,
  round,
  sub,
  where,
  xlogy,
} from './ops/elementwise';
import * as grids from './ops/grids';
import * as indexing from './ops/indexing';
import * as linalg from './ops/linalg';
import * as linearAlgebra from './ops/linear-algebra';
import * as reductions from './ops/reductions';
import * as running from './ops/running';
import * as sampling from './ops/sampling';
import * as shaping from './ops/shaping';
import { logSoftmax, softmax } from './ops/softmax';
import * as sorting from './ops/sorting';
import * as statistics from './ops/statistics';
import * as views from './ops/views';
import { runInplace, runKernel } from './run-kernel';
import { isTensor, scalarTensor, TENSOR_BRAND } from './wrap';

/** Options accepted by tensor factories. */
export interface TensorOptions {
  /** Element type (default float32, or inferred from the data). */
  dtype?: DType;
  /** Device to create on (default `'cpu'`). */
  device?: string;
  /** Record operations on the result for autograd (needs @nn/autograd loaded). */
  requiresGrad?: boolean;
}

/**
 * `dims` as a frozen array: a frozen one is shared as is (most layouts come from another tensor's frozen
 * shape or strides), anything else is copied once so later changes to the caller's array cannot reach us.
 */
function frozenDims(dims: readonly number[]): readonly number[] {
  return Object.isFrozen(dims) ? dims : Object.freeze([...dims]);
}

/**
 * Row-major strides of a frozen `shape`, remembering the last answer: tensors are usually made in runs of
 * one shape (an op's outputs, a loaded state dict), which then share one strides array.
 */
let lastShape: readonly number[] = Object.freeze([]);
let lastStrides: readonly number[] = Object.freeze([]);
function contiguousStridesOf(shape: readonly number[]): readonly number[] {
  if (shape !== lastShape) {
    lastStrides = Object.freeze(contiguousStrides(shape));
    lastShape = shape;
  }
  return lastStrides;
}

function requireHook(what: string): AutogradHook {
  const hook = autogradHook();
  if (!hook) {
    throw new NNError(
      what,
      "autograd is not loaded. Add `import '@nn/autograd'` (or import anything from it) before calling " +
        `${what}; @nn/tensor alone only computes forward values.`,
    );
  }
  return hook;
}

/**
 * An n-dimensional array with PyTorch's semantics: a view (`shape`, `strides`, `offset`) onto a
 * `Storage` that other views may share, on a device, with a dtype. Methods mirror `torch.Tensor` in
 * camelCase; in-place forms keep PyTorch's trailing underscore.
 *
 * @example
 * ```ts
 * import { tensor } from '@nn/tensor';
 *
 * const x = tensor([[1, 2], [3, 4]]).float(); // float32 [2, 2]
 * const y = x.matmul(x.t()).add(1);
 * console.log(y.shape, y.tolist()); // [ 2, 2 ] [ [ 6, 12 ], [ 12, 26 ] ]
 * ```
 */
export class Tensor implements TensorView {
  /** Sizes of each dimension. */
  readonly shape: readonly number[];
  /** Elements to skip in storage to move one step along each dimension. */
  readonly strides: readonly number[];
  /** Index of the first element in storage. */
  readonly offset: number;
  /** The memory this tensor views; shared with every view of it. */
  readonly storage: Storage;
  /** Gradient accumulated by `backward()` (set by @nn/autograd). */
  grad: Tensor | null = null;
  /** The autograd node that produced this tensor; `null` for leaves (set by @nn/autograd). */
  gradFn: unknown = null;
  #requiresGrad = false;

  /** Marks tensors of every copy of @nn/tensor (see {@link isTensor}). */
  get [TENSOR_BRAND](): true {
    return true;
  }

  /**
   * `x instanceof Tensor` holds for tensors of any copy of @nn/tensor (ESM and CJS builds, two versions
   * sharing one registry), not only this class's.
   */
  static [Symbol.hasInstance](x: unknown): boolean {
    // Subclasses (nn's Parameter) keep the usual prototype-chain test.
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class on the right of `instanceof`
    if (this !== Tensor) {
      // biome-ignore lint/complexity/noThisInStatic: as above
      return Function.prototype[Symbol.hasInstance].call(this, x);
    }
    return isTensor(x);
  }

  /**
   * A view onto `storage`; `strides` default to contiguous row-major. Prefer the factories (`tensor`,
   * `zeros`, ...).
   */
  constructor(storage: Storage, shape: readonly number[], strides?: readonly number[], offset = 0) {
    this.storage = storage;
    this.shape = frozenDims(shape);
    this.strides = strides ? frozenDims(strides) : contiguousStridesOf(this.shape);
    this.offset = offset;
  }

  /** Wraps a CPU typed array (not copied) as a contiguous tensor. */
  static fromArray(data: StorageArray, shape: readonly number[], dtype?: DType): Tensor {
    const type = dtype ?? dtypeOfArray(data);
    if (type === undefined) {
      throw new DTypeError(
        'fromArray',
        `a ${data.constructor.name} has no dtype of its own; pass one (float16/bfloat16 bits live in a Uint16Array)`,
      );
    }
    return new Tensor(new Storage('cpu', type, data.length, data), shape);
  }

  /** A new tensor sharing this one's storage with another layout (used by view kernels). */
  withLayout(shape: readonly number[], strides: readonly number[], offset: number): Tensor {
    return new Tensor(this.storage, shape, strides, offset);
  }

  /** The element type (the storage's). */
  get dtype(): DType {
    return this.storage.dtype;
  }

  /** The device the storage lives on (`'cpu'`, `'gpu'`, ...). */
  get device(): string {
    return this.storage.device;
  }

  /** Number of dimensions (`shape.length`). */
  get ndim(): number {
    return this.shape.length;
  }

  /** Number of elements. */
  numel(): number {
    return shapeSize(this.shape);
  }

  /** The shape, or the size of one dim (negative dims count from the end). */
  size(): readonly number[];
  size(dim: number): number;
  size(dim?: number): number | readonly number[] {
    if (dim === undefined) return this.shape;
    return this.shape[normalizeDim('size', dim, this.ndim)]!;
  }

  /** Whether elements are laid out row-major without gaps (views may not be). */
  isContiguous(): boolean {
    let step = 1;
    for (let d = this.ndim - 1; d >= 0; d--) {
      const size = this.shape[d]!;
      if (size !== 1 && this.strides[d] !== step) return false;
      step *= size;
    }
    return true;
  }

  /** Bumped by every in-place write to the storage; autograd checks it. */
  get version(): number {
    return this.storage.version;
  }

  // ---- autograd fields (behaviour supplied by @nn/autograd) ----

  /** Whether operations on this tensor are recorded for differentiation. */
  get requiresGrad(): boolean {
    return this.#requiresGrad;
  }

  /** Turns recording on or off; with @nn/autograd loaded, only leaves of a floating dtype may change. */
  set requiresGrad(value: boolean) {
    autogradHook()?.setRequiresGrad(this, value);
    this.#requiresGrad = value;
  }

  /** Sets `requiresGrad` and returns this tensor. */
  requiresGrad_(value = true): this {
    this.requiresGrad = value;
    return this;
  }

  /** Sets the flag without validation; for @nn/autograd when it creates recorded outputs. */
  setRequiresGradUnchecked(value: boolean): void {
    this.#requiresGrad = value;
  }

  /** True for tensors created by the user (not by a recorded op). */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  /**
   * Computes gradients of this tensor with respect to graph leaves (needs @nn/autograd). `createGraph`
   * records the backward itself so the gradients can be differentiated again; `inputs` limits which
   * tensors' `.grad` accumulates. The options may take the gradient's place: `loss.backward({ inputs: [w] })`.
   */
  backward(gradient?: Tensor | TensorBackwardOptions, options: TensorBackwardOptions = {}): void {
    requireHook('backward()').backward(this, gradient, options);
  }

  /** Keeps `.grad` for this non-leaf tensor after backward (needs @nn/autograd). */
  retainGrad(): void {
    requireHook('retainGrad()').retainGrad(this);
  }

  /** Calls `fn(grad)` when this tensor's gradient is computed; returns a remover (needs @nn/autograd). */
  registerHook(fn: (grad: Tensor) => Tensor | undefined): () => void {
    return requireHook('registerHook()').registerHook(this, fn);
  }

  /** A tensor sharing this one's data, cut off from the graph. */
  detach(): Tensor {
    return new Tensor(this.storage, this.shape, this.strides, this.offset);
  }

  /**
   * Points this tensor at `source`'s data (storage, shape, strides, offset, hence dtype and device) while
   * keeping this object, as torch's `tensor.data = source`: whoever holds it (an optimizer, a hook, a
   * module) sees the new data. Not recorded by autograd; gradients and graph links are left as they are.
   */
  setData_(source: Tensor): this {
    const view = this as { -readonly [K in 'storage' | 'shape' | 'strides' | 'offset']: Tensor[K] };
    view.storage = source.storage;
    view.shape = source.shape;
    view.strides = source.strides;
    view.offset = source.offset;
    return this;
  }

  /** Cuts this tensor off from the graph in place. */
  detach_(): this {
    this.gradFn = null;
    this.#requiresGrad = false;
    return this;
  }

  // ---- devices, dtypes, reading out ----

  /** Moves to a device and/or converts the dtype; returns `this` when nothing changes. */
  to(target: string | DType | { device?: string; dtype?: DType }): Tensor {
    const spec =
      typeof target === 'object'
        ? target
        : isDType(target)
          ? { dtype: target as DType }
          : { device: target as string };
    let out: Tensor = this;
    if (spec.dtype !== undefined && spec.dtype !== this.dtype)
      out = runKernel('cast', [out], { dtype: spec.dtype });
    if (spec.device !== undefined && spec.device !== out.device)
      out = runKernel('toDevice', [out], { device: spec.device });
    return out;
  }

  /** This tensor on the CPU (`to('cpu')`; itself when already there). */
  cpu(): Tensor {
    return this.to('cpu');
  }

  /**
   * Frees this tensor's memory now instead of when it is garbage collected: device memory on 'gpu'; on the
   * CPU, the next output of the same size reuses it (no fresh pages to fault in). Every view of the
   * storage is freed with it and may not be used afterwards (using one is a clear error). An array read
   * out before (`dataSync()`, `data()`) stays valid: such memory is never reused.
   */
  dispose(): void {
    getBackend(this.device, 'dispose').dispose?.(this.storage);
  }

  /** {@link Tensor.dispose} for `using` declarations: `using x = y.to('gpu');`. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  /** This tensor as float32 (`to('float32')`; itself when already float32). */
  float(): Tensor {
    return this.to('float32');
  }

  /** This tensor as float64 (`to('float64')`). */
  double(): Tensor {
    return this.to('float64');
  }

  /** This tensor as int32 (`to('int32')`; floats truncate toward zero, as PyTorch). */
  int(): Tensor {
    return this.to('int32');
  }

  /** This tensor as bool (`to('bool')`; nonzero is true). */
  bool(): Tensor {
    return this.to('bool');
  }

  /** This tensor as int64 (`to('int64')`; exact 64-bit integers, floats truncate toward zero). */
  long(): Tensor {
    return this.to('int64');
  }

  /** This tensor as uint8 (`to('uint8')`; integers wrap modulo 256, as PyTorch). */
  byte(): Tensor {
    return this.to('uint8');
  }

  /** This tensor as int8 (`to('int8')`; integers wrap modulo 256). */
  char(): Tensor {
    return this.to('int8');
  }

  /** This tensor as int16 (`to('int16')`; integers wrap modulo 65536). */
  short(): Tensor {
    return this.to('int16');
  }

  /** This tensor as float16 (`to('float16')`; rounds to nearest even, beyond ±65504 is ±Infinity). */
  half(): Tensor {
    return this.to('float16');
  }

  /** This tensor as bfloat16 (`to('bfloat16')`; rounds to nearest even). */
  bfloat16(): Tensor {
    return this.to('bfloat16');
  }

  /** A copy with its own storage (differentiable). */
  clone(): Tensor {
    return runKernel('clone', [this]);
  }

  /** This tensor if it is contiguous, else a contiguous copy. */
  contiguous(): Tensor {
    return this.isContiguous() ? this : this.clone();
  }

  /**
   * Values in row-major order, read from any device (the portable way to read data), as JS numbers:
   * float16/bfloat16 as a Float32Array (exact), int64 as a Float64Array (an error for a value beyond
   * ±2^53, which no JS number holds exactly: read those with {@link Tensor.dataBigInt}).
   */
  async data(): Promise<TypedArray> {
    const x = this.contiguous();
    const all = await getBackend(x.device, 'data').read(x.storage);
    return asNumbers('data', sliceOut(all, x), x.dtype);
  }

  /** {@link Tensor.data}, synchronously (not on devices that only read asynchronously). */
  dataSync(): TypedArray {
    return asNumbers('dataSync', this.rawDataSync('dataSync'), this.dtype);
  }

  /**
   * Exact values of an integer or bool tensor as a `BigInt64Array` (int64 beyond ±2^53 included), as
   * PyTorch's Python ints are exact.
   */
  async dataBigInt(): Promise<BigInt64Array> {
    if (isFloating(this.dtype)) {
      throw new DTypeError('dataBigInt', `expected an integer or bool tensor, got ${this.dtype}; use data()`);
    }
    const x = this.contiguous();
    const values = sliceOut(await getBackend(x.device, 'dataBigInt').read(x.storage), x);
    return values instanceof BigInt64Array
      ? values
      : BigInt64Array.from(values as TypedArray, (v) => BigInt(v));
  }

  /**
   * The stored elements in row-major order, synchronously: int64 as a `BigInt64Array`, float16/bfloat16 as
   * their bits in a `Uint16Array`, other dtypes as {@link Tensor.dataSync} (for writers of file formats).
   */
  rawDataSync(op = 'dataSync'): StorageArray {
    const x = this.contiguous();
    const backend = getBackend(x.device, op);
    if (!backend.readSync) {
      throw new NNError(op, `device '${x.device}' reads asynchronously only; use await tensor.data()`);
    }
    return sliceOut(backend.readSync(x.storage), x);
  }

  /**
   * The value of a one-element tensor: a boolean for a bool tensor, else a number, as PyTorch's `.item()`
   * returns True/False or a float/int. Narrow with `typeof`, or `Number(x.item())` where a number is needed.
   */
  item(): number | boolean {
    if (this.numel() !== 1) {
      throw new ValueError('item', `a Tensor with ${this.numel()} elements cannot be converted to Scalar`);
    }
    const value = asNumbers('item', this.rawDataSync('item'), this.dtype)[0]!;
    return this.dtype === 'bool' ? value !== 0 : value;
  }

  /** Nested arrays of numbers (booleans for bool tensors), as torch's `tolist()`. */
  tolist(): NestedList {
    const values = asNumbers('tolist', this.rawDataSync('tolist'), this.dtype);
    const read = (i: number): number | boolean => (this.dtype === 'bool' ? values[i] !== 0 : values[i]!);
    const build = (dim: number, base: number): NestedList => {
      if (dim === this.ndim) return read(base);
      const size = this.shape[dim]!;
      const step = contiguousStrides(this.shape)[dim]!;
      return Array.from({ length: size }, (_, i) => build(dim + 1, base + i * step));
    };
    return build(0, 0);
  }

  /** PyTorch-style text: `tensor([[1.0000, 2.0000]])`. */
  toString(): string {
    return formatTensor(this);
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return formatTensor(this);
  }

  // ---- views ----

  /**
   * A view with a new shape over the same storage (one size may be -1). Throws ShapeError when the sizes
   * disagree or the strides cannot express the view (use `reshape`).
   */
  view(...shape: number[] | [readonly number[]]): Tensor {
    return views.view(this, flatShape(shape));
  }

  /**
   * A tensor with a new shape (one size may be -1): a view when the strides allow, else a copy, as
   * torch.reshape.
   */
  reshape(...shape: number[] | [readonly number[]]): Tensor {
    return views.reshape(this, flatShape(shape));
  }

  /** `view(other.shape)`. */
  viewAs(other: Tensor): Tensor {
    return views.view(this, other.shape);
  }

  /** `reshape(other.shape)`. */
  reshapeAs(other: Tensor): Tensor {
    return views.reshape(this, other.shape);
  }

  /** A view with the dims reordered (`dims` is a permutation of all dims). */
  permute(...dims: number[] | [readonly number[]]): Tensor {
    return views.permute(this, flatShape(dims));
  }

  /** A view with `dim0` and `dim1` swapped. */
  transpose(dim0: number, dim1: number): Tensor {
    return views.transpose(this, dim0, dim1);
  }

  /** Transpose of a tensor with at most 2 dims. */
  t(): Tensor {
    return views.t(this);
  }

  /** Transpose of the last two dims. */
  get mT(): Tensor {
    return views.mT(this);
  }

  /**
   * A view broadcasting size-1 dims to `shape` without copying (-1 keeps a size; new leading dims allowed).
   * Throws ShapeError for a non-1 size that differs.
   */
  expand(...shape: number[] | [readonly number[]]): Tensor {
    return views.expand(this, flatShape(shape));
  }

  /** `expand(other.shape)`. */
  expandAs(other: Tensor): Tensor {
    return views.expand(this, other.shape);
  }

  /**
   * A view without size-1 dims: all of them, or those in `dim` that have size 1 (others are kept, as
   * PyTorch).
   */
  squeeze(dim?: number | readonly number[]): Tensor {
    return views.squeeze(this, dim);
  }

  /** A view with a size-1 dim inserted at `dim` (in [-ndim-1, ndim]). */
  unsqueeze(dim: number): Tensor {
    return views.unsqueeze(this, dim);
  }

  /** Merges dims `startDim`..`endDim` into one (a view when possible, else a copy). */
  flatten(startDim = 0, endDim = -1): Tensor {
    return views.flatten(this, startDim, endDim);
  }

  /** Splits `dim` into `sizes` (one may be -1), a view. */
  unflatten(dim: number, sizes: readonly number[]): Tensor {
    return views.unflatten(this, dim, sizes);
  }

  /** A view of `length` elements of `dim` from `start`. */
  narrow(dim: number, start: number, length: number): Tensor {
    return views.narrow(this, dim, start, length);
  }

  /** Python slicing along one dim: `x.slice(1, 0, 4, 2)` is `x[:, 0:4:2]`. */
  slice(dim: number, start?: number, end?: number, step = 1): Tensor {
    return views.slice(this, dim, start, end, step);
  }

  /** A view at `index` along `dim`, with that dim removed (`x[:, i]` for dim 1). */
  select(dim: number, index: number): Tensor {
    return views.select(this, dim, index);
  }

  /** Views of every index along `dim`, each without it. */
  unbind(dim = 0): Tensor[] {
    return views.unbind(this, dim);
  }

  /** Views of `splitSize`-long chunks along `dim` (the last may be shorter), or of the given sizes. */
  split(splitSize: number | readonly number[], dim = 0): Tensor[] {
    return views.split(this, splitSize, dim);
  }

  /** At most `chunks` views along `dim` of equal size (the last may be smaller), as torch.chunk. */
  chunk(chunks: number, dim = 0): Tensor[] {
    return views.chunk(this, chunks, dim);
  }

  /** A view of the diagonal of dims `dim1`/`dim2` (above it for `offset` > 0), appended as the last dim. */
  diagonal(offset = 0, dim1 = 0, dim2 = 1): Tensor {
    return views.diagonal(this, offset, dim1, dim2);
  }

  // ---- elementwise ----

  /** `this + alpha * other`, broadcasting with PyTorch type promotion (torch.add). */
  add(other: Operand, options?: { alpha?: number }): Tensor {
    return add(this, other, options);
  }

  /** `this - alpha * other`, broadcasting (torch.sub). */
  sub(other: Operand, options?: { alpha?: number }): Tensor {
    return sub(this, other, options);
  }

  /** Elementwise product, broadcasting (torch.mul). */
  mul(other: Operand): Tensor {
    return mul(this, other);
  }

  /**
   * True division (float result for integers), or rounded with `roundingMode` `'trunc'`/`'floor'`
   * (torch.div).
   */
  div(other: Operand, options?: { roundingMode?: RoundingMode }): Tensor {
    return div(this, other, options);
  }

  /** Elementwise power (torch.pow). */
  pow(exponent: Operand): Tensor {
    return pow(this, exponent);
  }

  /** Python-style modulus: the result takes the sign of the divisor (torch.remainder). */
  remainder(other: Operand): Tensor {
    return remainder(this, other);
  }

  /** C-style modulus: the result takes the sign of the dividend (torch.fmod). */
  fmod(other: Operand): Tensor {
    return fmod(this, other);
  }

  /** Elementwise angle of the point (`other`, this) in radians, in [-π, π] (torch.atan2). */
  atan2(other: Operand): Tensor {
    return atan2(this, other);
  }

  /** `this * log(other)`, 0 where this is 0 unless `other` is NaN (torch.xlogy). */
  xlogy(other: Operand): Tensor {
    return xlogy(this, other);
  }

  /** Elementwise `sqrt(this² + other²)` without overflow; floating-point only (torch.hypot). */
  hypot(other: Operand): Tensor {
    return hypot(this, other);
  }

  /** The magnitude of this with the sign of `other`, -0 included (torch.copysign). */
  copysign(other: Operand): Tensor {
    return copysign(this, other);
  }

  /** Elementwise minimum, propagating NaN (torch.minimum). */
  minimum(other: Operand): Tensor {
    return elementwise('minimum', [this, other]);
  }

  /** Elementwise maximum, propagating NaN (torch.maximum). */
  maximum(other: Operand): Tensor {
    return elementwise('maximum', [this, other]);
  }

  /** Elementwise `==` as a bool tensor. */
  eq(other: Operand): Tensor {
    return elementwise('eq', [this, other]);
  }

  /** Elementwise `!=` as a bool tensor. */
  ne(other: Operand): Tensor {
    return elementwise('ne', [this, other]);
  }

  /** Elementwise `<` as a bool tensor. */
  lt(other: Operand): Tensor {
    return elementwise('lt', [this, other]);
  }

  /** Elementwise `<=` as a bool tensor. */
  le(other: Operand): Tensor {
    return elementwise('le', [this, other]);
  }

  /** Elementwise `>` as a bool tensor. */
  gt(other: Operand): Tensor {
    return elementwise('gt', [this, other]);
  }

  /** Elementwise `>=` as a bool tensor. */
  ge(other: Operand): Tensor {
    return elementwise('ge', [this, other]);
  }

  /** Elementwise logical and (nonzero is true) as a bool tensor. */
  logicalAnd(other: Operand): Tensor {
    return elementwise('logicalAnd', [this, other]);
  }

  /** Elementwise logical or as a bool tensor. */
  logicalOr(other: Operand): Tensor {
    return elementwise('logicalOr', [this, other]);
  }

  /** Elementwise logical xor as a bool tensor. */
  logicalXor(other: Operand): Tensor {
    return elementwise('logicalXor', [this, other]);
  }

  /** Elementwise logical not as a bool tensor. */
  logicalNot(): Tensor {
    return elementwise('logicalNot', [this]);
  }

  /** `-this` (not for bool, as PyTorch). */
  neg(): Tensor {
    return elementwise('neg', [this]);
  }

  /** Elementwise absolute value. */
  abs(): Tensor {
    return elementwise('abs', [this]);
  }

  /** Elementwise sign: -1, 0 or 1. */
  sign(): Tensor {
    return elementwise('sign', [this]);
  }

  /** Elementwise e^x (integers promote to float). */
  exp(): Tensor {
    return elementwise('exp', [this]);
  }

  /** Elementwise 2^x. */
  exp2(): Tensor {
    return elementwise('exp2', [this]);
  }

  /** Elementwise natural logarithm. */
  log(): Tensor {
    return elementwise('log', [this]);
  }

  /** Elementwise base-2 logarithm. */
  log2(): Tensor {
    return elementwise('log2', [this]);
  }

  /** Elementwise log(1 + x), accurate near 0. */
  log1p(): Tensor {
    return elementwise('log1p', [this]);
  }

  /** Elementwise e^x - 1, accurate near 0. */
  expm1(): Tensor {
    return elementwise('expm1', [this]);
  }

  /** Elementwise square root. */
  sqrt(): Tensor {
    return elementwise('sqrt', [this]);
  }

  /** Elementwise 1 / sqrt(x). */
  rsqrt(): Tensor {
    return elementwise('rsqrt', [this]);
  }

  /** Elementwise x * x. */
  square(): Tensor {
    return elementwise('square', [this]);
  }

  /** Elementwise 1 / x (integers promote to float). */
  reciprocal(): Tensor {
    return elementwise('reciprocal', [this]);
  }

  /** Elementwise sine. */
  sin(): Tensor {
    return elementwise('sin', [this]);
  }

  /** Elementwise cosine. */
  cos(): Tensor {
    return elementwise('cos', [this]);
  }

  /** Elementwise tangent. */
  tan(): Tensor {
    return elementwise('tan', [this]);
  }

  /** Elementwise hyperbolic tangent. */
  tanh(): Tensor {
    return elementwise('tanh', [this]);
  }

  /** Elementwise logistic function 1 / (1 + e^-x). */
  sigmoid(): Tensor {
    return elementwise('sigmoid', [this]);
  }

  /** Elementwise max(0, x). */
  relu(): Tensor {
    return elementwise('relu', [this]);
  }

  /** Elementwise Gauss error function. */
  erf(): Tensor {
    return elementwise('erf', [this]);
  }

  /** Elementwise inverse error function: erfinv(±1) is ±Infinity, NaN outside [-1, 1]. */
  erfinv(): Tensor {
    return elementwise('erfinv', [this]);
  }

  /** Elementwise arcsine (NaN outside [-1, 1]). */
  asin(): Tensor {
    return elementwise('asin', [this]);
  }

  /** Elementwise arccosine (NaN outside [-1, 1]). */
  acos(): Tensor {
    return elementwise('acos', [this]);
  }

  /** Elementwise arctangent. */
  atan(): Tensor {
    return elementwise('atan', [this]);
  }

  /** Elementwise inverse hyperbolic sine. */
  asinh(): Tensor {
    return elementwise('asinh', [this]);
  }

  /** Elementwise inverse hyperbolic cosine (NaN below 1). */
  acosh(): Tensor {
    return elementwise('acosh', [this]);
  }

  /** Elementwise inverse hyperbolic tangent: ±Infinity at ±1, NaN outside [-1, 1]. */
  atanh(): Tensor {
    return elementwise('atanh', [this]);
  }

  /**
   * Elementwise log(x / (1 - x)), the inverse of sigmoid (torch.logit). With `eps`, x is first clamped to
   * [eps, 1 - eps], which keeps the result finite at 0 and 1; without it, logit(0) is -Infinity.
   */
  logit(eps?: number): Tensor {
    return elementwise('logit', [this], eps ?? -1);
  }

  /** Clamped to [minVal, maxVal] (defaults -1, 1), gradient 0 at the bounds (F.hardtanh). */
  hardtanh(minVal = -1, maxVal = 1): Tensor {
    return activations.hardtanh(this, minVal, maxVal);
  }

  /** Itself where above `threshold`, else `value` (torch.threshold). */
  threshold(threshold: number, value: number): Tensor {
    return activations.threshold(this, threshold, value);
  }

  /** `x * relu6(x + 3) / 6` (F.hardswish). */
  hardswish(): Tensor {
    return activations.hardswish(this);
  }

  /** `relu6(x + 3) / 6` (F.hardsigmoid). */
  hardsigmoid(): Tensor {
    return activations.hardsigmoid(this);
  }

  /** `x / (1 + |x|)` (F.softsign). */
  softsign(): Tensor {
    return activations.softsign(this);
  }

  /** `x - tanh(x)` (F.tanhshrink). */
  tanhshrink(): Tensor {
    return activations.tanhshrink(this);
  }

  /** `x` above 0, `alpha * (exp(x / alpha) - 1)` otherwise (F.celu, alpha 1). */
  celu(alpha = 1): Tensor {
    return activations.celu(this, alpha);
  }

  /** `x` above 0, `negativeSlope * x` otherwise (F.leaky_relu, slope 0.01). */
  leakyRelu(negativeSlope = 0.01): Tensor {
    return activations.leakyRelu(this, negativeSlope);
  }

  /** `x` above 0, `alpha * (exp(x) - 1)` otherwise (F.elu, alpha 1). */
  elu(alpha = 1): Tensor {
    return activations.elu(this, alpha);
  }

  /** `scale * elu(x, alpha)` with SELU's constants (F.selu). */
  selu(): Tensor {
    return activations.selu(this);
  }

  /** `x * Phi(x)`, exact or with PyTorch's tanh approximation (F.gelu). */
  gelu(approximate: activations.GeluApproximate = 'none'): Tensor {
    return activations.gelu(this, approximate);
  }

  /** 0 inside [-lambd, lambd], itself outside (torch.hardshrink, lambd 0.5). */
  hardshrink(lambd = 0.5): Tensor {
    return activations.hardshrink(this, lambd);
  }

  /** Shrunk toward 0 by `lambd`, 0 inside [-lambd, lambd] (F.softshrink, lambd 0.5). */
  softshrink(lambd = 0.5): Tensor {
    return activations.softshrink(this, lambd);
  }

  /** `log(sigmoid(x))`, stable for any finite x (F.logsigmoid). */
  logsigmoid(): Tensor {
    return activations.logsigmoid(this);
  }

  /** `x * sigmoid(x)` (F.silu). */
  silu(): Tensor {
    return activations.silu(this);
  }

  /** `log(1 + exp(beta x)) / beta`, `x` where `beta x > threshold` (F.softplus, beta 1, threshold 20). */
  softplus(beta = 1, threshold = 20): Tensor {
    return activations.softplus(this, beta, threshold);
  }

  /** `x * tanh(softplus(x))` (F.mish). */
  mish(): Tensor {
    return activations.mish(this);
  }

  /** Elementwise round toward -Infinity. */
  floor(): Tensor {
    return elementwise('floor', [this]);
  }

  /** Elementwise round toward +Infinity. */
  ceil(): Tensor {
    return elementwise('ceil', [this]);
  }

  /** Rounds half to even, or to `decimals` places, as torch.round. */
  round(options?: RoundOptions): Tensor {
    return round(this, options);
  }

  /** Elementwise round toward zero. */
  trunc(): Tensor {
    return elementwise('trunc', [this]);
  }

  /** Bool tensor: which elements are NaN. */
  isnan(): Tensor {
    return elementwise('isnan', [this]);
  }

  /** Bool tensor: which elements are ±Infinity. */
  isinf(): Tensor {
    return elementwise('isinf', [this]);
  }

  /** Bool tensor: which elements are neither NaN nor infinite. */
  isfinite(): Tensor {
    return elementwise('isfinite', [this]);
  }

  /** Elementwise clamp into [`min`, `max`] (either may be omitted, not both: torch.clamp). */
  clamp(min?: Operand, max?: Operand): Tensor {
    return clamp(this, min, max);
  }

  /** torch.where(condition, this, other). */
  where(condition: Tensor, other: Operand): Tensor {
    return where(condition, this, other);
  }

  /** `this + weight * (end - this)` (torch.lerp). */
  lerp(end: Operand, weight: Operand): Tensor {
    return lerp(this, end, weight);
  }

  /** `this + value * tensor1 * tensor2` (torch.addcmul). */
  addcmul(tensor1: Operand, tensor2: Operand, options?: { value?: number }): Tensor {
    return addcmul(this, tensor1, tensor2, options);
  }

  /** `this + value * tensor1 / tensor2` (torch.addcdiv). */
  addcdiv(tensor1: Operand, tensor2: Operand, options?: { value?: number }): Tensor {
    return addcdiv(this, tensor1, tensor2, options);
  }

  // ---- linear algebra ----

  /** torch.matmul with its 1-D promotion and batch broadcasting rules. */
  matmul(other: Tensor): Tensor {
    return linalg.matmul(this, other);
  }

  /** Matrix product of two 2-D tensors (torch.mm; no broadcasting). */
  mm(other: Tensor): Tensor {
    return linalg.mm(this, other);
  }

  /** Batched matrix product of two 3-D tensors with equal batch sizes (torch.bmm). */
  bmm(other: Tensor): Tensor {
    return linalg.bmm(this, other);
  }

  /** Dot product of two 1-D tensors of equal length (a 0-d tensor). */
  dot(other: Tensor): Tensor {
    return linalg.dot(this, other);
  }

  /** Outer product of two 1-D tensors. */
  outer(other: Tensor): Tensor {
    return linalg.outer(this, other);
  }

  // ---- reductions, scans, softmax, sorting ----

  /** torch.sum over `dim` (every dim when omitted); integers and bools give int64, as PyTorch. */
  sum(dim?: reductions.Dims, options?: reductions.ReduceOptions & { dtype?: DType }): Tensor {
    return reductions.sum(this, dim, options);
  }

  /** torch.mean over `dim` (every dim when omitted); floating tensors only. */
  mean(dim?: reductions.Dims, options?: reductions.ReduceOptions & { dtype?: DType }): Tensor {
    return reductions.mean(this, dim, options);
  }

  /** torch.prod over `dim` (every dim when omitted); integers and bools give int64, as PyTorch. */
  prod(dim?: reductions.Dims, options?: reductions.ReduceOptions & { dtype?: DType }): Tensor {
    return reductions.prod(this, dim, options);
  }

  /** The largest value (0-d), or `{ values, indices }` along `dim`. */
  max(): Tensor;
  max(dim: number, options?: reductions.ReduceOptions): reductions.ValuesIndices;
  max(dim?: number, options?: reductions.ReduceOptions): Tensor | reductions.ValuesIndices {
    return dim === undefined ? reductions.max(this) : reductions.max(this, dim, options);
  }

  /** The smallest value (0-d), or `{ values, indices }` along `dim`. */
  min(): Tensor;
  min(dim: number, options?: reductions.ReduceOptions): reductions.ValuesIndices;
  min(dim?: number, options?: reductions.ReduceOptions): Tensor | reductions.ValuesIndices {
    return dim === undefined ? reductions.min(this) : reductions.min(this, dim, options);
  }

  /** Largest value over `dim` (every dim when omitted), without indices (torch.amax). */
  amax(dim?: reductions.Dims, options?: reductions.ReduceOptions): Tensor {
    return reductions.amax(this, dim, options);
  }

  /** Smallest value over `dim` (every dim when omitted), without indices (torch.amin). */
  amin(dim?: reductions.Dims, options?: reductions.ReduceOptions): Tensor {
    return reductions.amin(this, dim, options);
  }

  /**
   * int32 index of the largest value along `dim`, or into the flattened tensor when omitted (first on ties).
   */
  argmax(dim?: number, options?: reductions.ReduceOptions): Tensor {
    return reductions.argmax(this, dim, options);
  }

  /**
   * int32 index of the smallest value along `dim`, or into the flattened tensor when omitted (first on ties).
   */
  argmin(dim?: number, options?: reductions.ReduceOptions): Tensor {
    return reductions.argmin(this, dim, options);
  }

  /** torch.var with `correction` (default 1). */
  var(dim?: reductions.Dims, options?: reductions.VarOptions): Tensor {
    return reductions.variance(this, dim, options);
  }

  /** torch.std with `correction` (default 1). */
  std(dim?: reductions.Dims, options?: reductions.VarOptions): Tensor {
    return reductions.std(this, dim, options);
  }

  /** log(sum(exp(x))) over `dim`, computed stably. */
  logsumexp(dim: reductions.Dims, options?: reductions.ReduceOptions): Tensor {
    return reductions.logsumexp(this, dim, options);
  }

  /** torch.norm: p = 'fro'/2 (default), 1, ±Infinity, 0 or any number, over `dim` (every dim when omitted). */
  norm(p?: reductions.NormOrder, dim?: reductions.Dims, options?: reductions.ReduceOptions): Tensor {
    return reductions.norm(this, p, dim, options);
  }

  /** Cumulative sum along `dim` (integers and bools give int64 unless `dtype` is given). */
  cumsum(dim: number, options?: { dtype?: DType }): Tensor {
    return reductions.cumsum(this, dim, options);
  }

  /** Cumulative product along `dim` (integers and bools give int64 unless `dtype` is given). */
  cumprod(dim: number, options?: { dtype?: DType }): Tensor {
    return reductions.cumprod(this, dim, options);
  }

  /** Whether every element over `dim` is nonzero (every dim when omitted), as bool. */
  all(dim?: reductions.Dims, options?: reductions.ReduceOptions): Tensor {
    return reductions.all(this, dim, options);
  }

  /** Whether any element over `dim` is nonzero (every dim when omitted), as bool. */
  any(dim?: reductions.Dims, options?: reductions.ReduceOptions): Tensor {
    return reductions.any(this, dim, options);
  }

  /** Softmax along `dim` (floating tensors). */
  softmax(dim: number): Tensor {
    return softmax(this, dim);
  }

  /** log(softmax(x)) along `dim`, computed stably. */
  logSoftmax(dim: number): Tensor {
    return logSoftmax(this, dim);
  }

  /** Sorted values along `dim` (default last) with their int32 indices in the input. */
  sort(dim?: number, options?: sorting.SortOptions): reductions.ValuesIndices {
    return sorting.sort(this, dim, options);
  }

  /** The int32 indices that sort along `dim` (the `indices` of `sort`). */
  argsort(dim?: number, options?: sorting.SortOptions): Tensor {
    return sorting.argsort(this, dim, options);
  }

  /** The `k` largest (or smallest) values along `dim` (default last) with their int32 indices. */
  topk(k: number, dim?: number, options?: sorting.TopkOptions): reductions.ValuesIndices {
    return sorting.topk(this, k, dim, options);
  }

  // ---- indexing and copying ----

  /** torch.gather along `dim` with an int32 `index` of this tensor's rank. */
  gather(dim: number, index: Tensor): Tensor {
    return indexing.gather(this, dim, index);
  }

  /** torch.scatter: a copy with `src` (or a scalar) written where `index` points along `dim`. */
  scatter(
    dim: number,
    index: Tensor,
    src: Tensor | number | boolean,
    options?: { reduce?: indexing.ScatterReduce },
  ): Tensor {
    return indexing.scatter(this, dim, index, src, options);
  }

  /** In-place {@link Tensor.scatter}. */
  scatter_(
    dim: number,
    index: Tensor,
    src: Tensor | number | boolean,
    options?: { reduce?: indexing.ScatterReduce },
  ): this {
    indexing.scatter_(this, dim, index, src, options);
    return this;
  }

  /** torch.scatter_add: a copy with `src` summed in where `index` points along `dim`. */
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor {
    return indexing.scatterAdd(this, dim, index, src);
  }

  /** In-place {@link Tensor.scatterAdd}. */
  scatterAdd_(dim: number, index: Tensor, src: Tensor): this {
    indexing.scatterAdd_(this, dim, index, src);
    return this;
  }

  /** torch.index_select: slices along `dim` at the positions of a 1-d int32 `index`. */
  indexSelect(dim: number, index: Tensor): Tensor {
    return indexing.indexSelect(this, dim, index);
  }

  /** torch.index_add: a copy with `alpha * source` slices summed into the slices `index` lists. */
  indexAdd(dim: number, index: Tensor, source: Tensor, options?: { alpha?: number }): Tensor {
    return indexing.indexAdd(this, dim, index, source, options);
  }

  /** In-place {@link Tensor.indexAdd}. */
  indexAdd_(dim: number, index: Tensor, source: Tensor, options?: { alpha?: number }): this {
    indexing.indexAdd_(this, dim, index, source, options);
    return this;
  }

  /** torch.masked_fill: `value` where the bool `mask` (broadcast) is true. */
  maskedFill(mask: Tensor, value: Tensor | number | boolean): Tensor {
    return indexing.maskedFill(this, mask, value);
  }

  /** In-place {@link Tensor.maskedFill}. */
  maskedFill_(mask: Tensor, value: Tensor | number | boolean): this {
    indexing.maskedFill_(this, mask, value);
    return this;
  }

  /** torch.masked_select: the elements where the bool `mask` is true, as a 1-d tensor. */
  maskedSelect(mask: Tensor): Tensor {
    return indexing.maskedSelect(this, mask);
  }

  /** Lower triangle of the last two dims (torch.tril). */
  tril(diagonal = 0): Tensor {
    return shaping.tril(this, diagonal);
  }

  /** Upper triangle of the last two dims (torch.triu). */
  triu(diagonal = 0): Tensor {
    return shaping.triu(this, diagonal);
  }

  /** Reverses the order along `dims` (torch.flip). */
  flip(...dims: number[] | [readonly number[]]): Tensor {
    return shaping.flip(this, flatShape(dims));
  }

  /** Shifts elements along `dims` with wrap-around (torch.roll). */
  roll(shifts: number | readonly number[], dims?: number | readonly number[]): Tensor {
    return shaping.roll(this, shifts, dims);
  }

  /** Tiles the tensor `sizes[i]` times along dim i (torch.Tensor.repeat). */
  repeat(...sizes: number[] | [readonly number[]]): Tensor {
    return shaping.repeat(this, flatShape(sizes));
  }

  /** torch.tile: repeat with missing leading dims counted as 1. */
  tile(...dims: number[] | [readonly number[]]): Tensor {
    return shaping.tile(this, flatShape(dims));
  }

  // ---- in place ----

  /** In-place {@link Tensor.add}; returns this tensor. The result must keep its dtype and shape. */
  add_(other: Operand, options: { alpha?: number } = {}): this {
    elementwiseInplace('add', this, [other], options.alpha ?? 1);
    return this;
  }

  /** In-place {@link Tensor.sub}; returns this tensor. The result must keep its dtype and shape. */
  sub_(other: Operand, options: { alpha?: number } = {}): this {
    elementwiseInplace('sub', this, [other], options.alpha ?? 1);
    return this;
  }

  /** In-place {@link Tensor.mul}; returns this tensor. The result must keep its dtype and shape. */
  mul_(other: Operand): this {
    elementwiseInplace('mul', this, [other]);
    return this;
  }

  /** In-place {@link Tensor.div}; returns this tensor. The result must keep its dtype and shape. */
  div_(other: Operand, options: { roundingMode?: RoundingMode } = {}): this {
    elementwiseInplace(kernelForRounding(options.roundingMode), this, [other]);
    return this;
  }

  /** In-place {@link Tensor.pow}; returns this tensor. The result must keep its dtype and shape. */
  pow_(exponent: Operand): this {
    elementwiseInplace('pow', this, [exponent]);
    return this;
  }

  /** In-place {@link Tensor.neg}; returns this tensor. The result must keep its dtype and shape. */
  neg_(): this {
    elementwiseInplace('neg', this, []);
    return this;
  }

  /** In-place {@link Tensor.abs}; returns this tensor. The result must keep its dtype and shape. */
  abs_(): this {
    elementwiseInplace('abs', this, []);
    return this;
  }

  /** In-place {@link Tensor.exp}; returns this tensor. The result must keep its dtype and shape. */
  exp_(): this {
    elementwiseInplace('exp', this, []);
    return this;
  }

  /** In-place {@link Tensor.log}; returns this tensor. The result must keep its dtype and shape. */
  log_(): this {
    elementwiseInplace('log', this, []);
    return this;
  }

  /** In-place {@link Tensor.sqrt}; returns this tensor. The result must keep its dtype and shape. */
  sqrt_(): this {
    elementwiseInplace('sqrt', this, []);
    return this;
  }

  /** In-place {@link Tensor.sigmoid}; returns this tensor. The result must keep its dtype and shape. */
  sigmoid_(): this {
    elementwiseInplace('sigmoid', this, []);
    return this;
  }

  /** In-place {@link Tensor.tanh}; returns this tensor. The result must keep its dtype and shape. */
  tanh_(): this {
    elementwiseInplace('tanh', this, []);
    return this;
  }

  /** In-place {@link Tensor.relu}; returns this tensor. The result must keep its dtype and shape. */
  relu_(): this {
    elementwiseInplace('relu', this, []);
    return this;
  }

  /** In-place {@link Tensor.hardtanh}; returns this tensor. */
  hardtanh_(minVal = -1, maxVal = 1): this {
    activations.hardtanh_(this, minVal, maxVal);
    return this;
  }

  /** In-place {@link Tensor.threshold}; returns this tensor. */
  threshold_(threshold: number, value: number): this {
    activations.threshold_(this, threshold, value);
    return this;
  }

  /** In-place {@link Tensor.hardswish}; returns this tensor. */
  hardswish_(): this {
    activations.hardswish_(this);
    return this;
  }

  /** In-place {@link Tensor.hardsigmoid}; returns this tensor. */
  hardsigmoid_(): this {
    activations.hardsigmoid_(this);
    return this;
  }

  /** In-place {@link Tensor.celu}; returns this tensor. */
  celu_(alpha = 1): this {
    activations.celu_(this, alpha);
    return this;
  }

  /** In-place {@link Tensor.leakyRelu}; returns this tensor. */
  leakyRelu_(negativeSlope = 0.01): this {
    activations.leakyRelu_(this, negativeSlope);
    return this;
  }

  /** In-place {@link Tensor.elu}; returns this tensor. */
  elu_(alpha = 1): this {
    activations.elu_(this, alpha);
    return this;
  }

  /** In-place {@link Tensor.selu}; returns this tensor. */
  selu_(): this {
    activations.selu_(this);
    return this;
  }

  /** In-place {@link Tensor.silu}; returns this tensor. */
  silu_(): this {
    activations.silu_(this);
    return this;
  }

  /** In-place {@link Tensor.mish}; returns this tensor. */
  mish_(): this {
    activations.mish_(this);
    return this;
  }

  /** In-place {@link Tensor.clamp}; returns this tensor. The result must keep its dtype and shape. */
  clamp_(min?: Operand, max?: Operand): this {
    if (min === undefined && max === undefined) clamp(this, min, max);
    elementwiseInplace('clamp', this, [min ?? -Infinity, max ?? Infinity]);
    return this;
  }

  /** In-place {@link Tensor.lerp}; returns this tensor. The result must keep its dtype and shape. */
  lerp_(end: Operand, weight: Operand): this {
    elementwiseInplace('lerp', this, [end, weight]);
    return this;
  }

  /** In-place {@link Tensor.addcmul}; returns this tensor. The result must keep its dtype and shape. */
  addcmul_(tensor1: Operand, tensor2: Operand, options: { value?: number } = {}): this {
    elementwiseInplace('addcmul', this, [tensor1, tensor2], options.value ?? 1);
    return this;
  }

  /** In-place {@link Tensor.addcdiv}; returns this tensor. The result must keep its dtype and shape. */
  addcdiv_(tensor1: Operand, tensor2: Operand, options: { value?: number } = {}): this {
    elementwiseInplace('addcdiv', this, [tensor1, tensor2], options.value ?? 1);
    return this;
  }

  /** Copies `source` (broadcast, cast) into this tensor's memory. */
  copy_(source: Tensor): this {
    const src = source.device === this.device ? source : source.to(this.device);
    runInplace('clone', this, [src.expand(this.shape)], {});
    return this;
  }

  /** Fills with `value`. */
  fill_(value: number | boolean): this {
    // Through runInplace so autograd sees the overwrite (the old values stop receiving gradient).
    const scalar = scalarTensor(value, this.dtype, this.device);
    runInplace('clone', this, [scalar.expand(this.shape)], {});
    scalar.dispose(); // on a device that manages its memory, not left to the garbage collector
    return this;
  }

  /** Fills with zeros. */
  zero_(): this {
    return this.fill_(0);
  }

  // ---- counting, order statistics, advanced indexing and linear algebra (ops/counting.ts, ...) ----

  /** torch.Tensor.unique (see {@link counting.unique}). */
  unique(options?: counting.UniqueOptions & { returnInverse?: false; returnCounts?: false }): Tensor;
  unique(options: counting.UniqueOptions): Tensor[];
  unique(options: counting.UniqueOptions = {}): Tensor | Tensor[] {
    return counting.unique(this, options);
  }

  /** torch.Tensor.unique_consecutive (see {@link counting.uniqueConsecutive}). */
  uniqueConsecutive(
    options?: counting.UniqueConsecutiveOptions & { returnInverse?: false; returnCounts?: false },
  ): Tensor;
  uniqueConsecutive(options: counting.UniqueConsecutiveOptions): Tensor[];
  uniqueConsecutive(options: counting.UniqueConsecutiveOptions = {}): Tensor | Tensor[] {
    return counting.uniqueConsecutive(this, options);
  }

  /** torch.Tensor.bincount (see {@link counting.bincount}). */
  bincount(options: { weights?: Tensor; minlength?: number } = {}): Tensor {
    return counting.bincount(this, options);
  }

  /** torch.Tensor.histc (see {@link counting.histc}). */
  histc(options: { bins?: number; min?: number; max?: number } = {}): Tensor {
    return counting.histc(this, options);
  }

  /** torch.Tensor.median: the lower median of all elements, or `{ values, indices }` along `dim`. */
  median(): Tensor;
  median(dim: number, options?: reductions.ReduceOptions): reductions.ValuesIndices;
  median(dim?: number, options: reductions.ReduceOptions = {}): Tensor | reductions.ValuesIndices {
    return dim === undefined ? statistics.median(this) : statistics.median(this, dim, options);
  }

  /** torch.Tensor.nanmedian: {@link Tensor.median} ignoring NaN. */
  nanmedian(): Tensor;
  nanmedian(dim: number, options?: reductions.ReduceOptions): reductions.ValuesIndices;
  nanmedian(dim?: number, options: reductions.ReduceOptions = {}): Tensor | reductions.ValuesIndices {
    return dim === undefined ? statistics.nanmedian(this) : statistics.nanmedian(this, dim, options);
  }

  /** torch.Tensor.quantile (see {@link statistics.quantile}). */
  quantile(q: number | Tensor, dim?: number | null, options: statistics.QuantileOptions = {}): Tensor {
    return statistics.quantile(this, q, dim, options);
  }

  /** torch.Tensor.nanquantile (see {@link statistics.nanquantile}). */
  nanquantile(q: number | Tensor, dim?: number | null, options: statistics.QuantileOptions = {}): Tensor {
    return statistics.nanquantile(this, q, dim, options);
  }

  /** torch.Tensor.mode: the most frequent value along `dim` and its index. */
  mode(dim = -1, options: reductions.ReduceOptions = {}): reductions.ValuesIndices {
    return statistics.mode(this, dim, options);
  }

  /** torch.Tensor.kthvalue: the k-th smallest value along `dim` and its index. */
  kthvalue(k: number, dim = -1, options: reductions.ReduceOptions = {}): reductions.ValuesIndices {
    return statistics.kthvalue(this, k, dim, options);
  }

  /** torch.Tensor.nansum: the sum treating NaN as zero. */
  nansum(dim?: reductions.Dims, options: reductions.ReduceOptions & { dtype?: DType } = {}): Tensor {
    return statistics.nansum(this, dim, options);
  }

  /** torch.Tensor.nanmean: the mean of the non-NaN elements. */
  nanmean(dim?: reductions.Dims, options: reductions.ReduceOptions & { dtype?: DType } = {}): Tensor {
    return statistics.nanmean(this, dim, options);
  }

  /** torch.Tensor.cummax: running maximum along `dim` with indices. */
  cummax(dim: number): reductions.ValuesIndices {
    return running.cummax(this, dim);
  }

  /** torch.Tensor.cummin: running minimum along `dim` with indices. */
  cummin(dim: number): reductions.ValuesIndices {
    return running.cummin(this, dim);
  }

  /** torch.Tensor.logcumsumexp along `dim`. */
  logcumsumexp(dim: number): Tensor {
    return running.logcumsumexp(this, dim);
  }

  /** torch.Tensor.diff: forward differences (see {@link running.diff}). */
  diff(options: running.DiffOptions = {}): Tensor {
    return running.diff(this, options);
  }

  /** torch.Tensor.multinomial: category indices drawn from these weights. */
  multinomial(numSamples: number, options: sampling.MultinomialOptions = {}): Tensor {
    return sampling.multinomial(this, numSamples, options);
  }

  /** torch.Tensor.bernoulli: 0/1 draws with these probabilities (or `p` for all). */
  bernoulli(p?: number, options: sampling.SamplingOptions = {}): Tensor {
    return sampling.bernoulli(this, p, options);
  }

  /** torch.Tensor.nonzero: `[count, ndim]` int32 indices of the nonzero elements. */
  nonzero(): Tensor;
  nonzero(options: { asTuple: true }): Tensor[];
  nonzero(options: { asTuple?: boolean } = {}): Tensor | Tensor[] {
    return options.asTuple ? advanced.nonzero(this, { asTuple: true }) : advanced.nonzero(this);
  }

  /** torch.Tensor.argwhere: the same as {@link Tensor.nonzero}. */
  argwhere(): Tensor {
    return advanced.argwhere(this);
  }

  /** Advanced indexing, `x[index]` with tensors, masks, integers and null for `:` (a copy). */
  index(indices: advanced.IndexEntry | readonly advanced.IndexEntry[]): Tensor {
    return advanced.index(this, indices);
  }

  /** torch.Tensor.index_put: a copy with `values` at the advanced index (added with `accumulate`). */
  indexPut(
    indices: advanced.IndexEntry | readonly advanced.IndexEntry[],
    values: Tensor | number,
    options: { accumulate?: boolean } = {},
  ): Tensor {
    return advanced.indexPut(this, indices, values, options);
  }

  /** torch.Tensor.index_put_: {@link Tensor.indexPut} in place. */
  indexPut_(
    indices: advanced.IndexEntry | readonly advanced.IndexEntry[],
    values: Tensor | number,
    options: { accumulate?: boolean } = {},
  ): this {
    advanced.indexPut_(this, indices, values, options);
    return this;
  }

  /**
   * Advanced assignment, PyTorch's `x[index] = value`: writes `value` (a number or a tensor broadcast to
   * the indexed shape) in place at tensor, mask, integer or null (`:`) indices; returns this tensor.
   */
  set(indices: advanced.IndexEntry | readonly advanced.IndexEntry[], value: Tensor | number): this {
    advanced.indexPut_(this, indices, value);
    return this;
  }

  /** torch.Tensor.masked_scatter: source elements written where the mask is true. */
  maskedScatter(mask: Tensor, source: Tensor): Tensor {
    return advanced.maskedScatter(this, mask, source);
  }

  /** torch.Tensor.take: elements at flat indices. */
  take(index: Tensor): Tensor {
    return advanced.take(this, index);
  }

  /** torch.Tensor.take_along_dim: gather with broadcasting. */
  takeAlongDim(indices: Tensor, dim?: number): Tensor {
    return advanced.takeAlongDim(this, indices, dim);
  }

  /** torch.Tensor.isclose (see {@link comparison.isclose}). */
  isclose(other: Tensor, options: comparison.CloseOptions = {}): Tensor {
    return comparison.isclose(this, other, options);
  }

  /** torch.Tensor.allclose (see {@link comparison.allclose}). */
  allclose(other: Tensor, options: comparison.CloseOptions = {}): boolean {
    return comparison.allclose(this, other, options);
  }

  /** torch.Tensor.equal: same shape and values. */
  equal(other: Tensor): boolean {
    return comparison.equal(this, other);
  }

  /** torch.Tensor.cross (see {@link distances.cross}). */
  cross(other: Tensor, dim?: number): Tensor {
    return distances.cross(this, other, dim);
  }

  /** torch.Tensor.kron: the Kronecker product. */
  kron(other: Tensor): Tensor {
    return grids.kron(this, other);
  }

  /** torch.Tensor.det: the determinant of each square matrix. */
  det(): Tensor {
    return linearAlgebra.det(this);
  }

  /** torch.Tensor.inverse: the inverse of each square matrix. */
  inverse(): Tensor {
    return linearAlgebra.inv(this);
  }

  /** torch.Tensor.matrix_power. */
  matrixPower(n: number): Tensor {
    return linearAlgebra.matrixPower(this, n);
  }
}

/** Values of `tolist()`: nested arrays of numbers or booleans. */
export type NestedList = number | boolean | NestedList[];

function isDType(s: string): boolean {
  return (dtypes as readonly string[]).includes(s);
}

function flatShape(args: number[] | [readonly number[]]): number[] {
  return Array.isArray(args[0]) ? [...(args[0] as readonly number[])] : (args as number[]);
}

function sliceOut(all: StorageArray, x: Tensor): StorageArray {
  // Always a copy: callers may keep or modify what they read without touching the tensor.
  return all.slice(x.offset, x.offset + x.numel()) as StorageArray;
}

/** Stored elements as JS numbers: 16-bit floats decoded, int64 checked to be exact in a float64. */
function asNumbers(op: string, raw: StorageArray, dtype: DType): TypedArray {
  if (dtype === 'float16' || dtype === 'bfloat16')
    return decodeView(op, hostView(raw as TypedArray, [raw.length], dtype));
  if (!(raw instanceof BigInt64Array)) return raw;
  const out = new Float64Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const v = Number(raw[i]!);
    if (!Number.isSafeInteger(v)) {
      throw new DTypeError(
        op,
        `int64 value ${raw[i]} (flat index ${i}) is beyond ±(2^53 - 1), where JS numbers are not exact; ` +
          'read int64 tensors exactly with await x.dataBigInt()',
      );
    }
    out[i] = v;
  }
  return out;
}
