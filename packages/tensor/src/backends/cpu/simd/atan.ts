import { type Code, type FunctionSpec, op } from '../gemm/wasm-emitter';
import {
  A,
  B,
  FIRST_LOCAL,
  f64Splat,
  f64x2,
  hornerF64,
  type LanePair,
  narrowPairs,
  OUT,
  simd,
  stepsOver,
  v128,
  vectorLoop,
  widen,
} from './code';
import { EXP_VECTORS } from './exp';

// float32 atan, atan2, asin and acos on f32x4 lanes, in float64 two lanes at a time. asin x and acos x are
// atan2(x, r) and atan2(r, x) with r = sqrt(1 - x^2): x^2 of a float32 is exact in float64, so r carries
// two float64 roundings (none in 1 - x^2 past |x| = 0.71), far below float32's, and |x| > 1 gives NaN. Then
// b = |y| / |x| (atan: |x|), or its inverse past 1 (atan a = pi/2 - atan(1/a)), c = (b - 1) / (b + 1) past
// tan(pi/8) (atan b = pi/4 + atan c), so |c| <= tan(pi/8) and the Taylor series c - c^3/3 + ... to c^23 is
// good to 1e-11; the quadrant and sign go back on at the end and the result is rounded once. The JS loops'
// Math.atan, Math.atan2, Math.asin and Math.acos took ~17, ~25, ~16 and ~16 ms per 1e6 values.

/** tan(pi/8): past it the argument is moved by pi/4. */
const TAN_PI_8 = Math.SQRT2 - 1;
/** atan c = c + c z T(z), z = c^2: T's coefficients -1/3, 1/5, ..., highest degree first. */
const SERIES = Array.from({ length: 11 }, (_, i) => (i % 2 === 0 ? -1 : 1) / (2 * i + 3)).reverse();

/** The kernels built on atan2(y, x): atan skips its quadrant, asin and acos feed it r = sqrt(1 - x^2). */
type AtanKernel = 'atan' | 'atan2' | 'asin' | 'acos';

type Pair = Readonly<Record<LanePair, number>>;
/** Per vector: the vectors at A and B, then per lane pair y, x, the masks `inverted` and `moved`, b, c, z. */
const LOCALS = 16;
interface AtanLocals {
  /** The vector at A: atan's, asin's and acos's argument, atan2's y. */
  readonly input: number;
  /** The vector at B: atan2's x. */
  readonly second: number;
  /** atan2's operands in float64 (atan's argument is y; x is unused). */
  readonly y: Pair;
  readonly x: Pair;
  readonly inverted: Pair;
  readonly moved: Pair;
  readonly b: Pair;
  readonly c: Pair;
  /** c^2. */
  readonly z: Pair;
}

/**
 * `name`, `EXP_VECTORS` vectors per iteration: atan(x), atan2(y, x) (y at A, x at B), asin(x) or acos(x),
 * <= 0.51 ulp. atan: +-0 keep their sign, +-Infinity give +-pi/2. atan2 as C's: the angle's sign is y's,
 * x's sign bit (-0 included) picks the far half plane, two infinities give an odd multiple of pi/4. asin
 * and acos as Math.asin / Math.acos: NaN past [-1, 1], asin(+-0) = +-0, acos(1) = +0, acos(-1) = pi.
 */
function atanFunction(name: AtanKernel): FunctionSpec {
  const { get, set } = op;
  const f64 = (opcode: number, ...operands: Code[]) => simd(opcode, ...operands);
  const select = (whenTrue: Code, whenFalse: Code, mask: Code) =>
    simd(v128.bitselect, whenTrue, whenFalse, mask);
  const localsOf = (vector: number): AtanLocals => {
    const first = FIRST_LOCAL + vector * LOCALS;
    const pairOf = (at: number) => ({ low: first + at, high: first + at + 1 });
    return {
      input: first,
      second: first + 1,
      y: pairOf(2),
      x: pairOf(4),
      inverted: pairOf(6),
      moved: pairOf(8),
      b: pairOf(10),
      c: pairOf(12),
      z: pairOf(14),
    };
  };
  const { on, forPairs } = stepsOver(localsOf);
  const size = (local: number) => f64(f64x2.abs, get(local));
  /** y and x in float64: asin's x and acos's y are r = sqrt(1 - x^2) (NaN for |x| > 1 and infinities). */
  const operands = ({ input, second, y, x }: AtanLocals, pair: LanePair): Code => {
    const [argument, root] = name === 'acos' ? [x, y] : [y, x];
    const oneMinusSquare = f64(
      f64x2.sub,
      f64Splat(1),
      f64(f64x2.mul, get(argument[pair]), get(argument[pair])),
    );
    return [
      ...set(argument[pair], widen(get(input), pair)),
      ...(name === 'atan2' ? set(x[pair], widen(get(second), pair)) : []),
      ...(name === 'asin' || name === 'acos' ? set(root[pair], f64(f64x2.sqrt, oneMinusSquare)) : []),
    ];
  };
  const half = ({ y, x, inverted, moved, c, z }: AtanLocals, pair: LanePair): Code => {
    const series = hornerF64(get(z[pair]), SERIES);
    const cz = f64(f64x2.mul, get(c[pair]), get(z[pair]));
    const atanB = f64(
      f64x2.add,
      simd(v128.and, f64Splat(Math.PI / 4), get(moved[pair])),
      f64(f64x2.add, get(c[pair]), f64(f64x2.mul, cz, series)),
    );
    const atanA = select(f64(f64x2.sub, f64Splat(Math.PI / 2), atanB), atanB, get(inverted[pair]));
    // pi - angle where x's sign bit is set (i64x2.lt_s of the bits), then y's sign bit (NaN stays NaN)
    const far = simd(0xd8, get(x[pair]), op.v128Zero());
    const angle = name === 'atan' ? atanA : select(f64(f64x2.sub, f64Splat(Math.PI), atanA), atanA, far);
    return simd(v128.or, angle, simd(v128.and, get(y[pair]), f64Splat(-0)));
  };
  /** b before any inversion: |x|, or atan2's |y| / |x| with 0/0 as 0 and Infinity/Infinity as 1. */
  const ratio = ({ y, x }: AtanLocals, pair: LanePair): Code => {
    if (name === 'atan') return size(y[pair]);
    // |y| / |x| or, past 1, its inverse taken directly as |x| / |y|: the smaller over the larger
    const [ys, xs] = [size(y[pair]), size(x[pair])];
    const quotient = f64(f64x2.div, f64(f64x2.min, ys, xs), f64(f64x2.max, ys, xs));
    const bothZero = f64(0x47, f64(f64x2.add, ys, xs), f64Splat(0));
    const bothInfinite = simd(v128.and, f64(0x47, ys, f64Splat(Infinity)), f64(0x47, xs, f64Splat(Infinity)));
    return select(f64Splat(1), simd(v128.andNot, quotient, bothZero), bothInfinite);
  };
  return vectorLoop({
    name,
    vectors: EXP_VECTORS,
    locals: EXP_VECTORS * LOCALS,
    steps: [
      on(({ input, second }, offset) => [
        ...set(input, op.v128Load(get(A), offset)),
        ...(name === 'atan2' ? set(second, op.v128Load(get(B), offset)) : []),
      ]),
      forPairs(operands),
      // b = |x| or |y| / |x|, then its inverse past 1
      ...(name === 'atan'
        ? [
            forPairs((l, pair) => set(l.b[pair], ratio(l, pair))),
            forPairs(({ inverted, b }, pair) =>
              set(inverted[pair], f64(f64x2.gt, get(b[pair]), f64Splat(1))),
            ),
            forPairs(({ inverted, b }, pair) =>
              set(
                b[pair],
                select(f64(f64x2.div, f64Splat(1), get(b[pair])), get(b[pair]), get(inverted[pair])),
              ),
            ),
          ]
        : [
            forPairs(({ y, x, inverted }, pair) =>
              set(inverted[pair], f64(f64x2.gt, size(y[pair]), size(x[pair]))),
            ),
            forPairs((l, pair) => set(l.b[pair], ratio(l, pair))),
          ]),
      // c = (b - 1) / (b + 1) past tan(pi/8), else b
      forPairs(({ moved, b }, pair) => set(moved[pair], f64(f64x2.gt, get(b[pair]), f64Splat(TAN_PI_8)))),
      forPairs(({ moved, b, c }, pair) => {
        const shifted = f64(
          f64x2.div,
          f64(f64x2.sub, get(b[pair]), f64Splat(1)),
          f64(f64x2.add, get(b[pair]), f64Splat(1)),
        );
        return set(c[pair], select(shifted, get(b[pair]), get(moved[pair])));
      }),
      forPairs(({ c, z }, pair) => set(z[pair], f64(f64x2.mul, get(c[pair]), get(c[pair])))),
      on((l, offset) => op.v128Store(get(OUT), offset, narrowPairs(half(l, 'low'), half(l, 'high')))),
    ],
  });
}

/** The kernels of atan.ts, exported by name: atan, atan2, asin and acos. */
export const atanFunctions = (): FunctionSpec[] =>
  (['atan', 'atan2', 'asin', 'acos'] as const).map((name) => atanFunction(name));
