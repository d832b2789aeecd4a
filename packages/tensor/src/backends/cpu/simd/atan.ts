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
  type Step,
  simd,
  stepsOver,
  v128,
  vectorLoop,
  widen,
} from './code';
import { EXP_VECTORS } from './exp';

// float32 atan and atan2 on f32x4 lanes, in float64 two lanes at a time: b = |x| (atan2: |y| / |x|), or
// its inverse past 1 (atan a = pi/2 - atan(1/a)), c = (b - 1) / (b + 1) past tan(pi/8) (atan b = pi/4 +
// atan c), so |c| <= tan(pi/8) and the Taylor series c - c^3/3 + ... to c^23 is good to 1e-11; the
// quadrant and sign go back on at the end and the result is rounded once. The JS loops' Math.atan and
// Math.atan2 took ~17 and ~25 ms per 1e6 values.

/** tan(pi/8): past it the argument is moved by pi/4. */
const TAN_PI_8 = Math.SQRT2 - 1;
/** atan c = c + c z T(z), z = c^2: T's coefficients -1/3, 1/5, ..., highest degree first. */
const SERIES = Array.from({ length: 11 }, (_, i) => (i % 2 === 0 ? -1 : 1) / (2 * i + 3)).reverse();

/** Per vector: x (atan2: y), then per lane pair the masks `inverted` and `moved`, b, c, z = c^2; atan2's x. */
const LOCALS = 12;
interface AtanLocals {
  /** atan's argument, or atan2's first (y). */
  readonly x: number;
  /** atan2's second argument (x). */
  readonly other: number;
  readonly inverted: Readonly<Record<LanePair, number>>;
  readonly moved: Readonly<Record<LanePair, number>>;
  readonly b: Readonly<Record<LanePair, number>>;
  readonly c: Readonly<Record<LanePair, number>>;
  readonly z: Readonly<Record<LanePair, number>>;
}

/**
 * atan(x), or atan2(y, x) with `name` 'atan2' (y at A, x at B), `EXP_VECTORS` vectors per iteration: <=
 * 0.51 ulp. atan: +-0 keep their sign, +-Infinity give +-pi/2. atan2 as C's: the angle's sign is y's,
 * x's sign bit (-0 included) picks the far half plane, two infinities give an odd multiple of pi/4.
 */
function atanFunction(name: 'atan' | 'atan2'): FunctionSpec {
  const { get, set } = op;
  const f64 = (opcode: number, ...operands: Code[]) => simd(opcode, ...operands);
  const select = (whenTrue: Code, whenFalse: Code, mask: Code) =>
    simd(v128.bitselect, whenTrue, whenFalse, mask);
  const localsOf = (vector: number): AtanLocals => {
    const first = FIRST_LOCAL + vector * LOCALS;
    const pairOf = (at: number) => ({ low: first + at, high: first + at + 1 });
    return {
      x: first,
      inverted: pairOf(1),
      moved: pairOf(3),
      b: pairOf(5),
      c: pairOf(7),
      z: pairOf(9),
      other: first + 11,
    };
  };
  const { forPairs } = stepsOver(localsOf);
  const signBit = (local: number, pair: LanePair) => simd(v128.and, widen(get(local), pair), f64Splat(-0));
  const half = ({ x, other, inverted, moved, c, z }: AtanLocals, pair: LanePair): Code => {
    const series = hornerF64(get(z[pair]), SERIES);
    const cz = f64(f64x2.mul, get(c[pair]), get(z[pair]));
    const atanB = f64(
      f64x2.add,
      simd(v128.and, f64Splat(Math.PI / 4), get(moved[pair])),
      f64(f64x2.add, get(c[pair]), f64(f64x2.mul, cz, series)),
    );
    const atanA = select(f64(f64x2.sub, f64Splat(Math.PI / 2), atanB), atanB, get(inverted[pair]));
    if (name === 'atan') return simd(v128.or, atanA, signBit(x, pair)); // x's sign bit (NaN stays NaN)
    // atan2: pi - angle where x's sign bit is set (i64x2.lt_s of the bits), then y's sign bit
    const far = simd(0xd8, widen(get(other), pair), op.v128Zero());
    const angle = select(f64(f64x2.sub, f64Splat(Math.PI), atanA), atanA, far);
    return simd(v128.or, angle, signBit(x, pair));
  };
  /** b before any inversion: |x|, or atan2's |y| / |x| with 0/0 as 0 and Infinity/Infinity as 1. */
  const ratio = ({ x, other }: AtanLocals, pair: LanePair): Code => {
    const size = (local: number) => f64(f64x2.abs, widen(get(local), pair));
    if (name === 'atan') return size(x);
    // |y| / |x| or, past 1, its inverse taken directly as |x| / |y|: the smaller over the larger
    const [y, xs] = [size(x), size(other)];
    const quotient = f64(f64x2.div, f64(f64x2.min, y, xs), f64(f64x2.max, y, xs));
    const bothZero = f64(0x47, f64(f64x2.add, y, xs), f64Splat(0));
    const bothInfinite = simd(v128.and, f64(0x47, y, f64Splat(Infinity)), f64(0x47, xs, f64Splat(Infinity)));
    return select(f64Splat(1), simd(v128.andNot, quotient, bothZero), bothInfinite);
  };
  return vectorLoop({
    name,
    vectors: EXP_VECTORS,
    locals: EXP_VECTORS * LOCALS,
    steps: [
      (vector) => [
        ...set(localsOf(vector).x, op.v128Load(get(A), 16 * vector)),
        ...(name === 'atan2' ? set(localsOf(vector).other, op.v128Load(get(B), 16 * vector)) : []),
      ],
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
            forPairs(({ x, other, inverted }, pair) =>
              set(
                inverted[pair],
                f64(f64x2.gt, f64(f64x2.abs, widen(get(x), pair)), f64(f64x2.abs, widen(get(other), pair))),
              ),
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
      (vector) => {
        const l = localsOf(vector);
        return op.v128Store(get(OUT), 16 * vector, narrowPairs(half(l, 'low'), half(l, 'high')));
      },
    ],
  });
}

/** The atan kernels, exported as `atan` and `atan2`. */
export const atanFunctions = (): FunctionSpec[] => [atanFunction('atan'), atanFunction('atan2')];
