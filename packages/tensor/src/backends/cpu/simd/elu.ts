import { SELU_ALPHA, SELU_SCALE } from '../../../kernel/ops/elementwise-specs';
import { type FunctionSpec, op } from '../gemm/wasm-emitter';
import { A, B, FIRST_LOCAL, f32Splat, f32x4, OUT, type Step, simd, v128, vectorLoop } from './code';
import { EXP_VECTORS, expSteps, LANE_LOCALS, type Lanes, lanes, pow2OfK } from './exp';

// torch's elu kernel, which also computes celu and selu, in float32 as PyTorch 1.13 and the JS loop
// compute it: x * scale above 0, else (fl(e^(x * inputScale)) - 1) * (alpha * scale) (not expm1, so
// elu(-0) is +0 and values near 0 carry exp's last ulp, as PyTorch's). e^x from exp.ts's reduction with the
// argument clamped at -30 (where e^x - 1 is -1 in float32), scaled by a multiply so NaN stays NaN. Against
// the JS loop: the same bits wherever both exps round alike; elsewhere one ulp of e^x apart.

/** e^x - 1 is -1 in float32 from here down; clamping keeps 2^k normal. */
const ELU_CLAMP = -30;

/**
 * The elu-family ops and their kernel coefficients `[alpha * scale, scale, inputScale]` from the op's
 * parameter, as torch's float32 kernel takes them: celu is elu with input scale 1 / alpha, selu elu with
 * SELU's alpha and scale (their product rounded from the two float32 values).
 */
export const ELU_FORMS: Readonly<Record<string, (alpha: number) => number[]>> = {
  elu: (alpha) => [alpha, 1, 1],
  celu: (alpha) => [alpha, 1, 1 / alpha],
  selu: () => [Math.fround(SELU_ALPHA) * Math.fround(SELU_SCALE), SELU_SCALE, 1],
};

/** Per vector: the input, then the exp's lanes. */
const LOCALS = 1 + LANE_LOCALS;

/**
 * The elu kernel with its three coefficients read once from B (see {@link ELU_FORMS}), `EXP_VECTORS`
 * vectors per iteration. (Multiplying by plain elu's coefficients of 1 cost nothing measurable.)
 */
export function eluFunction(): FunctionSpec {
  const { get, set } = op;
  const [negative, positive, inputScale] = [FIRST_LOCAL, FIRST_LOCAL + 1, FIRST_LOCAL + 2];
  const first = (vector: number) => FIRST_LOCAL + 3 + vector * LOCALS;
  const lanesOf = (vector: number): Lanes => lanes(first(vector) + 1);
  const on =
    (statement: (x: number, v: Lanes, offset: number) => ReturnType<typeof set>): Step =>
    (vector) =>
      statement(first(vector), lanesOf(vector), 16 * vector);
  const loop = vectorLoop({
    name: 'elu',
    vectors: EXP_VECTORS,
    locals: 3 + EXP_VECTORS * LOCALS,
    steps: [
      on((x, _, offset) => set(x, op.v128Load(get(A), offset))),
      // max, not pmax: NaN stays NaN
      on((x, v) => set(v.x, simd(f32x4.max, simd(f32x4.mul, get(x), get(inputScale)), f32Splat(ELU_CLAMP)))),
      ...expSteps(lanesOf),
      on((_, v) => set(v.p, simd(f32x4.sub, simd(f32x4.mul, get(v.p), pow2OfK(get(v.t))), f32Splat(1)))),
      on((x, v, offset) =>
        op.v128Store(
          get(OUT),
          offset,
          simd(
            v128.bitselect,
            simd(f32x4.mul, get(x), get(positive)),
            simd(f32x4.mul, get(v.p), get(negative)),
            simd(f32x4.gt, get(x), f32Splat(0)),
          ),
        ),
      ),
    ],
  });
  const coefficients = [negative, positive, inputScale].flatMap((local, i) =>
    set(local, op.splat(4, get(B), 4 * i)),
  );
  return { ...loop, body: [...coefficients, ...loop.body] };
}
