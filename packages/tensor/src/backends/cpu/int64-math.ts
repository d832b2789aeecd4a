// Exact int64 arithmetic for the elementwise kernels: bigints wrapped to 64 bits as torch's int64 wraps.
// Helpers rather than inline operators so generated loops need no bigint literals (the eval-free compiler
// has none).
import { ValueError } from '../../kernel/errors';

const wrap = (v: bigint): bigint => BigInt.asIntN(64, v);

export const negI64 = (a: bigint): bigint => wrap(-a);
export const absI64 = (a: bigint): bigint => wrap(a < 0n ? -a : a);
export const signI64 = (a: bigint): bigint => (a > 0n ? 1n : a < 0n ? -1n : 0n);
export const reluI64 = (a: bigint): bigint => (a < 0n ? 0n : a);
export const addI64 = (a: bigint, b: bigint, alpha: bigint): bigint => wrap(a + alpha * b);
export const subI64 = (a: bigint, b: bigint, alpha: bigint): bigint => wrap(a - alpha * b);
export const mulI64 = (a: bigint, b: bigint): bigint => wrap(a * b);
export const truncDivI64 = (a: bigint, b: bigint): bigint => wrap(a / b);
export const fmodI64 = (a: bigint, b: bigint): bigint => a % b;
export const isZeroI64 = (a: bigint): boolean => a === 0n;
export const clampI64 = (a: bigint, lo: bigint, hi: bigint): bigint => {
  const low = a < lo ? lo : a;
  return low > hi ? hi : low;
};

/** Floor division (Python's `//`): the quotient rounded toward -Infinity. */
export function floorDivI64(a: bigint, b: bigint): bigint {
  const q = a / b;
  return wrap(a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q);
}

/** Python's `%`: the remainder with the divisor's sign. */
export function remainderI64(a: bigint, b: bigint): bigint {
  const r = a % b;
  return r !== 0n && r < 0n !== b < 0n ? r + b : r;
}

/** Integer power, wrapped to 64 bits; negative exponents are an error, as torch's for integer tensors. */
export function powI64(a: bigint, b: bigint): bigint {
  if (b < 0n) throw new ValueError('pow', 'integers to negative integer powers are not allowed');
  let result = 1n;
  let base = wrap(a);
  for (let e = b; e > 0n; e >>= 1n) {
    if (e & 1n) result = wrap(result * base);
    base = wrap(base * base);
  }
  return result;
}

/** An int64's low 32 bits as a signed number: what a conversion to int32 (or narrower, by a typed array) keeps. */
export const lowBitsI64 = (a: bigint): number => Number(BigInt.asIntN(32, a));

/** The int64 of an integer-valued number (values of bool and narrower integer dtypes). */
export const intToI64 = (a: number): bigint => BigInt(a);
