// Elementwise kernels over int64 (bigint) and float16/bfloat16 (bit) storage. int64 arithmetic between
// integers is exact (bigints); everything else decodes to plain numbers, runs the number kernel and encodes
// the result (16-bit floats round to nearest even from float32, as torch computes them).
import type { ElementwiseAttrs } from '../../kernel/attrs/elementwise';
import {
  allocate,
  type DType,
  isEncoded,
  isIntegral,
  numberToInt64,
  type StorageArray,
  type TypedArray,
} from '../../kernel/dtype';
import { DTypeError, ValueError } from '../../kernel/errors';
import { broadcastShapes, broadcastStrides, shapeSize } from '../../kernel/shape';
import { stridedOffsets } from '../../kernel/strided-offsets';
import { hostView, isContiguous, numel, type TensorView } from '../../kernel/view';
import { computeDType, decodeView, encodeNumbers } from '../../kernel/widen';
import * as int64Math from './int64-math';
import { arraySignature, compileLoop, type LoopHelpers } from './strided-loop';

const helpers = int64Math as unknown as LoopHelpers;

/** Exact int64 expressions (x0..x2 bigints, p0/p1 bigint scalars) of the ops integers support. */
const INT64: Readonly<Record<string, string>> = {
  neg: 'negI64(x0)',
  abs: 'absI64(x0)',
  sign: 'signI64(x0)',
  square: 'mulI64(x0, x0)',
  relu: 'reluI64(x0)',
  add: 'addI64(x0, x1, p0)',
  sub: 'subI64(x0, x1, p0)',
  mul: 'mulI64(x0, x1)',
  floorDivide: 'floorDivI64(x0, x1)',
  truncDivide: 'truncDivI64(x0, x1)',
  remainder: 'remainderI64(x0, x1)',
  fmod: 'fmodI64(x0, x1)',
  pow: 'powI64(x0, x1)',
  minimum: '(x0 < x1 ? x0 : x1)',
  maximum: '(x0 > x1 ? x0 : x1)',
  clamp: 'clampI64(x0, x1, x2)',
  eq: '(x0 === x1 ? 1 : 0)',
  ne: '(x0 !== x1 ? 1 : 0)',
  lt: '(x0 < x1 ? 1 : 0)',
  le: '(x0 <= x1 ? 1 : 0)',
  gt: '(x0 > x1 ? 1 : 0)',
  ge: '(x0 >= x1 ? 1 : 0)',
  logicalNot: '(isZeroI64(x0) ? 1 : 0)',
  logicalAnd: '(!isZeroI64(x0) && !isZeroI64(x1) ? 1 : 0)',
  logicalOr: '(!isZeroI64(x0) || !isZeroI64(x1) ? 1 : 0)',
  logicalXor: '(isZeroI64(x0) !== isZeroI64(x1) ? 1 : 0)',
  where: '(isZeroI64(x0) ? x2 : x1)',
  cast: 'x0',
  clone: 'x0',
  copy_: 'x0',
};

const COPIES = new Set(['cast', 'clone', 'copy_']);
const DIVISIONS: Readonly<Record<string, string>> = {
  floorDivide: 'div',
  truncDivide: 'div',
  remainder: 'remainder',
  fmod: 'fmod',
};

/** Whether an elementwise call involves an encoded dtype (int64, float16, bfloat16). */
export function involvesEncoded(inputs: readonly TensorView[], dtype: DType): boolean {
  return isEncoded(dtype) || inputs.some((t) => isEncoded(t.dtype));
}

/** A number kernel: computes `attrs.dtype` from plain-number inputs, into `into` when given. */
export type NumberKernel = (
  inputs: readonly TensorView[],
  attrs: ElementwiseAttrs,
  into?: TypedArray,
) => TensorView;

/** `x`'s elements (row-major) as a contiguous int64 view. */
function asInt64(x: TensorView): TensorView {
  if (x.dtype === 'int64') return x;
  const data = x.storage.data as TypedArray;
  const n = numel(x);
  const at = isContiguous(x) ? undefined : stridedOffsets(x.shape, x.strides, x.offset);
  const out = new BigInt64Array(n);
  for (let i = 0; i < n; i++) out[i] = BigInt(data[at ? at[i]! : x.offset + i]!);
  return hostView(out as unknown as TypedArray, x.shape, 'int64');
}

/** Whether a zero is among the elements int64 view `x` reads (not only somewhere in its storage). */
function hasZero(x: TensorView): boolean {
  const data = x.storage.data as unknown as BigInt64Array;
  if (isContiguous(x)) return data.subarray(x.offset, x.offset + numel(x)).includes(0n);
  for (const at of stridedOffsets(x.shape, x.strides, x.offset)) if (data[at] === 0n) return true;
  return false;
}

function bigScalar(op: string, value: number): bigint {
  if (!Number.isInteger(value))
    throw new DTypeError(
      op,
      `for integral input tensors, the scalar argument must be an integer (got ${value})`,
    );
  return BigInt(value);
}

/** Runs one compiled loop of `expr` over broadcast inputs into `out`. */
function loop(
  name: string,
  expr: string,
  inputs: readonly TensorView[],
  out: StorageArray,
  params: readonly (number | bigint)[],
): void {
  const shape = broadcastShapes(name, ...inputs.map((t) => t.shape));
  const arrays = inputs.map((t) => t.storage.data as TypedArray);
  const compiled = compileLoop(inputs.length, expr, helpers, arraySignature(out, arrays));
  compiled(
    out as TypedArray,
    arrays,
    inputs.map((t) => t.offset),
    inputs.map((t) => broadcastStrides(t.shape, t.strides, shape)),
    shape,
    params as number[],
  );
}

/**
 * Elementwise op `name` where an input or the result has an encoded dtype; `numberKernel` is the op's
 * plain-number kernel. Writes into `into` (a dense destination of the result's dtype) when given.
 */
export function runEncodedElementwise(
  name: string,
  inputs: readonly TensorView[],
  attrs: ElementwiseAttrs,
  numberKernel: NumberKernel,
  into?: StorageArray,
): TensorView {
  const dtype = attrs.dtype;
  const integers = inputs.every((t) => isIntegral(t.dtype, true));
  const shape = broadcastShapes(name, ...inputs.map((t) => t.shape));
  const size = shapeSize(shape);
  const exact = INT64[name];
  // Integer inputs, one of them int64, an int64 (or bool) result: exact bigint arithmetic.
  if (
    exact !== undefined &&
    integers &&
    inputs.some((t) => t.dtype === 'int64') &&
    (dtype === 'int64' || (dtype === 'bool' && !COPIES.has(name)))
  ) {
    const wide = inputs.map(asInt64);
    const division = DIVISIONS[name];
    if (division !== undefined && hasZero(wide[1]!))
      throw new ValueError(division, 'ZeroDivisionError: integer division or remainder by zero');
    const out = into ?? allocate(dtype, size);
    const params = [bigScalar(name, attrs.scalar ?? 1), bigScalar(name, attrs.scalar2 ?? 0)];
    loop(name, exact, wide, out, params);
    return hostView(out as TypedArray, shape, dtype);
  }
  // int64 to a narrower integer or bool keeps the low bits exactly, as a C++ conversion does.
  if (COPIES.has(name) && inputs[0]!.dtype === 'int64' && isIntegral(dtype, true)) {
    const out = into ?? allocate(dtype, size);
    loop(name, dtype === 'bool' ? '(isZeroI64(x0) ? 0 : 1)' : 'lowBitsI64(x0)', inputs, out, []);
    return hostView(out as TypedArray, shape, dtype);
  }
  // Plain integers to int64: exact.
  if (COPIES.has(name) && dtype === 'int64' && integers) {
    const out = into ?? allocate(dtype, size);
    loop(name, 'intToI64(x0)', inputs, out, []);
    return hostView(out as TypedArray, shape, dtype);
  }
  // Anything else computes on numbers: int64 inputs exact below 2^53 (beyond, an error unless the result is
  // a float, which rounds them anyway), 16-bit floats exactly as float32.
  const exactInputs = isIntegral(dtype);
  const plain = inputs.map((t) =>
    isEncoded(t.dtype) ? hostView(decodeView(name, t, exactInputs), t.shape, computeDType(t.dtype)) : t,
  );
  const computed = numberKernel(plain, { ...attrs, dtype: computeDType(dtype) });
  if (!isEncoded(dtype)) {
    if (into) (into as TypedArray).set(computed.storage.data as TypedArray);
    return into ? hostView(into as TypedArray, shape, dtype) : computed;
  }
  const values = computed.storage.data as TypedArray;
  const encoded =
    dtype === 'int64' && COPIES.has(name)
      ? (BigInt64Array.from(values, numberToInt64) as unknown as TypedArray) // float -> int64 truncates
      : encodeNumbers(name, values, dtype);
  if (!into) return hostView(encoded, shape, dtype);
  (into as TypedArray).set(encoded);
  return hostView(into as TypedArray, shape, dtype);
}
