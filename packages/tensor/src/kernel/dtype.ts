import { bfloat16BitsToNumber, halfBitsToNumber, numberToBfloat16Bits, numberToHalfBits } from './half';
import { POOLED_MIN_BYTES, takeIdleBuffer, trackNewBuffer } from './host-pool';
import { type ResidentUse, takeResidentFloats } from './resident-arena';

/**
 * Element types, as PyTorch's. PyTorch's default integer is int64; here integers made from JS numbers
 * default to int32 (JavaScript has no fast 64-bit integer arithmetic), and int64 tensors come from files,
 * `BigInt64Array`s, `.long()` and sums of integers. float16 and bfloat16 are storage formats: ops on them
 * compute in float32 and round the result back.
 */
export type DType =
  | 'float32'
  | 'float64'
  | 'int32'
  | 'bool'
  | 'uint8'
  | 'int8'
  | 'int16'
  | 'int64'
  | 'float16'
  | 'bfloat16';

/**
 * The typed arrays kernels compute on (bool and uint8 as bytes, float16/bfloat16 as raw bits). int64 is
 * stored in a `BigInt64Array` (see {@link StorageArray}); kernels that do not handle it receive float64.
 */
export type TypedArray =
  | Float32Array
  | Float64Array
  | Int32Array
  | Uint8Array
  | Int8Array
  | Int16Array
  | Uint16Array;

/** Every array a CPU storage may hold: the {@link TypedArray}s and int64's `BigInt64Array`. */
export type StorageArray = TypedArray | BigInt64Array;

/** Element-type categories in PyTorch's promotion order: bool < integer < floating. */
const category: Record<DType, number> = {
  bool: 0,
  uint8: 1,
  int8: 1,
  int16: 1,
  int32: 1,
  int64: 1,
  float16: 2,
  bfloat16: 2,
  float32: 2,
  float64: 2,
};

/** A dtype's promotion category: 0 bool, 1 integer, 2 floating. */
export function dtypeCategory(dtype: DType): number {
  return category[dtype];
}

/** All dtypes, in promotion order. */
export const dtypes: readonly DType[] = [
  'bool',
  'uint8',
  'int8',
  'int16',
  'int32',
  'int64',
  'float16',
  'bfloat16',
  'float32',
  'float64',
];

/** The typed-array constructor that stores each dtype. */
const ARRAY_TYPE = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  bool: Uint8Array,
  uint8: Uint8Array,
  int8: Int8Array,
  int16: Int16Array,
  int64: BigInt64Array,
  float16: Uint16Array,
  bfloat16: Uint16Array,
} as const;

/** Bytes per element of each dtype. */
export function elementSize(dtype: DType): number {
  return ARRAY_TYPE[dtype].BYTES_PER_ELEMENT;
}

/**
 * Allocates a zero-filled CPU array for `size` elements of `dtype`. Typed as {@link TypedArray} for the
 * kernels that never see int64 (the dispatcher widens it for them); for int64 it is a `BigInt64Array`.
 */
export function allocate(dtype: DType, size: number): TypedArray {
  const resident = takeResident(dtype, size, 'output');
  if (resident !== undefined) return resident.fill(0);
  const ArrayType = ARRAY_TYPE[dtype];
  const reused = takeIdleBuffer(size * ArrayType.BYTES_PER_ELEMENT);
  if (reused !== undefined) {
    new Uint8Array(reused).fill(0);
    return new ArrayType(reused) as TypedArray;
  }
  const array = new ArrayType(size) as TypedArray;
  if (array.byteLength >= POOLED_MIN_BYTES) trackNewBuffer(array.buffer as ArrayBuffer);
  return array;
}

/**
 * A pooled-size float32 array in the SIMD kernels' memory (see resident-arena), where they compute on it
 * without copies; undefined for other dtypes and sizes, or when that memory is missing or full.
 */
function takeResident(dtype: DType, size: number, use: ResidentUse): Float32Array | undefined {
  if (dtype !== 'float32' || size * 4 < POOLED_MIN_BYTES) return undefined;
  const array = takeResidentFloats(size, use);
  if (array !== undefined) trackNewBuffer(array);
  return array;
}

/**
 * A copy of `values`, made by the allocator above: float32 lands in the SIMD kernels' memory where it
 * can, so the kernels read a tensor made from user data without copying it again.
 */
export function copyArray<T extends TypedArray | BigInt64Array>(values: T): T {
  if (!(values instanceof Float32Array)) return values.slice() as T;
  const copy = allocateUninitialized('float32', values.length, 'copy');
  copy.set(values);
  return copy as T;
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
 * as much as adding two of them. `use` says whether it is a kernel's output or a copy of user data (which
 * resident memory takes on different terms, see resident-arena).
 */
export function allocateUninitialized(dtype: DType, size: number, use: ResidentUse = 'output'): TypedArray {
  const resident = takeResident(dtype, size, use);
  if (resident !== undefined) return resident;
  const ArrayType = ARRAY_TYPE[dtype];
  const bytes = size * ArrayType.BYTES_PER_ELEMENT;
  const reused = takeIdleBuffer(bytes);
  if (reused !== undefined) return new ArrayType(reused) as TypedArray;
  if (allocUnsafeSlow === undefined || bytes < UNINITIALIZED_MIN_BYTES) return allocate(dtype, size);
  // "Slow" means unpooled by Node: an ArrayBuffer of exactly `bytes`, owned by this array alone.
  const buffer = allocUnsafeSlow(bytes).buffer;
  trackNewBuffer(buffer);
  return new ArrayType(buffer, 0, size) as TypedArray;
}

/**
 * The dtype a typed array stores: Uint8Array is uint8 (as `torch.from_numpy`), BigInt64Array int64;
 * Uint16Array has no dtype of its own (float16 and bfloat16 bits share it), so it gives undefined.
 */
export function dtypeOfArray(array: ArrayLike<number> | BigInt64Array): DType | undefined {
  if (array instanceof Float32Array) return 'float32';
  if (array instanceof Float64Array) return 'float64';
  if (array instanceof Int32Array) return 'int32';
  if (array instanceof Uint8Array) return 'uint8';
  if (array instanceof Int8Array) return 'int8';
  if (array instanceof Int16Array) return 'int16';
  if (array instanceof BigInt64Array) return 'int64';
  return undefined;
}

/** Whether `dtype` is a floating type, as torch's `is_floating_point`. */
export function isFloating(dtype: DType): boolean {
  return category[dtype] === 2;
}

/** Whether `dtype` is an integer type (with bool when `includeBool`), as torch's `is_integral`. */
export function isIntegral(dtype: DType, includeBool = false): boolean {
  return category[dtype] === 1 || (includeBool && dtype === 'bool');
}

/** Stored as something other than a plain number per element: int64 (bigint), float16/bfloat16 (bits). */
export function isEncoded(dtype: DType): boolean {
  return dtype === 'int64' || dtype === 'float16' || dtype === 'bfloat16';
}

/** Bytes of each integer type, and whether it is signed. */
const INTEGER = {
  uint8: { bytes: 1, signed: false },
  int8: { bytes: 1, signed: true },
  int16: { bytes: 2, signed: true },
  int32: { bytes: 4, signed: true },
  int64: { bytes: 8, signed: true },
} as const;
const SIGNED_BY_BYTES: Record<number, DType> = { 1: 'int8', 2: 'int16', 4: 'int32', 8: 'int64' };

/**
 * torch.promote_types: the smallest dtype both operands convert to without losing their category
 * (uint8 + int8 is int16, float16 + bfloat16 is float32, an integer with a float is the float).
 */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  if (category[a] !== category[b]) return category[a] > category[b] ? a : b;
  if (category[a] === 2) {
    if (a === 'float64' || b === 'float64') return 'float64';
    return 'float32'; // float32 with a 16-bit float, or float16 with bfloat16
  }
  const x = INTEGER[a as keyof typeof INTEGER];
  const y = INTEGER[b as keyof typeof INTEGER];
  if (x.signed === y.signed) return x.bytes >= y.bytes ? a : b;
  // uint8 with a signed type: a signed type wider than one byte holds both.
  return SIGNED_BY_BYTES[Math.max(x.bytes, y.bytes, 2)]!;
}

/**
 * The result dtype of an op between operands that may be tensors (by dtype) or JS scalars, following
 * PyTorch: a scalar participates only when its category is higher than every tensor's (then the default
 * dtype of that category is used: int32 for integers, float32 for floats).
 */
export function resultType(...operands: (DType | number | boolean | bigint)[]): DType {
  let tensorType: DType | undefined;
  let scalarCategory = -1;
  for (const operand of operands) {
    if (typeof operand === 'string') {
      tensorType = tensorType === undefined ? operand : promoteTypes(tensorType, operand);
    } else {
      const c =
        typeof operand === 'boolean' ? 0 : typeof operand === 'bigint' || Number.isInteger(operand) ? 1 : 2;
      scalarCategory = Math.max(scalarCategory, c);
    }
  }
  if (tensorType === undefined) return (['bool', 'int32', 'float32'] as const)[scalarCategory] ?? 'float32';
  if (scalarCategory > category[tensorType]) return scalarCategory === 2 ? 'float32' : 'int32';
  return tensorType;
}

const TWO_63 = 2 ** 63;

/**
 * A float's conversion to int64 as a bigint: truncated toward zero and wrapped modulo 2^64 like every
 * integer conversion here (C++ leaves out-of-range conversions undefined); NaN and ±Infinity give 0.
 */
export function numberToInt64(value: number): bigint {
  if (!Number.isFinite(value)) return 0n;
  const t = Math.trunc(value);
  return -TWO_63 <= t && t < TWO_63 ? BigInt(t) : BigInt.asIntN(64, BigInt(t));
}

const SCRATCH = {
  uint8: new Uint8Array(1),
  int8: new Int8Array(1),
  int16: new Int16Array(1),
  int32: new Int32Array(1),
} as const;

/**
 * `value` as `dtype` represents it, as a JS number: integers truncate toward zero and wrap modulo 2^bits
 * (NaN and ±Infinity give 0), float16/bfloat16/float32 round to nearest even, bool is 0 or 1. An int64
 * beyond 2^53 is the nearest double; {@link encodeElement} keeps it exact.
 */
export function castScalar(value: number | boolean | bigint, dtype: DType): number {
  if (typeof value === 'bigint') {
    if (dtype === 'bool') return value !== 0n ? 1 : 0;
    return isIntegral(dtype)
      ? Number(BigInt.asIntN(INTEGER[dtype as 'int64'].bytes * 8, value))
      : castScalar(Number(value), dtype);
  }
  const v = Number(value);
  switch (dtype) {
    case 'bool':
      return v !== 0 ? 1 : 0;
    case 'float32':
      return Math.fround(v);
    case 'float64':
      return v;
    case 'float16':
      return halfBitsToNumber(numberToHalfBits(v));
    case 'bfloat16':
      return bfloat16BitsToNumber(numberToBfloat16Bits(v));
    case 'int64':
      return Number(numberToInt64(v));
    default: {
      // Typed-array stores truncate and wrap exactly as integer conversions here do.
      const scratch = SCRATCH[dtype];
      scratch[0] = v;
      return scratch[0]!;
    }
  }
}

/** The element stored for `value` in a `dtype` array: a bigint for int64, raw bits for 16-bit floats. */
export function encodeElement(value: number | boolean | bigint, dtype: DType): number | bigint {
  switch (dtype) {
    case 'int64':
      return typeof value === 'bigint' ? BigInt.asIntN(64, value) : numberToInt64(Number(value));
    case 'float16':
      return numberToHalfBits(Number(value));
    case 'bfloat16':
      return numberToBfloat16Bits(Number(value));
    default:
      return castScalar(value, dtype);
  }
}

/** The number a stored `dtype` element means (the nearest double for an int64 beyond 2^53). */
export function decodeElement(stored: number | bigint, dtype: DType): number {
  switch (dtype) {
    case 'float16':
      return halfBitsToNumber(stored as number);
    case 'bfloat16':
      return bfloat16BitsToNumber(stored as number);
    default:
      return Number(stored);
  }
}

/** Writes `value` as element `index` of a `dtype` array, encoded as {@link encodeElement} says. */
export function setElement(
  array: StorageArray,
  index: number,
  value: number | boolean | bigint,
  dtype: DType,
): void {
  (array as { [i: number]: number | bigint })[index] = encodeElement(value, dtype);
}

/** A new `dtype` array holding `values` (numbers, booleans or bigints), converted as {@link castScalar}. */
export function encodeArray(values: ArrayLike<number | boolean | bigint>, dtype: DType): TypedArray {
  const out = allocate(dtype, values.length);
  for (let i = 0; i < values.length; i++) setElement(out, i, values[i]!, dtype);
  return out;
}
