/**
 * Element types. PyTorch's default float is float32 and its default integer int64; here integers default
 * to int32 (JavaScript has no fast 64-bit integer typed array), so indices PyTorch returns as int64 arrive
 * as int32.
 */
export type DType = 'float32' | 'float64' | 'int32' | 'bool';

/** The typed array that stores each dtype on the CPU (bool as 0/1 bytes). */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** Element-type categories in PyTorch's promotion order: bool < integer < floating. */
const category: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 2 };

/** All dtypes, in promotion order. */
export const dtypes: readonly DType[] = ['bool', 'int32', 'float32', 'float64'];

/** The typed-array constructor that stores each dtype. */
const ARRAY_TYPE = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  bool: Uint8Array,
} as const;

/** Allocates a zero-filled CPU array for `size` elements of `dtype`. */
export function allocate(dtype: DType, size: number): TypedArray {
  return new ARRAY_TYPE[dtype](size);
}

/** Node's allocator of uninitialised memory; browsers have none, and {@link allocateUninitialized} zero-fills there. */
const allocUnsafeSlow = (
  globalThis as { Buffer?: { allocUnsafeSlow(size: number): Uint8Array<ArrayBuffer> } }
).Buffer?.allocUnsafeSlow?.bind((globalThis as { Buffer?: unknown }).Buffer);

/** Below this many bytes zero-filling costs less than the Buffer round trip. */
const UNINITIALIZED_MIN_BYTES = 1 << 16;

/**
 * Allocates a CPU array for `size` elements of `dtype` without zero-filling it where the platform allows
 * (Node), like torch.empty: for kernels that write every element. Zeroing a fresh 4 MB array costs about
 * as much as adding two of them.
 */
export function allocateUninitialized(dtype: DType, size: number): TypedArray {
  const ArrayType = ARRAY_TYPE[dtype];
  const bytes = size * ArrayType.BYTES_PER_ELEMENT;
  if (allocUnsafeSlow === undefined || bytes < UNINITIALIZED_MIN_BYTES) return new ArrayType(size);
  // "Slow" means unpooled: an ArrayBuffer of exactly `bytes`, owned by this array alone.
  return new ArrayType(allocUnsafeSlow(bytes).buffer, 0, size);
}

/** The dtype a typed array stores (Uint8Array is read as bool). */
export function dtypeOfArray(array: ArrayLike<number>): DType | undefined {
  if (array instanceof Float32Array) return 'float32';
  if (array instanceof Float64Array) return 'float64';
  if (array instanceof Int32Array) return 'int32';
  if (array instanceof Uint8Array) return 'bool';
  return undefined;
}

/** Whether `dtype` is a floating type (float32 or float64), as torch's `is_floating_point`. */
export function isFloating(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

export function isIntegral(dtype: DType, includeBool = false): boolean {
  return dtype === 'int32' || (includeBool && dtype === 'bool');
}

/** torch.promote_types: the smallest dtype both operands convert to without losing their category. */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  if (a === 'float64' || b === 'float64') return 'float64';
  return category[a] >= category[b] ? a : b;
}

/**
 * The result dtype of an op between operands that may be tensors (by dtype) or JS scalars, following
 * PyTorch: a scalar participates only when its category is higher than every tensor's (then the default
 * dtype of that category is used: int32 for integers, float32 for floats).
 */
export function resultType(...operands: (DType | number | boolean)[]): DType {
  let tensorType: DType | undefined;
  let scalarCategory = -1;
  for (const operand of operands) {
    if (typeof operand === 'string') {
      tensorType = tensorType === undefined ? operand : promoteTypes(tensorType, operand);
    } else {
      const c = typeof operand === 'boolean' ? 0 : Number.isInteger(operand) ? 1 : 2;
      scalarCategory = Math.max(scalarCategory, c);
    }
  }
  if (tensorType === undefined) return (['bool', 'int32', 'float32'] as const)[scalarCategory] ?? 'float32';
  if (scalarCategory > category[tensorType]) return scalarCategory === 2 ? 'float32' : 'int32';
  return tensorType;
}

/** Converts a JS number to the value stored for `dtype` (used for scalars and fills). */
export function castScalar(value: number | boolean, dtype: DType): number {
  const v = Number(value);
  switch (dtype) {
    case 'bool':
      return v !== 0 ? 1 : 0;
    case 'int32':
      return Math.trunc(v) | 0;
    case 'float32':
      return Math.fround(v);
    case 'float64':
      return v;
  }
}
