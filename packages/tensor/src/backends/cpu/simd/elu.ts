import { type FunctionSpec, op } from '../gemm/wasm-emitter';
import { A, B, FIRST_LOCAL, f32Splat, f32x4, OUT, type Step, simd, v128, vectorLoop } from './code';
import { EXP_VECTORS, expSteps, LANE_LOCALS, type Lanes, lanes, pow2OfK } from './exp';

// elu in float32 as PyTorch 1.13 and the JS loop compute it: x above 0, else (fl(e^x) - 1) * alpha (not
// expm1, so elu(-0) is +0 and values near 0 carry exp's last ulp, as PyTorch's). e^x from exp.ts's
// reduction with x clamped at -30 (where e^x - 1 is -1 in float32), scaled by a multiply so NaN stays
// NaN. Against the JS loop: the same bits wherever both exps round alike; elsewhere one ulp of e^x apart.

/** e^x - 1 is -1 in float32 from here down; clamping keeps 2^k normal. */
const ELU_CLAMP = -30;

/** Per vector: the input, then the exp's lanes. */
const LOCALS = 1 + LANE_LOCALS;
const first = (vector: number) => FIRST_LOCAL + 1 + vector * LOCALS;
const lanesOf = (vector: number): Lanes => lanes(first(vector) + 1);

/** elu with alpha read once from B (a float32 parameter), `EXP_VECTORS` vectors per iteration. */
export function eluFunction(): FunctionSpec {
  const { get, set } = op;
  const alpha = FIRST_LOCAL;
  const on =
    (statement: (x: number, v: Lanes, offset: number) => ReturnType<typeof set>): Step =>
    (vector) =>
      statement(first(vector), lanesOf(vector), 16 * vector);
  const loop = vectorLoop({
    name: 'elu',
    vectors: EXP_VECTORS,
    locals: 1 + EXP_VECTORS * LOCALS,
    steps: [
      on((x, _, offset) => set(x, op.v128Load(get(A), offset))),
      // max, not pmax: NaN stays NaN
      on((x, v) => set(v.x, simd(f32x4.max, get(x), f32Splat(ELU_CLAMP)))),
      ...expSteps(lanesOf),
      on((_, v) => set(v.p, simd(f32x4.sub, simd(f32x4.mul, get(v.p), pow2OfK(get(v.t))), f32Splat(1)))),
      on((x, v, offset) =>
        op.v128Store(
          get(OUT),
          offset,
          simd(
            v128.bitselect,
            get(x),
            simd(f32x4.mul, get(v.p), get(alpha)),
            simd(f32x4.gt, get(x), f32Splat(0)),
          ),
        ),
      ),
    ],
  });
  return { ...loop, body: [...set(alpha, op.splat(4, get(B), 0)), ...loop.body] };
}
