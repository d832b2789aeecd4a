import { type Code, type FunctionSpec, op } from '../gemm/wasm-emitter';
import {
  A,
  END,
  FIRST_LOCAL,
  f32Splat,
  f32x4,
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

// float32 sin, cos and tan on f32x4 lanes, the arithmetic in float64 two lanes at a time. x = n pi/2 + r with
// n = round(x 2/pi) and r by Cody-Waite in three 33-bit parts of pi/2 (fdlibm's pio2_1, pio2_2, pio2_3):
// every product n * part is exact while n < 2^20, and the first difference is exact (Sterbenz), so r is
// good to ~1e-20 even where x is close to a multiple of pi/2. sin r and cos r then by their Taylor series
// to r^11 and r^12 (|r| <= 0.9: 3e-11 relative), picked and signed by n mod 4 (tan: sin r / cos r, or
// -cos r / sin r for odd n), and rounded once to float32. Lanes with |x| >= 2^20 (finite) are flagged at END like exp's, and the caller redoes their
// chunk with Math.sin / Math.cos / Math.tan, whose reduction is exact at any size.

/** |x| from here on is redone by the JS functions (n would pass 2^20). */
const REDUCTION_LIMIT = 2 ** 20;
/** pi/2 in three parts of 33 significant bits (fdlibm's pio2_1, pio2_2, pio2_3). */
const PIO2 = [1.5707963267341256, 6.077100506303966e-11, 2.0222662487111665e-21];
/** sin r = r + r^3 (S3 + r^2 (S5 + ...)): Taylor's coefficients, highest degree first. */
const SIN = [-1 / 39916800, 1 / 362880, -1 / 5040, 1 / 120, -1 / 6];
/** cos r = 1 + r^2 (C2 + r^2 (C4 + ...)), highest degree first. */
const COS = [1 / 479001600, -1 / 3628800, 1 / 40320, -1 / 720, 1 / 24, -1 / 2];

/** The float64 sign bit in both lanes. */
const SIGN_BITS = f64Splat(-0);
/** i32x4.trunc_sat_f32x4_s, i32x4.eq, i32x4.add, v128.xor and i64x2.extend_low/high_i32x4_s. */
const OP = { truncToI32: 0xf8, i32Eq: 0x37, i32Add: 0xae, xor: 0x51, extendLow: 0xc7, extendHigh: 0xc8 };

/** Per vector: x, n as a float, n as an integer, then r and r^2 for the low and the high lane pair. */
const LOCALS = 7;
interface TrigLocals {
  readonly x: number;
  readonly nf: number;
  readonly n: number;
  readonly r: Readonly<Record<LanePair, number>>;
  readonly z: Readonly<Record<LanePair, number>>;
}

const { get, set } = op;
const f64 = (opcode: number, ...operands: Code[]) => simd(opcode, ...operands);

/**
 * `name` (sin, cos or tan), `EXP_VECTORS` vectors per iteration: correctly rounded but for 0.01 ulp below
 * 2^20. sin(+-0) and tan(+-0) keep their sign; NaN and infinities give NaN.
 */
function trigFunction(name: 'sin' | 'cos' | 'tan'): FunctionSpec {
  const flags = FIRST_LOCAL;
  const localsOf = (vector: number): TrigLocals => {
    const first = FIRST_LOCAL + 1 + vector * LOCALS;
    return {
      x: first,
      nf: first + 1,
      n: first + 2,
      r: { low: first + 3, high: first + 4 },
      z: { low: first + 5, high: first + 6 },
    };
  };
  const { on, forPairs } = stepsOver(localsOf);
  // cos x = sin(x + pi/2): the quadrant one further on.
  const quadrant = (n: Code) => (name === 'cos' ? simd(OP.i32Add, n, simd(0x11, op.i32(1))) : n);
  /** -1 in the i64 lanes of `pair` where `bit` of the quadrant is set. */
  const bitMask = (l: TrigLocals, bit: 1 | 2, pair: LanePair) =>
    simd(
      pair === 'low' ? OP.extendLow : OP.extendHigh,
      simd(OP.i32Eq, simd(v128.and, quadrant(get(l.n)), simd(0x11, op.i32(bit))), simd(0x11, op.i32(bit))),
    );
  const half = (l: TrigLocals, pair: LanePair): Code => {
    const r = get(l.r[pair]);
    const sin = f64(
      f64x2.add,
      r,
      f64(f64x2.mul, f64(f64x2.mul, r, get(l.z[pair])), hornerF64(get(l.z[pair]), SIN)),
    );
    const cos = f64(f64x2.add, f64Splat(1), f64(f64x2.mul, get(l.z[pair]), hornerF64(get(l.z[pair]), COS)));
    if (name === 'tan') {
      // tan has period pi: odd quadrants give -cos r / sin r.
      const odd = bitMask(l, 1, pair);
      const numerator = simd(v128.bitselect, f64(f64x2.neg, cos), sin, odd);
      return f64(f64x2.div, numerator, simd(v128.bitselect, sin, cos, odd));
    }
    // Odd quadrants take the other function; quadrants 2 and 3 are negated.
    const value = simd(v128.bitselect, cos, sin, bitMask(l, 1, pair));
    return simd(OP.xor, value, simd(v128.and, SIGN_BITS, bitMask(l, 2, pair)));
  };
  return vectorLoop({
    name,
    vectors: EXP_VECTORS,
    locals: 1 + EXP_VECTORS * LOCALS,
    steps: [
      on(({ x }, offset) => set(x, op.v128Load(get(A), offset))),
      on(({ x, nf }) => set(nf, simd(f32x4.nearest, simd(f32x4.mul, get(x), f32Splat(2 / Math.PI))))),
      on(({ nf, n }) => set(n, simd(OP.truncToI32, get(nf)))),
      // Finite lanes past the limit: all ones, read as far above needsFullRange's bound.
      on(({ x }) => {
        const size = simd(f32x4.abs, get(x));
        const huge = simd(
          v128.and,
          simd(f32x4.ge, size, f32Splat(REDUCTION_LIMIT)),
          simd(f32x4.lt, size, f32Splat(Infinity)),
        );
        return set(flags, simd(v128.or, get(flags), huge));
      }),
      // r = ((x - n P1) - n P2) - n P3
      forPairs(({ x, nf, r }, pair) => {
        const n = widen(get(nf), pair);
        const minus = (value: Code, part: number) => f64(f64x2.sub, value, f64(f64x2.mul, n, f64Splat(part)));
        return set(r[pair], PIO2.reduce(minus, widen(get(x), pair)));
      }),
      forPairs(({ r, z }, pair) => set(z[pair], f64(f64x2.mul, get(r[pair]), get(r[pair])))),
      on((l, offset) => op.v128Store(get(OUT), offset, narrowPairs(half(l, 'low'), half(l, 'high')))),
    ],
    epilogue: op.v128Store(get(END), 0, get(flags)),
  });
}

/** sin, cos and tan, exported by name. */
export const trigFunctions = (): FunctionSpec[] => [
  trigFunction('sin'),
  trigFunction('cos'),
  trigFunction('tan'),
];

/** What redoes a chunk the trig kernels flagged, per element: float64 Math.sin / cos / tan. */
export const TRIG_REDO: Readonly<Record<string, (x: number) => number>> = {
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
};
