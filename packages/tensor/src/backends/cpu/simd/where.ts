import { type FunctionSpec, I32, op, V128 } from '../gemm/wasm-emitter';
import { A, B, END, FIRST_LOCAL, OUT, shuffle, simd, v128 } from './code';

// where(mask, a, b) over float32 with a bool mask: the mask's bytes widened to lane masks by a shuffle
// against zero, then a bitselect, so every bit of the value picked is kept (-0, NaN payloads) and no
// element costs a branch (the JS loop mispredicted on every other element of a random mask).

/** i32x4.ne: all ones in lanes that differ. */
const I32X4_NE = 0x38;

/**
 * where over `OUT .. END` with a from A and b from B (float32), the mask's bytes at `maskAt` plus a
 * quarter of OUT's distance from `outAt` (one byte per float), 16 floats per iteration. With `single`,
 * that operand is one value read from B (`whereScalarA`, `whereScalarB`) and the other streams from A.
 */
export function whereFunction(maskAt: number, outAt: number, single?: 'a' | 'b'): FunctionSpec {
  const { get, set } = op;
  const [mask, bytes, value] = [FIRST_LOCAL, FIRST_LOCAL + 1, FIRST_LOCAL + 2];
  const laneMask = (vector: number) =>
    simd(
      I32X4_NE,
      shuffle(
        get(bytes),
        op.v128Zero(),
        [0, 1, 2, 3].flatMap((lane) => [4 * vector + lane, 16, 16, 16]),
      ),
      op.v128Zero(),
    );
  const stream = (pointer: number, vector: number) => op.v128Load(get(pointer), 16 * vector);
  const [a, b] = [
    (vector: number) => (single === 'a' ? get(value) : stream(A, vector)),
    (vector: number) => (single === 'b' ? get(value) : stream(single ? A : B, vector)),
  ];
  const advance = (local: number, by: number) => set(local, op.add(get(local), op.i32(by)));
  return {
    name: single ? `whereScalar${single.toUpperCase()}` : 'where',
    params: 4,
    locals: [
      [1, I32],
      [2, V128],
    ],
    body: [
      ...set(mask, op.add(op.i32(maskAt), op.shrU(op.sub(get(OUT), op.i32(outAt)), op.i32(2)))),
      ...(single ? set(value, op.splat(4, get(B), 0)) : []),
      ...op.doWhile(
        [
          ...set(bytes, op.v128Load(get(mask), 0)),
          ...[0, 1, 2, 3].flatMap((vector) =>
            op.v128Store(get(OUT), 16 * vector, simd(v128.bitselect, a(vector), b(vector), laneMask(vector))),
          ),
          ...advance(A, 64),
          ...(single ? [] : advance(B, 64)),
          ...advance(OUT, 64),
          ...advance(mask, 16),
        ],
        op.ltU(get(OUT), get(END)),
      ),
    ],
  };
}
