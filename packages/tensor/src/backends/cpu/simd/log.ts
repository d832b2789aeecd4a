import { type Code, type FunctionSpec, op } from '../gemm/wasm-emitter';
import {
  A,
  FIRST_LOCAL,
  f32Splat,
  f32x4,
  f64Splat,
  f64x2,
  hornerSteps,
  i32Splat,
  i32x4,
  type LanePair,
  narrowPairs,
  OUT,
  type Step,
  simd,
  v128,
  vectorLoop,
  widen,
} from './code';

// float32 log and log1p on f32x4 lanes (Cephes' logf): x = 2^k m with m in [sqrt(1/2), sqrt(2)), f = m - 1,
// log x = k ln2 + f - f^2/2 + f^3 P(f), ln2 split so k * 0.693359375 is exact. Subnormal inputs are scaled
// by 2^23 first; x < 0 and NaN give NaN, +-0 -Infinity, +Infinity itself (selects, no branch). Worst
// against the float64 result: log 0.83 ulp over every 7th positive float32 (1e6 values: 2.0 ms, 13.5 in
// the JS loop), log1p 1.22 ulp there and 1.44 over every 3rd float32 in (-1, 0) (2.5 ms, 16.9 in JS).

/** P's coefficients, highest degree first: log(1 + f) = f - f^2/2 + f^3 P(f) on [sqrt(1/2) - 1, sqrt(2) - 1]. */
export const LOG_POLYNOMIAL = [
  7.0376836292e-2, -1.151461031e-1, 1.167699874e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1,
  2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1,
];
const SMALLEST_NORMAL = 2 ** -126;
const SQRT_HALF = Math.SQRT1_2;

/** Vectors per iteration (1 and 2 measured slower). */
export const LOG_VECTORS = 4;

/** Per vector: the kernel's input, log's argument x, exponent k (as float), f, f^2, the polynomial. */
interface LogLocals {
  input: number;
  x: number;
  k: number;
  f: number;
  z: number;
  p: number;
}
const LOCALS = 6;
const localsOf = (vector: number): LogLocals => {
  const first = FIRST_LOCAL + vector * LOCALS;
  return { input: first, x: first + 1, k: first + 2, f: first + 3, z: first + 4, p: first + 5 };
};

const { get, set } = op;
const f32 = (opcode: number, ...operands: Code[]) => simd(opcode, ...operands);
const c = f32Splat;
const on =
  (statement: (l: LogLocals, offset: number) => Code): Step =>
  (vector) =>
    statement(localsOf(vector), 16 * vector);

/** f z P(f) - z / 2 (z = f^2), log(1 + f)'s terms after f, in float32 (log2's). */
const tail = ({ f, z, p }: LogLocals): Code =>
  f32(f32x4.sub, f32(f32x4.mul, f32(f32x4.mul, get(f), get(z)), get(p)), f32(f32x4.mul, get(z), c(0.5)));

/** y = f z P + k * -2.12194440e-4 - z / 2; log x = (f + y) + k * 0.693359375, in float32. */
const naturalLog = ({ k, f, z, p }: LogLocals): Code => {
  const y = f32(
    f32x4.sub,
    f32(
      f32x4.add,
      f32(f32x4.mul, f32(f32x4.mul, get(f), get(z)), get(p)),
      f32(f32x4.mul, get(k), c(-2.1219444e-4)),
    ),
    f32(f32x4.mul, get(z), c(0.5)),
  );
  return f32(f32x4.add, f32(f32x4.add, get(f), y), f32(f32x4.mul, get(k), c(0.693359375)));
};

/**
 * A kernel storing `result(l, log)` for the logarithm (`normal(l)` on positive normal and subnormal lanes,
 * natural by default) of `argument(input)` (kept in `l.x`), {@link LOG_VECTORS} vectors per iteration.
 */
function logKernel(
  name: string,
  argument: (input: Code) => Code,
  result: (l: LogLocals, log: Code) => Code,
  normal: (l: LogLocals) => Code = naturalLog,
) {
  return vectorLoop({
    name,
    vectors: LOG_VECTORS,
    locals: LOG_VECTORS * LOCALS,
    steps: [
      on((l, offset) => [
        ...set(l.input, op.v128Load(get(A), offset)),
        ...set(l.x, argument(get(l.input))),
        // subnormals scaled into the normal range (k corrected below); p: the scaled lanes' mask
        ...set(l.p, f32(f32x4.lt, f32(f32x4.abs, get(l.x)), c(SMALLEST_NORMAL))),
      ]),
      on((l) => [
        ...set(l.f, simd(v128.bitselect, f32(f32x4.mul, get(l.x), c(2 ** 23)), get(l.x), get(l.p))),
        // k = biased exponent - 127 (- 23 where scaled)
        ...set(
          l.k,
          simd(
            i32x4.sub,
            simd(i32x4.shrU, get(l.f), op.i32(23)),
            simd(v128.bitselect, i32Splat(127 + 23), i32Splat(127), get(l.p)),
          ),
        ),
        // m in [1, 2): the mantissa with exponent 0
        ...set(l.f, simd(v128.or, simd(v128.and, get(l.f), i32Splat(0x7fffff)), i32Splat(0x3f800000))),
      ]),
      // m >= sqrt(2): m / 2, k + 1 (p: that mask, whose lanes are -1)
      on((l) => [
        ...set(l.p, f32(f32x4.ge, get(l.f), c(2 * SQRT_HALF))),
        ...set(l.f, simd(v128.bitselect, f32(f32x4.mul, get(l.f), c(0.5)), get(l.f), get(l.p))),
        ...set(l.k, f32(f32x4.fromI32, simd(i32x4.sub, get(l.k), get(l.p)))),
        ...set(l.f, f32(f32x4.sub, get(l.f), c(1))),
      ]),
      on((l) => set(l.z, f32(f32x4.mul, get(l.f), get(l.f)))),
      ...hornerSteps(
        (vector) => localsOf(vector).p,
        (vector) => localsOf(vector).f,
        LOG_POLYNOMIAL,
      ),
      on((l, offset) => {
        const { x } = l;
        // x <= 0 and NaN: NaN; then +-0: -Infinity; +Infinity: itself
        const positive = simd(v128.bitselect, normal(l), c(Number.NaN), f32(f32x4.gt, get(x), c(0)));
        const zero = simd(v128.bitselect, c(-Infinity), positive, f32(f32x4.eq, get(x), c(0)));
        const log = simd(v128.bitselect, get(x), zero, f32(f32x4.eq, get(x), c(Infinity)));
        return op.v128Store(get(OUT), offset, result(l, log));
      }),
    ],
  });
}

/** log(x). */
export const logFunction = (): FunctionSpec =>
  logKernel(
    'log',
    (x) => x,
    (_, log) => log,
  );

/**
 * log2(x) = k + (f + tail) / ln2, the sum and quotient in float64 two lanes at a time and rounded once (the
 * tail's float32 rounding is small against f): JS's Math.log2 took ~21 ms per 1e6 values.
 */
export const log2Function = (): FunctionSpec =>
  logKernel(
    'log2',
    (x) => x,
    (_, log) => log,
    (l) => {
      const half = (pair: LanePair) =>
        simd(
          f64x2.add,
          widen(get(l.k), pair),
          simd(f64x2.mul, simd(f64x2.add, widen(get(l.f), pair), widen(tail(l), pair)), f64Splat(Math.LOG2E)),
        );
      return narrowPairs(half('low'), half('high'));
    },
  );

/**
 * log1p(x) = log(u) + (x - (u - 1)) / u with u = fl(1 + x): the quotient puts back what rounding u
 * dropped. Where u is 1 the result is x itself (so -0 stays -0); where u is 0 or Infinity (x = -1, x =
 * Infinity) there is nothing to put back.
 */
export const log1pFunction = (): FunctionSpec =>
  logKernel(
    'log1p',
    (x) => f32(f32x4.add, c(1), x),
    ({ input, x }, log) => {
      const dropped = f32(f32x4.sub, get(input), f32(f32x4.sub, get(x), c(1)));
      const finite = simd(v128.and, f32(f32x4.ne, get(x), c(0)), f32(f32x4.ne, get(x), c(Infinity)));
      const corrected = f32(f32x4.add, log, simd(v128.and, f32(f32x4.div, dropped, get(x)), finite));
      return simd(v128.bitselect, get(input), corrected, f32(f32x4.eq, get(x), c(1)));
    },
  );
