import { type Code, type FunctionSpec, op } from '../gemm/wasm-emitter';
import { A, END, FIRST_LOCAL, f32Splat, f32x4, OUT, type Step, simd, v128, vectorLoop } from './code';
import { erfFunction, geluFunction } from './erf';
import {
  EXP_VECTORS,
  expPairSteps,
  expPolynomialSteps,
  LANE_LOCALS,
  type Lanes,
  lanes,
  rangeFlagStatement,
} from './exp';
import { sigmoidFullRangeFunctions } from './sigmoid-full-range';

// sigmoid, silu and tanh entirely on float32 lanes, four at a time. e = e^a comes from exp.ts's reduction
// and polynomial as a pair E + el: e^r = 1 + p, p = r + r^2 P(r), is split exactly into s = fl(1 + p) and
// c = p - (s - 1), then scaled by 2^k. The sums 1 +- e are taken exactly as pairs too (TwoSum), and the
// quotient is corrected by the pairs' low parts, so mainly the quotient's and the result's roundings remain.
// Worst errors over every float32 in +-[1e-30, 100] (+-[1e-8, 10] for tanh): sigmoid 1.44 ulp, silu 1.47,
// tanh 1.38 (a plain float32 tail measured 2.1, over the 2 ulp the kernels promise). The float64 tails
// these replace ran two lanes per instruction: sigmoid 1.75 -> 1.37 ms, tanh 4.3 -> 1.6 ms per 1e6.

/** Per vector: the input x, then the exp's lanes. */
const LOCALS = 1 + LANE_LOCALS;
const first = (vector: number) => FIRST_LOCAL + 1 + vector * LOCALS;
const lanesOf = (vector: number): Lanes => lanes(first(vector) + 1);
const on =
  (statement: (x: number, v: Lanes, offset: number) => Code): Step =>
  (vector) =>
    statement(first(vector), lanesOf(vector), 16 * vector);

const { get, set } = op;
const add = (a: Code, b: Code) => simd(f32x4.add, a, b);
const sub = (a: Code, b: Code) => simd(f32x4.sub, a, b);
const mul = (a: Code, b: Code) => simd(f32x4.mul, a, b);
const div = (a: Code, b: Code) => simd(f32x4.div, a, b);
const one = f32Splat(1);

/**
 * sigmoid(x) = 1 / (1 + e), e = e^-x (or silu, x / (1 + e)), `EXP_VECTORS` vectors per iteration. The
 * denominator d = dh + dl by TwoSum (either term may be the larger), then n / d = y (1 - dl / dh) with y =
 * fl(n / dh). Lanes with |k| > 125 (|x| past ~86, where results reach the subnormals, and NaN or
 * infinities) are flagged at END for the full-range kernel, like exp's.
 */
function sigmoidFunction(name: 'sigmoid' | 'silu'): FunctionSpec {
  const flags = FIRST_LOCAL;
  // y = fl(x / dh) directly for silu: x times a rounded sigmoid would add a rounding (2.25 ulp measured).
  const numerator = (x: number) => (name === 'sigmoid' ? one : get(x));
  const correction = (v: Lanes) => (name === 'sigmoid' ? mul(get(v.q), get(v.p)) : div(get(v.p), get(v.r))); // dl / dh
  const result = (v: Lanes) => sub(get(v.q), mul(get(v.q), correction(v)));
  return vectorLoop({
    name,
    vectors: EXP_VECTORS,
    locals: 1 + EXP_VECTORS * LOCALS,
    steps: [
      on((x, _, offset) => set(x, op.v128Load(get(A), offset))),
      on((x, v) => set(v.x, simd(f32x4.neg, get(x)))),
      ...expPolynomialSteps(lanesOf),
      on((_, v) => rangeFlagStatement(flags, v)),
      ...expPairSteps(lanesOf, false),
      on((_, v) => set(v.r, add(one, get(v.q)))), // dh
      on((_, v) => set(v.t, sub(get(v.r), one))), // TwoSum's b' = dh - 1
      // dl = (1 - (dh - b')) + (E - b') + el
      on((_, v) => set(v.p, add(add(sub(one, sub(get(v.r), get(v.t))), sub(get(v.q), get(v.t))), get(v.p)))),
      on((x, v) => set(v.q, div(numerator(x), get(v.r)))), // y
      on((_, v, offset) => op.v128Store(get(OUT), offset, result(v))),
    ],
    epilogue: op.v128Store(get(END), 0, get(flags)),
  });
}

/** tanh(x) is 1 in float32 from |x| = 9.01; clamping |x| at 20 keeps 2^k normal, so no lane needs a redo. */
const TANH_CLAMP = 20;
const SIGN_BIT = f32Splat(-0);

/**
 * tanh(x) = sign(x) (1 - e) / (1 + e), e = e^-2|x|, `EXP_VECTORS` vectors per iteration. Near 0, where
 * 1 - e cancels, e's pair keeps what fl(1 + p) dropped: n = nh + nl is -p itself, so the relative error
 * stays that of the polynomial. n and d = 1 + e by Fast2Sum (1 >= e), then n/d = q + (nl - q dl) / dh
 * with q = fl(nh / dh). NaN stays NaN; +-0 keep their sign. With `argument`, the kernel stores
 * `argument.result(input, tanh(argument.of(input)))` instead (gelu's tanh form).
 */
function tanhKernel(
  name: string,
  argument?: { of: (input: Code) => Code; result: (input: Code, tanh: Code) => Code },
): FunctionSpec {
  const clamped = (x: Code) =>
    simd(f32x4.pmax, mul(simd(f32x4.abs, x), f32Splat(-2)), f32Splat(-2 * TANH_CLAMP));
  // With `argument`, the input sits in a local of its own past the lanes and x is the argument.
  const input = (vector: number) => FIRST_LOCAL + 1 + EXP_VECTORS * LOCALS + vector;
  return vectorLoop({
    name,
    vectors: EXP_VECTORS,
    locals: 1 + EXP_VECTORS * LOCALS + (argument ? EXP_VECTORS : 0), // the first unused: sigmoid's flags
    steps: [
      argument
        ? (vector) => [
            ...set(input(vector), op.v128Load(get(A), 16 * vector)),
            ...set(first(vector), argument.of(get(input(vector)))),
          ]
        : on((x, _, offset) => set(x, op.v128Load(get(A), offset))),
      on((x, v) => set(v.x, clamped(get(x)))),
      ...expPolynomialSteps(lanesOf),
      ...expPairSteps(lanesOf, true),
      on((_, v) => set(v.t, sub(one, get(v.q)))), // nh
      on((_, v) => set(v.r, add(one, get(v.q)))), // dh
      on((_, v) => set(v.x, sub(sub(sub(one, get(v.t)), get(v.q)), get(v.p)))), // nl
      on((_, v) => set(v.p, add(sub(get(v.q), sub(get(v.r), one)), get(v.p)))), // dl
      on((_, v) => set(v.q, div(get(v.t), get(v.r)))), // q
      on((_, v) => set(v.t, div(sub(get(v.x), mul(get(v.q), get(v.p))), get(v.r)))), // correction
      (vector) => {
        const [x, v] = [first(vector), lanesOf(vector)];
        const tanh = simd(v128.or, add(get(v.q), get(v.t)), simd(v128.and, get(x), SIGN_BIT));
        return op.v128Store(
          get(OUT),
          16 * vector,
          argument ? argument.result(get(input(vector)), tanh) : tanh,
        );
      },
    ],
  });
}

/** sqrt(2 / pi) and the cubic's coefficient of GELU's tanh approximation. */
const GELU_BETA = Math.sqrt(2 / Math.PI);
const GELU_KAPPA = 0.044715;

/**
 * gelu's tanh approximation as PyTorch's float32 kernel computes it: 0.5 x (1 + tanh(beta (x + kappa x^3))),
 * each operation rounded to float32.
 */
const geluTanhFunction = () =>
  tanhKernel('geluTanh', {
    of: (x) => mul(f32Splat(GELU_BETA), add(x, mul(f32Splat(GELU_KAPPA), mul(mul(x, x), x)))),
    result: (x, tanh) => mul(mul(x, f32Splat(0.5)), add(one, tanh)),
  });

/** The exp-based one-input kernels (activations, erf and both forms of gelu), by kernel name. */
export const ACTIVATIONS = ['sigmoid', 'silu', 'tanh', 'erf', 'gelu', 'geluTanh'] as const;

/** The kernel that redoes a chunk whose range flags ask for it, by fast kernel. */
export const FULL_RANGE: Readonly<Record<string, string>> = {
  exp: 'expFullRange',
  sigmoid: 'sigmoidFullRange',
  silu: 'siluFullRange',
};

/** The activation kernels and their full-range fallbacks, exported by name. */
export const activationFunctions = (): FunctionSpec[] => [
  sigmoidFunction('sigmoid'),
  sigmoidFunction('silu'),
  tanhKernel('tanh'),
  geluTanhFunction(),
  erfFunction(),
  geluFunction(),
  ...sigmoidFullRangeFunctions(),
];
