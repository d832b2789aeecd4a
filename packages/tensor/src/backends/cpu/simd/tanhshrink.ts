import { type Code, type FunctionSpec, op } from '../gemm/wasm-emitter';
import { TANHSHRINK_SERIES, TANHSHRINK_SERIES_BELOW } from '../tanhshrink-series';
import {
  A,
  FIRST_LOCAL,
  f32Splat,
  f32x4,
  f64Splat,
  f64x2,
  hornerF64,
  i32Splat,
  i32x4,
  type LanePair,
  narrowPairs,
  OUT,
  pow2F64,
  simd,
  stepsOver,
  v128,
  vectorLoop,
  widen,
} from './code';
import { EXP_VECTORS, ROUNDER, ROUNDER_BITS } from './exp';
import { EXP_SERIES } from './pow';

// float32 tanhshrink(x) = x - tanh x on f32x4 lanes, in float64 two lanes at a time, rounded once. Below
// |x| = 0.25, where the difference cancels (x^3 / 3 is left of x), it is x z S(z), z = x^2, by the series the
// JS loop sums too (tanhshrink-series.ts). Above, tanh|x| = 1 - 2 / (E + 1) with E = e^(2|x|) = 2^k e^r: k
// from float32 lanes as exp.ts's, r = 2|x| - k ln2 and e^r's Taylor polynomial (pow.ts's) in float64, so E is
// good to ~1e-14 and the difference to ~1e-12 relative. exp.ts's float32 r and polynomial (~1e-8 in E) would
// be 10 ulp off at |x| = 0.25, and need a switch near 0.8 and twice the series terms. Both forms run on every
// lane; the series' is kept below the switch. 1e6 values: ~6 ms, the JS loop's x - Math.tanh(x) ~16 ms.

/** tanh|x| is 1 in float64 from |x| = 19.1: 2|x| is clamped here, which keeps 2^k in range. */
const DOUBLED_CEILING = 40;

/** Per vector: x, a = 2|x| and its rounder sum t (float32 lanes), then E and z per lane pair (float64). */
const LOCALS = 7;
interface TanhshrinkLocals {
  readonly x: number;
  readonly a: number;
  readonly t: number;
  readonly e: Readonly<Record<LanePair, number>>;
  readonly z: Readonly<Record<LanePair, number>>;
}

const { get, set } = op;
const f64 = (opcode: number, ...operands: Code[]) => simd(opcode, ...operands);

/**
 * tanhshrink(x), `EXP_VECTORS` vectors per iteration: <= 0.51 ulp. NaN stays NaN, +-Infinity give
 * +-Infinity, +-0 give +0 (as x - tanh x); a negative x whose result underflows gives -0.
 */
export function tanhshrinkFunction(): FunctionSpec {
  const localsOf = (vector: number): TanhshrinkLocals => {
    const first = FIRST_LOCAL + vector * LOCALS;
    return {
      x: first,
      a: first + 1,
      t: first + 2,
      e: { low: first + 3, high: first + 4 },
      z: { low: first + 5, high: first + 6 },
    };
  };
  const { on, forPairs } = stepsOver(localsOf);
  const half = ({ x, e, z }: TanhshrinkLocals, pair: LanePair): Code => {
    const wide = widen(get(x), pair);
    const tanh = f64(
      f64x2.sub,
      f64Splat(1),
      f64(f64x2.div, f64Splat(2), f64(f64x2.add, get(e[pair]), f64Splat(1))),
    );
    const direct = f64(f64x2.sub, wide, simd(v128.or, tanh, simd(v128.and, wide, f64Splat(-0))));
    // + 0: -0 gives +0
    const series = f64(
      f64x2.add,
      f64(f64x2.mul, f64(f64x2.mul, wide, get(z[pair])), hornerF64(get(z[pair]), TANHSHRINK_SERIES)),
      f64Splat(0),
    );
    const small = f64(f64x2.lt, get(z[pair]), f64Splat(TANHSHRINK_SERIES_BELOW ** 2));
    return simd(v128.bitselect, series, direct, small);
  };
  return vectorLoop({
    name: 'tanhshrink',
    vectors: EXP_VECTORS,
    locals: EXP_VECTORS * LOCALS,
    steps: [
      on(({ x }, offset) => set(x, op.v128Load(get(A), offset))),
      // pmin keeps a NaN (its first operand); it reaches the result through x itself.
      on(({ x, a }) =>
        set(
          a,
          simd(f32x4.pmin, simd(f32x4.mul, simd(f32x4.abs, get(x)), f32Splat(2)), f32Splat(DOUBLED_CEILING)),
        ),
      ),
      on(({ a, t }) =>
        set(t, simd(f32x4.add, simd(f32x4.mul, get(a), f32Splat(Math.LOG2E)), f32Splat(ROUNDER))),
      ),
      // r = 2|x| - k ln2 (k = t - ROUNDER, exact), then E = e^r 2^k
      forPairs(({ a, t, e }, pair) => {
        const k = f64(f64x2.sub, widen(get(t), pair), f64Splat(ROUNDER));
        return set(e[pair], f64(f64x2.sub, widen(get(a), pair), f64(f64x2.mul, k, f64Splat(Math.LN2))));
      }),
      forPairs(({ t, e }, pair) =>
        set(
          e[pair],
          f64(
            f64x2.mul,
            hornerF64(get(e[pair]), EXP_SERIES),
            pow2F64(simd(i32x4.sub, get(t), i32Splat(ROUNDER_BITS)), pair),
          ),
        ),
      ),
      forPairs(({ x, z }, pair) => set(z[pair], f64(f64x2.mul, widen(get(x), pair), widen(get(x), pair)))),
      on((l, offset) => op.v128Store(get(OUT), offset, narrowPairs(half(l, 'low'), half(l, 'high')))),
    ],
  });
}
