import { type Code, type FunctionSpec, op } from '../gemm/wasm-emitter';
import {
  A,
  B,
  FIRST_LOCAL,
  f32x4,
  f64Splat,
  f64x2,
  hornerF64,
  i64x2,
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

// Float32 kernels whose logarithm's argument is computed in float64 from the float32 inputs (asinh, acosh,
// atanh, logit, xlogy), so nothing cancels before the one rounding to float32 at the end. ln w in float64
// lanes: w = 2^k m from w's bits with m in [sqrt(1/2), sqrt(2)), ln m = 2 atanh(s) with s = (m - 1) /
// (m + 1) by its series (|s| <= 0.172: 1e-15 relative), ln w = k ln2 + ln m. The arguments here are never
// float64 subnormals (they come from float32 values by a few operations), so w's bits need no scaling.
// log1p(u) = ln w + (u - (w - 1)) / w with w = fl(1 + u): the quotient puts back what w's rounding
// dropped, so it keeps its relative accuracy as u goes to 0.

/** ln m = 2 s (1 + z T(z)) with z = s^2: T's coefficients 1/3, 1/5, ..., 1/17, highest degree first. */
const ATANH_SERIES = Array.from({ length: 8 }, (_, i) => 1 / (2 * i + 3)).reverse();

/** ln m = 2 s + 2 s z T(z) in float64 lanes, for s = (m - 1) / (m + 1) and z = s^2 (locals' values). */
export const lnOfMantissa = (s: Code, z: Code): Code => {
  const twoS = simd(f64x2.add, s, s);
  return simd(f64x2.add, twoS, simd(f64x2.mul, simd(f64x2.mul, twoS, z), hornerF64(z, ATANH_SERIES)));
};

/** A float64 splat with the given bits (a mask; the f64.const keeps any bit pattern). */
const bitsSplat = (bits: bigint): Code => f64Splat(new Float64Array(new BigUint64Array([bits]).buffer)[0]!);
/** A float64's mantissa bits. */
const MANTISSA = bitsSplat(0x000f_ffff_ffff_ffffn);
/** 2^52: OR-ing an integer below 2^52 into its mantissa gives 2^52 + the integer. */
const TWO_52 = 2 ** 52;

const { get, set } = op;
const f64 = (opcode: number, ...operands: Code[]) => simd(opcode, ...operands);
const select = (whenTrue: Code, whenFalse: Code, mask: Code) =>
  simd(v128.bitselect, whenTrue, whenFalse, mask);

/** Per vector: the float32 inputs a and b, then per lane pair u (the argument), w, m (s), k (ln), z. */
const LOCALS = 12;
interface LogLocals {
  readonly a: number;
  readonly b: number;
  readonly u: Readonly<Record<LanePair, number>>;
  readonly w: Readonly<Record<LanePair, number>>;
  readonly m: Readonly<Record<LanePair, number>>;
  readonly k: Readonly<Record<LanePair, number>>;
  readonly z: Readonly<Record<LanePair, number>>;
}

/** The float32 inputs of one vector widened to a lane pair (b: NaN for one-input kernels). */
export interface LanePairInputs {
  readonly a: Code;
  readonly b: Code;
}

/** How a kernel built by {@link logF64Function} gets its logarithm's argument and its result. */
export interface LogF64Kernel {
  readonly name: string;
  /** Dense float32 inputs: A, then B. */
  readonly inputs: 1 | 2;
  /**
   * Float32 values read from B and held in every lane (inputs 1 only), and what becomes input a from
   * the loaded vector and them, in float32 lanes (logit's clamp).
   */
  readonly splats?: { readonly count: number; readonly prepare: (a: Code, splats: Code[]) => Code };
  /** `log`: ln(argument); `log1p`: ln(1 + argument). */
  readonly form: 'log' | 'log1p';
  /** The logarithm's argument in float64 lanes. */
  readonly argument: (inputs: LanePairInputs) => Code;
  /** The result in float64 lanes from the inputs and the logarithm `ln` (a local's value). */
  readonly result: (inputs: LanePairInputs, ln: Code) => Code;
}

/**
 * A kernel storing `result(inputs, ln)` with ln the natural log (`form`) of `argument(inputs)`, both in
 * float64 and rounded once, `EXP_VECTORS` vectors per iteration. ln w is within ~2e-16 relative of the
 * exact value, -Infinity at w = 0, Infinity at w = Infinity, NaN for w < 0 and NaN.
 */
export function logF64Function({ name, inputs, splats, form, argument, result }: LogF64Kernel): FunctionSpec {
  const splatCount = splats?.count ?? 0;
  const localsOf = (vector: number): LogLocals => {
    const first = FIRST_LOCAL + splatCount + vector * LOCALS;
    const pairOf = (at: number) => ({ low: first + at, high: first + at + 1 });
    // the log form takes w = u
    return {
      a: first,
      b: first + 1,
      u: pairOf(2),
      w: form === 'log' ? pairOf(2) : pairOf(4),
      m: pairOf(6),
      k: pairOf(8),
      z: pairOf(10),
    };
  };
  const { on, forPairs } = stepsOver(localsOf);
  const widened = ({ a, b }: LogLocals, pair: LanePair): LanePairInputs => ({
    a: widen(get(a), pair),
    b: inputs === 2 ? widen(get(b), pair) : f64Splat(Number.NaN),
  });
  const splatLocals = Array.from({ length: splatCount }, (_, i) => FIRST_LOCAL + i);
  const loop = vectorLoop({
    name,
    vectors: EXP_VECTORS,
    locals: splatCount + EXP_VECTORS * LOCALS,
    steps: [
      on(({ a, b }, offset) => {
        const loaded = op.v128Load(get(A), offset);
        return [
          ...set(
            a,
            splats
              ? splats.prepare(
                  loaded,
                  splatLocals.map((l) => get(l)),
                )
              : loaded,
          ),
          ...(inputs === 2 ? set(b, op.v128Load(get(B), offset)) : []),
        ];
      }),
      forPairs((l, pair) => set(l.u[pair], argument(widened(l, pair)))),
      ...(form === 'log1p'
        ? [
            forPairs(({ u, w }: LogLocals, pair: LanePair) =>
              set(w[pair], f64(f64x2.add, f64Splat(1), get(u[pair]))),
            ),
          ]
        : []),
      // m in [1, 2): w's mantissa with a zero exponent; z for now: the lanes where m >= sqrt(2)
      forPairs(({ w, m }, pair) =>
        set(m[pair], simd(v128.or, simd(v128.and, get(w[pair]), MANTISSA), f64Splat(1))),
      ),
      forPairs(({ m, z }, pair) => set(z[pair], f64(f64x2.ge, get(m[pair]), f64Splat(Math.SQRT2)))),
      // k = w's biased exponent - 1023, + 1 where m is halved (z's lanes are -1 there), as a float64:
      // (2^52 + e) - (2^52 + 1023)
      forPairs(({ w, k, z }, pair) => {
        const exponent = simd(i64x2.sub, simd(i64x2.shrU, get(w[pair]), op.i32(52)), get(z[pair]));
        return set(
          k[pair],
          f64(f64x2.sub, simd(v128.or, exponent, f64Splat(TWO_52)), f64Splat(TWO_52 + 1023)),
        );
      }),
      forPairs(({ m, z }, pair) =>
        set(m[pair], select(f64(f64x2.mul, get(m[pair]), f64Splat(0.5)), get(m[pair]), get(z[pair]))),
      ),
      // s = (m - 1) / (m + 1), exact but for the division; z = s^2
      forPairs(({ m }, pair) =>
        set(
          m[pair],
          f64(
            f64x2.div,
            f64(f64x2.sub, get(m[pair]), f64Splat(1)),
            f64(f64x2.add, get(m[pair]), f64Splat(1)),
          ),
        ),
      ),
      forPairs(({ m, z }, pair) => set(z[pair], f64(f64x2.mul, get(m[pair]), get(m[pair])))),
      forPairs(({ m, k, z }, pair) =>
        set(
          k[pair],
          f64(
            f64x2.add,
            f64(f64x2.mul, get(k[pair]), f64Splat(Math.LN2)),
            lnOfMantissa(get(m[pair]), get(z[pair])),
          ),
        ),
      ),
      // log1p: what w = fl(1 + u) dropped (where w is finite and nonzero), and u itself where w is 1
      ...(form === 'log1p'
        ? [
            forPairs(({ u, w, k }: LogLocals, pair: LanePair) => {
              const [uv, wv] = [get(u[pair]), get(w[pair])];
              const dropped = f64(f64x2.div, f64(f64x2.sub, uv, f64(f64x2.sub, wv, f64Splat(1))), wv);
              const finite = simd(
                v128.and,
                f64(f64x2.ne, wv, f64Splat(0)),
                f64(f64x2.ne, wv, f64Splat(Infinity)),
              );
              const corrected = f64(f64x2.add, get(k[pair]), simd(v128.and, dropped, finite));
              return set(k[pair], select(uv, corrected, f64(f64x2.eq, wv, f64Splat(1))));
            }),
          ]
        : []),
      // w <= 0 and NaN: NaN; then 0: -Infinity; Infinity: itself
      forPairs(({ w, k }, pair) => {
        const wv = get(w[pair]);
        const positive = select(get(k[pair]), f64Splat(Number.NaN), f64(f64x2.gt, wv, f64Splat(0)));
        const zero = select(f64Splat(-Infinity), positive, f64(f64x2.eq, wv, f64Splat(0)));
        return set(k[pair], select(wv, zero, f64(f64x2.eq, wv, f64Splat(Infinity))));
      }),
      on((l, offset) =>
        op.v128Store(
          get(OUT),
          offset,
          narrowPairs(result(widened(l, 'low'), get(l.k.low)), result(widened(l, 'high'), get(l.k.high))),
        ),
      ),
    ],
  });
  const prologue = splatLocals.flatMap((local, i) => set(local, op.splat(4, get(B), 4 * i)));
  return { ...loop, body: [...prologue, ...loop.body] };
}

const signBit = (x: Code) => simd(v128.and, x, f64Splat(-0));
const one = f64Splat(1);

/**
 * The kernels, exported by name (worst against the float64 result over the float32 range: see
 * simd-log-f64.test.ts):
 * - `asinh`: sign(x) log1p(|x| + x^2 / (1 + sqrt(1 + x^2))), +-Infinity and +-0 give themselves;
 * - `acosh`: log1p((x - 1) + sqrt((x - 1)(x + 1))), NaN below 1;
 * - `atanh`: log1p(2x / (1 - x)) / 2, +-Infinity at +-1, NaN past them;
 * - `logit`: ln(z / (1 - z)) with z = x clamped to [lo, hi] (float32 values at B: torch's float32 eps and
 *   1 - eps; -Infinity and Infinity clamp nothing), as `x < lo ? lo : min(x, hi)`;
 * - `xlogy`: x ln y, 0 where x is 0 unless y is NaN (torch.xlogy).
 */
export const logF64Functions = (): FunctionSpec[] => [
  logF64Function({
    name: 'asinh',
    inputs: 1,
    form: 'log1p',
    argument: ({ a }) => {
      const size = f64(f64x2.abs, a);
      const square = f64(f64x2.mul, a, a);
      return f64(
        f64x2.add,
        size,
        f64(f64x2.div, square, f64(f64x2.add, one, f64(f64x2.sqrt, f64(f64x2.add, one, square)))),
      );
    },
    // Infinity / Infinity in the argument: +-Infinity give themselves
    result: ({ a }, ln) =>
      simd(
        v128.bitselect,
        a,
        simd(v128.or, ln, signBit(a)),
        f64(f64x2.eq, f64(f64x2.abs, a), f64Splat(Infinity)),
      ),
  }),
  logF64Function({
    name: 'acosh',
    inputs: 1,
    form: 'log1p',
    argument: ({ a }) => {
      const below = f64(f64x2.sub, a, one); // exact
      return f64(f64x2.add, below, f64(f64x2.sqrt, f64(f64x2.mul, below, f64(f64x2.add, a, one))));
    },
    // x <= -1 makes the square root real: NaN below 1 by a mask
    result: ({ a }, ln) => simd(v128.bitselect, f64Splat(Number.NaN), ln, f64(f64x2.lt, a, one)),
  }),
  logF64Function({
    name: 'atanh',
    inputs: 1,
    form: 'log1p',
    argument: ({ a }) => f64(f64x2.div, f64(f64x2.add, a, a), f64(f64x2.sub, one, a)),
    result: (_, ln) => f64(f64x2.mul, ln, f64Splat(0.5)),
  }),
  logF64Function({
    name: 'logit',
    inputs: 1,
    splats: {
      count: 2,
      prepare: (x, [lo, hi]) => simd(v128.bitselect, lo!, simd(f32x4.min, x, hi!), simd(f32x4.lt, x, lo!)),
    },
    form: 'log',
    argument: ({ a }) => f64(f64x2.div, a, f64(f64x2.sub, one, a)),
    result: (_, ln) => ln,
  }),
  logF64Function({
    name: 'xlogy',
    inputs: 2,
    form: 'log',
    argument: ({ b }) => b,
    result: ({ a, b }, ln) => {
      const zero = simd(v128.and, f64(f64x2.eq, a, f64Splat(0)), f64(f64x2.eq, b, b));
      return simd(v128.andNot, f64(f64x2.mul, a, ln), zero);
    },
  }),
];
