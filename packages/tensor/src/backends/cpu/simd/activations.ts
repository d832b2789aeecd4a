import { type Code, type FunctionSpec, op } from '../gemm/wasm-emitter';
import { A, FIRST_LOCAL, f32Splat, f32x4, i32Splat, i32x4, OUT, type Step, simd, vectorLoop } from './code';
import { EXP_VECTORS, expPolynomialSteps, LANE_LOCALS, type Lanes, lanes, ROUNDER_BITS } from './exp';

// sigmoid, silu and tanh on float32 lanes. sigmoid and silu take e = e^-|x| from exp.ts's float32
// reduction and polynomial and finish e / (1 + e) or 1 / (1 + e) in float64 (no cancellation there):
// <= 0.8 ulp measured. tanh = (1 - e) / (1 + e) with e = e^-2|x| does cancel for small |x| (the error grows as 1 / |x|), so it
// runs in float64 (f64x2, two lanes at a time), where the exp is accurate to ~1e-11: the float32 result
// is then the correctly rounded one except in rare double-rounding ties (<= 1 ulp). Both take only e^a
// with a <= 0, so nothing overflows.

/** f64x2, i64x2 and whole-vector opcodes these kernels use. */
const F64 = { lt: 0x49, abs: 0xec, neg: 0xed, add: 0xf0, sub: 0xf1, mul: 0xf2, div: 0xf3, pmax: 0xf7 };
const I64 = { shl: 0xcb, add: 0xce };
const V128 = { and: 0x4e, andNot: 0x4f, or: 0x50, bitselect: 0x52 };
const PROMOTE_LOW = 0x5f;
const DEMOTE_ZERO = 0x5e;

const f64Splat = (value: number): Code =>
  simd(0x14, [0x44, ...new Uint8Array(new Float64Array([value]).buffer)]);
const i64Splat = (value: bigint): Code => simd(0x12, [0x42, ...sleb64(value)]);

function sleb64(value: bigint): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = Number(value & 0x7fn);
    value >>= 7n;
    if ((value === 0n && (byte & 0x40) === 0) || (value === -1n && (byte & 0x40) !== 0))
      return [...out, byte];
    out.push(byte | 0x80);
  }
}

/** i8x16.shuffle of x (bytes 0-15) and y (16-31): its lane immediates follow the opcode. */
const shuffle = (x: Code, y: Code, bytes: readonly number[]): Code => [...x, ...y, 0xfd, 0x0d, ...bytes];
const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);
/** The high two f32 lanes of v in the low two, for promote_low. */
const highLanes = (v: Code) => shuffle(v, v, [...range(8, 8), ...range(8, 8)]);

const f64 = (opcode: number, ...operands: Code[]) => simd(opcode, ...operands);
const mulAdd = (a: Code, b: Code, c: Code) => f64(F64.add, f64(F64.mul, a, b), c);

/** 1.5 * 2^52: adding it rounds a float64 below 2^51 to an integer, left in the low mantissa bits. */
const ROUNDER = 6755399441055744;
/** ln 2 split so k * LN2_HI is exact for |k| < 2^11 (fdlibm's constants). */
const LN2_HI = 0.6931471803691238;
const LN2_LO = 1.9082149292705877e-10;
/** Lowest argument taken: e^-700 is a normal float64, and 0 once rounded to float32. */
const EXP_FLOOR = -700;
/** 1/9!, ..., 1/2!: the Taylor polynomial of e^r on |r| <= ln2/2 (remainder < 7e-12 relative). */
const TAYLOR = [1 / 362880, 1 / 40320, 1 / 5040, 1 / 720, 1 / 120, 1 / 24, 1 / 6, 1 / 2];

/** The float64 locals of one half (two lanes): its input, then the exp's scratch. */
interface Half {
  x: number;
  t: number;
  r: number;
  e: number;
}
const LOCALS_PER_HALF = 4;
const halves: readonly Half[] = [0, 1].map((h) => {
  const first = FIRST_LOCAL + h * LOCALS_PER_HALF;
  return { x: first, t: first + 1, r: first + 2, e: first + 3 };
});

/** Statements leaving e^a in `h.e`, for a <= 0 given as code (NaN stays NaN). */
function expOf(h: Half, a: Code): Code {
  const { get, set } = op;
  const [first, ...rest] = TAYLOR;
  return [
    ...set(h.r, f64(F64.pmax, a, f64Splat(EXP_FLOOR))),
    ...set(h.t, mulAdd(get(h.r), f64Splat(Math.LOG2E), f64Splat(ROUNDER))),
    ...set(h.e, f64(F64.sub, get(h.t), f64Splat(ROUNDER))), // k
    ...set(h.r, f64(F64.sub, get(h.r), f64(F64.mul, get(h.e), f64Splat(LN2_HI)))),
    ...set(h.r, f64(F64.sub, get(h.r), f64(F64.mul, get(h.e), f64Splat(LN2_LO)))),
    ...set(h.e, mulAdd(f64Splat(first!), get(h.r), f64Splat(rest[0]!))),
    ...rest.slice(1).flatMap((c) => set(h.e, mulAdd(get(h.e), get(h.r), f64Splat(c)))),
    ...set(h.e, mulAdd(get(h.e), get(h.r), f64Splat(1))),
    ...set(h.e, mulAdd(get(h.e), get(h.r), f64Splat(1))),
    // 2^k: k + 1023 into the exponent field (k sits in t's low mantissa bits).
    ...set(h.e, f64(F64.mul, get(h.e), simd(I64.shl, simd(I64.add, get(h.t), i64Splat(1023n)), op.i32(52)))),
  ];
}

const SIGN = -0x8000000000000000n;

/** tanh's odd Taylor series through x^9, used below this |x| (relative remainder < 1e-15). */
const TANH_SERIES_BELOW = 0.05;
const TANH_SERIES = [62 / 2835, -17 / 315, 2 / 15, -1 / 3, 1];

/**
 * tanh: (1 - e) / (1 + e) with e = e^-2|x|, its sign copied from x; near 0, where 1 - e cancels, the
 * series. The exp form's error grows as 1 / (2|x|): at most 10x the exp's 7e-12 here.
 */
function tanhOf(h: Half): Code {
  const { get } = op;
  const z = f64(F64.mul, get(h.x), get(h.x));
  const [first, ...rest] = TANH_SERIES;
  const series = f64(
    F64.mul,
    get(h.x),
    rest.reduce<Code>((p, c) => mulAdd(p, z, f64Splat(c)), f64Splat(first!)),
  );
  const magnitude = f64(F64.div, f64(F64.sub, f64Splat(1), get(h.e)), f64(F64.add, f64Splat(1), get(h.e)));
  const signed = f64(V128.or, magnitude, f64(V128.and, get(h.x), i64Splat(SIGN)));
  const near0 = f64(F64.lt, f64(F64.abs, get(h.x)), f64Splat(TANH_SERIES_BELOW));
  return f64(V128.bitselect, series, signed, near0);
}

/** tanh's kernel: each f32x4 vector widened into two f64x2 halves, computed, narrowed back. */
function tanhFunction(): FunctionSpec {
  const { get, set } = op;
  const [low, high] = halves as [Half, Half];
  const load = op.v128Load(get(A), 0);
  const argument = (h: Half) => f64(F64.mul, f64(F64.neg, f64(F64.abs, get(h.x))), f64Splat(2));
  const narrowed = (h: Half) => simd(DEMOTE_ZERO, tanhOf(h));
  return vectorLoop({
    name: 'tanh',
    vectors: 1,
    locals: 2 * LOCALS_PER_HALF,
    steps: [
      () => [
        ...set(low.x, simd(PROMOTE_LOW, load)),
        ...set(high.x, simd(PROMOTE_LOW, highLanes(load))),
        ...expOf(low, argument(low)),
        ...expOf(high, argument(high)),
        ...op.v128Store(
          get(OUT),
          0,
          shuffle(narrowed(low), narrowed(high), [...range(0, 8), ...range(16, 8)]),
        ),
      ],
    ],
  });
}

/** sigmoid's lowest argument: |x| e^x is below half float32's smallest subnormal there (silu rounds to -0). */
const SIGMOID_FLOOR = -120;
/** Per vector of the sigmoid kernels: the exp's lanes and the input x. */
const SIGMOID_LOCALS = LANE_LOCALS + 1;
/** i64x2 from the low / high two i32x4 lanes, sign-extended. */
const I64_EXTEND = { low: 0xc7, high: 0xc8 };

/**
 * sigmoid (or silu, x sigmoid(x)), `EXP_VECTORS` vectors per iteration: e^-|x| = e^r 2^k by exp.ts's
 * float32 reduction and polynomial (x clamped at -120, where both round to 0 in float32), then in float64
 * per half e^r = (1 + r) + r^2 P(r), e = e^r 2^k exactly and (x < 0 ? e : 1) / (1 + e) (times x for
 * silu), rounded once to float32: <= 0.8 ulp measured, where an all-float32 tail measured 2.1 (and 50
 * for silu's subnormal tail) and float32 e^r with a float64 tail 2.2. NaN stays NaN; silu(-Infinity) is NaN (-inf * 0), as PyTorch's
 * x / (1 + e^-x).
 */
function sigmoidFunction(name: 'sigmoid' | 'silu'): FunctionSpec {
  const { get, set } = op;
  const first = (vector: number) => FIRST_LOCAL + vector * SIGMOID_LOCALS;
  const lanesOf = (vector: number) => lanes(first(vector) + 1);
  const on =
    (statement: (x: number, v: Lanes, offset: number) => Code): Step =>
    (vector) =>
      statement(first(vector), lanesOf(vector), 16 * vector);
  /** The float64 result for the low or high two lanes. */
  const half = (x: number, v: Lanes, part: 'low' | 'high'): Code => {
    const lanesOfPart = (u: Code) => simd(PROMOTE_LOW, part === 'low' ? u : highLanes(u));
    const k = simd(I64_EXTEND[part], simd(i32x4.sub, get(v.t), i32Splat(ROUNDER_BITS)));
    // e^r = (1 + r) + r^2 P(r), the small last term (in p) rounded in float32.
    const expR = f64(F64.add, f64(F64.add, lanesOfPart(get(v.r)), f64Splat(1)), lanesOfPart(get(v.p)));
    const scaled = f64(F64.mul, expR, simd(I64.shl, simd(I64.add, k, i64Splat(1023n)), op.i32(52)));
    const xs = lanesOfPart(get(x));
    // Below the floor e is 0: the clamped exponential would make silu's x e nonzero. NaN keeps its NaN.
    const e = f64(V128.andNot, scaled, f64(F64.lt, xs, f64Splat(SIGMOID_FLOOR)));
    const numerator = f64(V128.bitselect, e, f64Splat(1), f64(F64.lt, xs, f64Splat(0)));
    const sigmoid = f64(F64.div, numerator, f64(F64.add, e, f64Splat(1)));
    return simd(DEMOTE_ZERO, name === 'sigmoid' ? sigmoid : f64(F64.mul, xs, sigmoid));
  };
  const result = (x: number, v: Lanes) =>
    shuffle(half(x, v, 'low'), half(x, v, 'high'), [...range(0, 8), ...range(16, 8)]);
  return vectorLoop({
    name,
    vectors: EXP_VECTORS,
    locals: EXP_VECTORS * SIGMOID_LOCALS,
    steps: [
      on((x, _, offset) => set(x, op.v128Load(get(A), offset))),
      on((x, v) =>
        set(v.x, simd(f32x4.pmax, simd(f32x4.neg, simd(f32x4.abs, get(x))), f32Splat(SIGMOID_FLOOR))),
      ),
      ...expPolynomialSteps(lanesOf),
      on((_, v) => set(v.p, simd(f32x4.mul, get(v.q), get(v.p)))),
      on((x, v, offset) => op.v128Store(get(OUT), offset, result(x, v))),
    ],
  });
}

/** The activation kernels, by kernel name. */
export const ACTIVATIONS = ['sigmoid', 'silu', 'tanh'] as const;

/** The activation kernels, exported by name. */
export const activationFunctions = (): FunctionSpec[] => [
  sigmoidFunction('sigmoid'),
  sigmoidFunction('silu'),
  tanhFunction(),
];
