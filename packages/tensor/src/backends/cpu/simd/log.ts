import { type Code, type FunctionSpec, op } from '../gemm/wasm-emitter';
import {
  A,
  FIRST_LOCAL,
  f32Splat,
  f32x4,
  i32Splat,
  i32x4,
  OUT,
  type Step,
  simd,
  v128,
  vectorLoop,
} from './code';

// float32 natural log on f32x4 lanes (Cephes' logf): x = 2^k m with m in [sqrt(1/2), sqrt(2)), f = m - 1,
// log x = k ln2 + f - f^2/2 + f^3 P(f), ln2 split so k * 0.693359375 is exact. Subnormal inputs are scaled
// by 2^23 first; x < 0 and NaN give NaN, +-0 -Infinity, +Infinity itself (selects, no branch). Worst
// 0.83 ulp of the float64 result over every 7th positive float32; 1e6 values: 2.0 ms, 13.5 in the JS loop.

/** P's coefficients, highest degree first: log(1 + f) = f - f^2/2 + f^3 P(f) on [sqrt(1/2) - 1, sqrt(2) - 1]. */
const P = [
  7.0376836292e-2, -1.151461031e-1, 1.167699874e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1,
  2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1,
];
const SMALLEST_NORMAL = 2 ** -126;
const SQRT_HALF = Math.SQRT1_2;

/** Vectors per iteration (1 and 2 measured slower). */
export const LOG_VECTORS = 4;

/** Per vector: input, then exponent k (as float), f, f^2, the polynomial. */
const LOCALS = 5;

export function logFunction(): FunctionSpec {
  const { get, set } = op;
  const at = (vector: number) => FIRST_LOCAL + vector * LOCALS;
  const on =
    (statement: (x: number, k: number, f: number, z: number, p: number, offset: number) => Code): Step =>
    (vector) => {
      const x = at(vector);
      return statement(x, x + 1, x + 2, x + 3, x + 4, 16 * vector);
    };
  const f32 = (opcode: number, ...operands: Code[]) => simd(opcode, ...operands);
  const c = f32Splat;
  return vectorLoop({
    name: 'log',
    vectors: LOG_VECTORS,
    locals: LOG_VECTORS * LOCALS,
    steps: [
      on((x, _k, _f, _z, p, offset) => [
        ...set(x, op.v128Load(get(A), offset)),
        // subnormals scaled into the normal range (k corrected below); p: the scaled lanes' mask
        ...set(p, f32(f32x4.lt, f32(f32x4.abs, get(x)), c(SMALLEST_NORMAL))),
      ]),
      on((x, k, f, _z, p) => {
        const scaled = simd(v128.bitselect, f32(f32x4.mul, get(x), c(2 ** 23)), get(x), get(p));
        return [
          ...set(f, scaled),
          // k = biased exponent - 127 (- 23 where scaled)
          ...set(
            k,
            simd(
              i32x4.sub,
              simd(i32x4.shrU, get(f), op.i32(23)),
              simd(v128.bitselect, i32Splat(127 + 23), i32Splat(127), get(p)),
            ),
          ),
          // m in [1, 2): the mantissa with exponent 0
          ...set(f, simd(v128.or, simd(v128.and, get(f), i32Splat(0x7fffff)), i32Splat(0x3f800000))),
        ];
      }),
      // m >= sqrt(2): m / 2, k + 1 (p: that mask, whose lanes are -1)
      on((_x, k, f, _z, p) => [
        ...set(p, f32(f32x4.ge, get(f), c(2 * SQRT_HALF))),
        ...set(f, simd(v128.bitselect, f32(f32x4.mul, get(f), c(0.5)), get(f), get(p))),
        ...set(k, f32(f32x4.fromI32, simd(i32x4.sub, get(k), get(p)))),
        ...set(f, f32(f32x4.sub, get(f), c(1))),
        ...set(p, c(P[0]!)),
      ]),
      on((_x, _k, f, z) => set(z, f32(f32x4.mul, get(f), get(f)))),
      ...P.slice(1).map((coefficient) =>
        on((_x, _k, f, _z, p) => set(p, f32(f32x4.add, f32(f32x4.mul, get(p), get(f)), c(coefficient)))),
      ),
      on((x, k, f, z, p, offset) => {
        // y = f z P + k * -2.12194440e-4 - z / 2; log = (f + y) + k * 0.693359375
        const y = f32(
          f32x4.sub,
          f32(
            f32x4.add,
            f32(f32x4.mul, f32(f32x4.mul, get(f), get(z)), get(p)),
            f32(f32x4.mul, get(k), c(-2.1219444e-4)),
          ),
          f32(f32x4.mul, get(z), c(0.5)),
        );
        const normal = f32(f32x4.add, f32(f32x4.add, get(f), y), f32(f32x4.mul, get(k), c(0.693359375)));
        // x <= 0 and NaN: NaN; then +-0: -Infinity; +Infinity: itself
        const positive = simd(v128.bitselect, normal, c(Number.NaN), f32(f32x4.gt, get(x), c(0)));
        const zero = simd(v128.bitselect, c(-Infinity), positive, f32(f32x4.eq, get(x), c(0)));
        return op.v128Store(
          get(OUT),
          offset,
          simd(v128.bitselect, get(x), zero, f32(f32x4.eq, get(x), c(Infinity))),
        );
      }),
    ],
  });
}
