import { type Code, type FunctionSpec, op } from '../gemm/wasm-emitter';
import { floorDivide, remainder } from '../scalar-math';
import {
  A,
  B,
  END,
  FIRST_LOCAL,
  f32Splat,
  f32x4,
  f64Splat,
  f64x2,
  type LanePair,
  narrowPairs,
  OUT,
  type Step,
  simd,
  stepsOver,
  v128,
  vectorLoop,
  widen,
  widenMask,
} from './code';
import { EXP_VECTORS } from './exp';

// float32 hypot, fmod, remainder and floorDivide on f32x4 lanes, the arithmetic in float64 two lanes at a
// time.
//
// hypot: x^2 and y^2 are exact in float64 (24-bit significands, exponents far inside float64's range), so
// sqrt(x^2 + y^2) has two float64 roundings before the float32 one: <= 0.5 ulp + 2^-28 ulp.
//
// fmod: r = x - trunc(x / y) y, every step exact while |x / y| < 2^29. Where |x| < |y| the result is x,
// taken directly (that covers y = +-Infinity too, where trunc(x / y) y would be 0 * Infinity = NaN). Else
// x is a multiple of y's ulp u (float32 ulps grow with magnitude; subnormals share the least), so for an
// integer n other than x / y, x - n y is a nonzero multiple of u and |x / y - n| >= u / |y| > 2^-24 (y's
// significand is below 2^24 u). Below 2^29 float64's spacing is at most 2^-24, so the rounded quotient is
// within 2^-25 of x / y: never on an integer x / y is not, nor across one (integers there are float64
// values and rounding is monotonic). It truncates to the exact q = trunc(x / y), and reaches 2^29 exactly
// where x / y does. q (29 bits) times y (24) is exact in float64's 53, and so is x - q y: the exact
// remainder, a float32. x's sign bit goes on, as C's fmod keeps it where y divides x (fmod(-4, 2) is -0,
// as the JS loop's -4 % 2). y = 0 and non-finite x give NaN through the arithmetic (x / 0 is infinite or
// NaN, then Infinity - Infinity or 0 * Infinity), as the JS loop does; lanes with a finite |x / y| >= 2^29
// are flagged at END as trig.ts's, and their chunk is redone with the JS loop's functions
// (BINARY_MATH_REDO).
//
// remainder: the JS loop's `r !== 0 && r < 0 !== y < 0 ? r + y : r` (scalarMath.remainder) on fmod's r in
// float32 lanes. Its float64 r + y rounds once more than the float32 add, yet to the same float32: the
// sum is exact in float64 unless |r| < 2^-29 |y|, and then it lies within 2^-28 ulp of y, far from a
// float32 midpoint.
//
// floorDivide: the JS loop's (and torch's) `(x - r) / y`, less 1 where r and y differ in sign, with r =
// fmod(x, y): x - r is n y exactly, so the float64 quotient is the integer n (below 2^29) and the JS loop's
// floor and its `> 0.5` step change nothing; a zero quotient takes the sign of x / y, y = 0 gives x / y.

/** |x / y| from here on is flagged: q y may need more than float64's 53 bits. */
const EXACT_QUOTIENT_LIMIT = 2 ** 29;

/** Kernels over two dense float32 inputs. */
export const BINARY_MATH = ['hypot', 'fmod', 'remainder', 'floorDivide'] as const;
type BinaryMath = (typeof BINARY_MATH)[number];

/** Those that also run with one operand a single value: `${name}ScalarB` holds y, `${name}ScalarA` x. */
export const BINARY_MATH_SCALAR_OPERAND = ['fmod', 'remainder', 'floorDivide'] as const;

/** The operand a `${name}ScalarA` / `${name}ScalarB` kernel reads once from B and holds in every lane. */
type Held = 'a' | 'b';

/** Per vector: x and y, then per lane pair the float64 result (fmod: the quotient first). */
const LOCALS = 4;
interface BinaryLocals {
  readonly x: number;
  readonly y: number;
  readonly r: Readonly<Record<LanePair, number>>;
}

const { get, set } = op;

/** A flag and the held value's locals, before the vectors'. */
const [FLAGS, HELD] = [FIRST_LOCAL, FIRST_LOCAL + 1];

/**
 * Kernel `name` over x at A and y at B, or, with `held`, over one of them read once from B and the other
 * at A, `EXP_VECTORS` vectors per iteration (see above): hypot within 0.5 ulp + 2^-28 ulp of
 * sqrt(x^2 + y^2), +Infinity where either is infinite (NaN or not the other, as Math.hypot); fmod exact;
 * remainder exact but for its r + y, rounded as the JS loop's; floorDivide the JS loop's. Special values
 * as the JS loop's.
 */
function binaryMathFunction(name: BinaryMath, held?: Held): FunctionSpec {
  const localsOf = (vector: number): BinaryLocals => {
    const first = FIRST_LOCAL + 2 + vector * LOCALS;
    return { x: first, y: first + 1, r: { low: first + 2, high: first + 3 } };
  };
  const { on, forPairs } = stepsOver(localsOf);
  const streamed = (offset: number) => op.v128Load(get(A), offset);
  const load = on(({ x, y }, offset) => [
    ...set(x, held === 'a' ? get(HELD) : streamed(offset)),
    ...set(y, held === 'b' ? get(HELD) : held === 'a' ? streamed(offset) : op.v128Load(get(B), offset)),
  ]);
  const wide = ({ x, y }: BinaryLocals, pair: LanePair): [Code, Code] => [
    widen(get(x), pair),
    widen(get(y), pair),
  ];
  const isInfinite = (v: Code) => simd(f32x4.eq, simd(f32x4.abs, v), f32Splat(Infinity));
  const steps: Step[] =
    name === 'hypot'
      ? [
          load,
          forPairs((l, pair) => {
            const [x, y] = wide(l, pair);
            return set(
              l.r[pair],
              simd(f64x2.sqrt, simd(f64x2.add, simd(f64x2.mul, x, x), simd(f64x2.mul, y, y))),
            );
          }),
          on(({ x, y, r }, offset) =>
            op.v128Store(
              get(OUT),
              offset,
              simd(
                v128.bitselect,
                f32Splat(Infinity),
                narrowPairs(get(r.low), get(r.high)),
                simd(v128.or, isInfinite(get(x)), isInfinite(get(y))),
              ),
            ),
          ),
        ]
      : [
          load,
          forPairs((l, pair) => set(l.r[pair], simd(f64x2.div, ...wide(l, pair)))),
          // flag finite quotients past the limit; then truncate
          forPairs(({ r }, pair) => {
            const size = simd(f64x2.abs, get(r[pair]));
            const past = simd(
              v128.and,
              simd(f64x2.ge, size, f64Splat(EXACT_QUOTIENT_LIMIT)),
              simd(f64x2.lt, size, f64Splat(Infinity)),
            );
            return [
              ...set(FLAGS, simd(v128.or, get(FLAGS), past)),
              ...set(r[pair], simd(f64x2.trunc, get(r[pair]))),
            ];
          }),
          forPairs((l, pair) => {
            const [x, y] = wide(l, pair);
            return set(l.r[pair], simd(f64x2.sub, x, simd(f64x2.mul, get(l.r[pair]), y)));
          }),
          // fmod: x where |x| < |y|, with x's sign bit (into r.low)
          on(({ x, y, r }) => {
            const smaller = simd(f32x4.lt, simd(f32x4.abs, get(x)), simd(f32x4.abs, get(y)));
            const fmod = simd(v128.bitselect, get(x), narrowPairs(get(r.low), get(r.high)), smaller);
            return set(r.low, simd(v128.or, fmod, simd(v128.and, get(x), f32Splat(-0))));
          }),
          // remainder and floorDivide: the lanes where r and y differ in sign (r nonzero), into r.high
          on(({ y, r }) => {
            const zero = f32Splat(0);
            return set(
              r.high,
              simd(
                v128.and,
                simd(f32x4.ne, get(r.low), zero),
                simd(v128.xor, simd(f32x4.lt, get(r.low), zero), simd(f32x4.lt, get(y), zero)),
              ),
            );
          }),
          on(({ x, y, r }, offset) => {
            if (name === 'fmod') return op.v128Store(get(OUT), offset, get(r.low));
            if (name === 'remainder') {
              const sum = simd(f32x4.add, get(r.low), get(y));
              return op.v128Store(get(OUT), offset, simd(v128.bitselect, sum, get(r.low), get(r.high)));
            }
            // floorDivide: (x - r) / y exactly (an integer below 2^29), less 1 where r and y differ in
            // sign; a zero takes the sign of x / y, and y = 0 gives x / y itself
            const quotient = (pair: LanePair) => {
              const [xs, ys] = [widen(get(x), pair), widen(get(y), pair)];
              const exact = simd(f64x2.div, simd(f64x2.sub, xs, widen(get(r.low), pair)), ys);
              return simd(f64x2.add, exact, simd(v128.and, widenMask(get(r.high), pair), f64Splat(-1)));
            };
            const floored = narrowPairs(quotient('low'), quotient('high'));
            const signedZero = simd(v128.and, simd(v128.xor, get(x), get(y)), f32Splat(-0));
            const zeroed = simd(v128.bitselect, signedZero, floored, simd(f32x4.eq, floored, f32Splat(0)));
            const byZero = simd(f32x4.eq, get(y), f32Splat(0));
            return op.v128Store(
              get(OUT),
              offset,
              simd(v128.bitselect, simd(f32x4.div, get(x), get(y)), zeroed, byZero),
            );
          }),
        ];
  const loop = vectorLoop({
    name: held === undefined ? name : `${name}Scalar${held.toUpperCase()}`,
    vectors: EXP_VECTORS,
    locals: 2 + EXP_VECTORS * LOCALS,
    steps,
    epilogue: name === 'hypot' ? [] : op.v128Store(get(END), 0, get(FLAGS)),
  });
  const prologue = held === undefined ? [] : set(HELD, op.splat(4, get(B), 0));
  return { ...loop, body: [...prologue, ...loop.body] };
}

/** hypot, fmod, remainder and floorDivide, and the ScalarA / ScalarB forms of the last three, by name. */
export const binaryMathFunctions = (): FunctionSpec[] => [
  ...BINARY_MATH.map((name) => binaryMathFunction(name)),
  ...BINARY_MATH_SCALAR_OPERAND.flatMap((name) => [
    binaryMathFunction(name, 'a'),
    binaryMathFunction(name, 'b'),
  ]),
];

/** The JS loop's fmod, remainder and floorDivide of x and y. */
const REDO: Readonly<Record<(typeof BINARY_MATH_SCALAR_OPERAND)[number], (x: number, y: number) => number>> =
  {
    fmod: (x, y) => x % y,
    remainder,
    floorDivide,
  };

/**
 * What redoes a lane the fmod, remainder and floorDivide kernels flagged, by kernel, from the value at A
 * and the one at B (a ScalarA kernel's x is at B).
 */
export const BINARY_MATH_REDO: Readonly<Record<string, (a: number, b: number) => number>> =
  Object.fromEntries(
    Object.entries(REDO).flatMap(([name, f]) => [
      [name, f],
      [`${name}ScalarB`, f],
      [`${name}ScalarA`, (a: number, b: number) => f(b, a)],
    ]),
  );
