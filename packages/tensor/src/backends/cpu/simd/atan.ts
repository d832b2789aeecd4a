import { type Code, type FunctionSpec, op } from '../gemm/wasm-emitter';
import {
  A,
  FIRST_LOCAL,
  f64Splat,
  f64x2,
  type LanePair,
  narrowPairs,
  OUT,
  type Step,
  simd,
  v128,
  vectorLoop,
  widen,
} from './code';
import { EXP_VECTORS } from './exp';

// float32 atan on f32x4 lanes, in float64 two lanes at a time: a = |x|, b = 1/a past 1 (atan a = pi/2 -
// atan b), c = (b - 1) / (b + 1) past tan(pi/8) (atan b = pi/4 + atan c), so |c| <= tan(pi/8) and the
// Taylor series c - c^3/3 + ... to c^23 is good to 1e-11; the sign of x goes back on at the end and the
// result is rounded once. The JS loop's Math.atan took ~17 ms per 1e6 values.

/** tan(pi/8): past it the argument is moved by pi/4. */
const TAN_PI_8 = Math.SQRT2 - 1;
/** atan c = c + c z T(z), z = c^2: T's coefficients -1/3, 1/5, ..., highest degree first. */
const SERIES = Array.from({ length: 11 }, (_, i) => (i % 2 === 0 ? -1 : 1) / (2 * i + 3)).reverse();

/** Per vector: x, then per lane pair the masks `inverted` and `moved`, b, c and z = c^2. */
const LOCALS = 11;
interface AtanLocals {
  readonly x: number;
  readonly inverted: Readonly<Record<LanePair, number>>;
  readonly moved: Readonly<Record<LanePair, number>>;
  readonly b: Readonly<Record<LanePair, number>>;
  readonly c: Readonly<Record<LanePair, number>>;
  readonly z: Readonly<Record<LanePair, number>>;
}

/** atan(x), `EXP_VECTORS` vectors per iteration: <= 0.51 ulp. +-0 keep their sign; +-Infinity give +-pi/2. */
function atanFunction(): FunctionSpec {
  const { get, set } = op;
  const f64 = (opcode: number, ...operands: Code[]) => simd(opcode, ...operands);
  const select = (whenTrue: Code, whenFalse: Code, mask: Code) =>
    simd(v128.bitselect, whenTrue, whenFalse, mask);
  const localsOf = (vector: number): AtanLocals => {
    const first = FIRST_LOCAL + vector * LOCALS;
    const pairOf = (at: number) => ({ low: first + at, high: first + at + 1 });
    return { x: first, inverted: pairOf(1), moved: pairOf(3), b: pairOf(5), c: pairOf(7), z: pairOf(9) };
  };
  const forPairs =
    (statement: (l: AtanLocals, pair: LanePair) => Code): Step =>
    (vector) =>
      (['low', 'high'] as const).flatMap((pair) => statement(localsOf(vector), pair));
  const half = ({ x, inverted, moved, c, z }: AtanLocals, pair: LanePair): Code => {
    const series = SERIES.slice(1).reduce<Code>(
      (sum, k) => f64(f64x2.add, f64(f64x2.mul, sum, get(z[pair])), f64Splat(k)),
      f64Splat(SERIES[0]!),
    );
    const cz = f64(f64x2.mul, get(c[pair]), get(z[pair]));
    const atanB = f64(
      f64x2.add,
      simd(v128.and, f64Splat(Math.PI / 4), get(moved[pair])),
      f64(f64x2.add, get(c[pair]), f64(f64x2.mul, cz, series)),
    );
    const atanA = select(f64(f64x2.sub, f64Splat(Math.PI / 2), atanB), atanB, get(inverted[pair]));
    // |atan x| with x's sign bit (NaN stays NaN)
    return simd(v128.or, atanA, simd(v128.and, widen(get(x), pair), f64Splat(-0)));
  };
  return vectorLoop({
    name: 'atan',
    vectors: EXP_VECTORS,
    locals: EXP_VECTORS * LOCALS,
    steps: [
      (vector) => set(localsOf(vector).x, op.v128Load(get(A), 16 * vector)),
      // b = |x|, or 1 / |x| past 1
      forPairs(({ x, b }, pair) => set(b[pair], f64(f64x2.abs, widen(get(x), pair)))),
      forPairs(({ inverted, b }, pair) => set(inverted[pair], f64(f64x2.gt, get(b[pair]), f64Splat(1)))),
      forPairs(({ inverted, b }, pair) =>
        set(b[pair], select(f64(f64x2.div, f64Splat(1), get(b[pair])), get(b[pair]), get(inverted[pair]))),
      ),
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

/** The atan kernel, exported as `atan`. */
export const atanFunctions = (): FunctionSpec[] => [atanFunction()];
