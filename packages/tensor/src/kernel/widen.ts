// CPU kernels compute on plain numbers. Dtypes stored otherwise (int64 as bigints, float16/bfloat16 as bits)
// reach a kernel that does not declare them as float64/float32 copies, and its outputs are narrowed back to
// what the op table says: one place instead of a bigint and a bit-pattern path in every kernel.
import { type DType, isEncoded, type StorageArray, type TypedArray } from './dtype';
import { DTypeError } from './errors';
import { bfloat16BitsToNumber, halfBitsToNumber, numberToBfloat16Bits, numberToHalfBits } from './half';
import type { OpDef } from './op-def';
import { stridedOffsets } from './strided-offsets';
import { hostView, isContiguous, numel, type TensorView } from './view';

/** The dtype a kernel without encoded-dtype support computes `dtype` in (itself for plain dtypes). */
export function computeDType(dtype: DType): DType {
  if (dtype === 'int64') return 'float64';
  return dtype === 'float16' || dtype === 'bfloat16' ? 'float32' : dtype;
}

/** Integers up to this magnitude are exact in a float64. */
const EXACT = 2 ** 53;

let halfTable: Float32Array | undefined;
let bfloat16Table: Float32Array | undefined;

/** The value of every 16-bit pattern of `dtype`: decoding is one lookup per element. */
function table(dtype: 'float16' | 'bfloat16'): Float32Array {
  if (dtype === 'float16') {
    halfTable ??= Float32Array.from({ length: 65536 }, (_, bits) => halfBitsToNumber(bits));
    return halfTable;
  }
  bfloat16Table ??= Float32Array.from({ length: 65536 }, (_, bits) => bfloat16BitsToNumber(bits));
  return bfloat16Table;
}

function inexact(op: string, value: bigint | number): DTypeError {
  return new DTypeError(
    op,
    `int64 value ${value} is beyond ±2^53, where '${op}' (computed through float64 on the CPU) is not exact; ` +
      'exact int64 arithmetic covers elementwise ops, sum, prod, cumsum, cumprod and copies',
  );
}

/**
 * The elements of `x` (row-major) as plain numbers: float32 for 16-bit floats, float64 for int64. With
 * `exact`, an int64 beyond ±2^53 (not exact in a float64) is an error naming `op`; without, it rounds.
 */
export function decodeView(op: string, x: TensorView, exact = true): Float32Array | Float64Array {
  const data = x.storage.data as StorageArray;
  const at = isContiguous(x) ? undefined : stridedOffsets(x.shape, x.strides, x.offset);
  const n = numel(x);
  const index = (i: number) => (at ? at[i]! : x.offset + i);
  if (x.dtype === 'int64') {
    const values = data as BigInt64Array;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = Number(values[index(i)]!);
      if (exact && (v > EXACT || v < -EXACT)) throw inexact(op, values[index(i)]!);
      out[i] = v;
    }
    return out;
  }
  const lookup = table(x.dtype as 'float16' | 'bfloat16');
  const bits = data as Uint16Array;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lookup[bits[index(i)]!]!;
  return out;
}

/** `values` stored as `dtype` (int64: they must be integers within ±2^53; 16-bit floats round to nearest even). */
export function encodeNumbers(op: string, values: ArrayLike<number>, dtype: DType): TypedArray {
  const n = values.length;
  if (dtype === 'int64') {
    const out = new BigInt64Array(n);
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      if (v > EXACT || v < -EXACT) throw inexact(op, v);
      out[i] = Number.isFinite(v) ? BigInt(Math.trunc(v)) : 0n;
    }
    return out as unknown as TypedArray;
  }
  const encode = dtype === 'float16' ? numberToHalfBits : numberToBfloat16Bits;
  const out = new Uint16Array(n);
  for (let i = 0; i < n; i++) out[i] = encode(values[i]!);
  return out;
}

/** Whether op `def` needs {@link runWidened} for these inputs and attributes. */
export function needsWidening(inputs: readonly TensorView[], attrs: object): boolean {
  const dtype = (attrs as { dtype?: unknown }).dtype;
  return (typeof dtype === 'string' && isEncoded(dtype as DType)) || inputs.some((t) => isEncoded(t.dtype));
}

/**
 * Runs a CPU kernel that computes on plain numbers for inputs or a result of an encoded dtype: encoded
 * inputs become float32/float64 copies, an encoded `attrs.dtype` its compute dtype, and each output is
 * narrowed to the dtype the op table predicts. An in-place kernel that wrote into a widened copy has the
 * values copied back into the real input by `writeBack`.
 */
export function runWidened(
  op: string,
  def: OpDef<never> | undefined,
  inputs: readonly TensorView[],
  attrs: object,
  run: (inputs: readonly TensorView[], attrs: object) => TensorView[],
  writeBack: (target: TensorView, source: TensorView) => void,
): TensorView[] {
  const expected = def?.meta(inputs, attrs as never);
  const widened = inputs.map((t) =>
    isEncoded(t.dtype) ? hostView(decodeView(op, t), t.shape, computeDType(t.dtype)) : t,
  );
  const dtype = (attrs as { dtype?: DType }).dtype;
  const computeAttrs =
    dtype !== undefined && isEncoded(dtype) ? { ...attrs, dtype: computeDType(dtype) } : attrs;
  return run(widened, computeAttrs).map((out, i) => {
    const k = widened.findIndex((w, j) => w !== inputs[j] && w.storage === out.storage);
    if (k >= 0) {
      writeBack(inputs[k]!, out);
      return inputs[k]!;
    }
    // Ops whose output shape depends on the data have no prediction: their outputs keep the first input's dtype.
    const want = expected?.[i]?.dtype ?? inputs[0]?.dtype;
    if (want === undefined || !isEncoded(want) || out.dtype !== computeDType(want)) return out;
    return hostView(encodeNumbers(op, decodeOrSelf(out), want), out.shape, want);
  });
}

/** A view's numbers in row-major order (kernels return contiguous views; others are gathered). */
function decodeOrSelf(x: TensorView): ArrayLike<number> {
  const data = x.storage.data as TypedArray;
  if (isContiguous(x)) return data.subarray(x.offset, x.offset + numel(x));
  return Array.from(stridedOffsets(x.shape, x.strides, x.offset), (at) => data[at]!);
}
