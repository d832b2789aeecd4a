import { type Code, type FunctionSpec, I32, op, V128 } from '../gemm/wasm-emitter';
import { f32x4, shuffle, simd } from './code';

// gemvBlock(rows, rowBytes, x, out, blockBytes, groups): for each group of four consecutive rows of a
// row-major matrix (a Linear weight: the columns of B in `c = x @ B`), the four dot products of the
// first `blockBytes / 4` floats of each row with x, one lane per row. Each lane sums its products in
// order, one rounded float32 multiply and one rounded add at a time: the float32 GEMM kernels' exact
// arithmetic, so the caller's k-blocking and combination give their bits. The four rows are read a
// vector at a time and transposed in registers, so nothing is packed. blockBytes: a positive multiple of 16.

const [ROWS, ROW_BYTES, X, OUT, BLOCK_BYTES, GROUPS] = [0, 1, 2, 3, 4, 5];
/** i32 locals: the row cursor (advancing through the block) and x's cursor. */
const [CURSOR, X_CURSOR] = [6, 7];
/** v128 locals: the group's sums (lane r: row r), its four row vectors, and their interleaved pairs. */
const [SUM, R0, R1, R2, R3, T0, T1, T2, T3] = [8, 9, 10, 11, 12, 13, 14, 15, 16];

const lanes32 = (...picks: number[]) => picks.flatMap((lane) => [0, 1, 2, 3].map((b) => lane * 4 + b));

/** The kernel, for the SIMD module. */
export function gemvBlockFunction(): FunctionSpec {
  const { get, set } = op;
  const row = (r: number): Code => op.v128Load(op.add(get(CURSOR), op.mul(get(ROW_BYTES), op.i32(r))), 0);
  // Column q of the 4x4 tile (element q of each row), from the interleaved pairs.
  const column = (q: number): Code =>
    q < 2
      ? shuffle(get(T0), get(T1), q === 0 ? lanes32(0, 1, 4, 5) : lanes32(2, 3, 6, 7))
      : shuffle(get(T2), get(T3), q === 2 ? lanes32(0, 1, 4, 5) : lanes32(2, 3, 6, 7));
  const accumulate = (q: number): Code =>
    set(SUM, simd(f32x4.add, get(SUM), simd(f32x4.mul, op.splat(4, get(X_CURSOR), 4 * q), column(q))));
  const inner: Code = [
    ...set(R0, row(0)),
    ...set(R1, row(1)),
    ...set(R2, row(2)),
    ...set(R3, row(3)),
    // T0 = (r0[0], r1[0], r0[1], r1[1]), T1 = (r2[0], r3[0], r2[1], r3[1]); T2, T3 the same for [2], [3].
    ...set(T0, shuffle(get(R0), get(R1), lanes32(0, 4, 1, 5))),
    ...set(T1, shuffle(get(R2), get(R3), lanes32(0, 4, 1, 5))),
    ...set(T2, shuffle(get(R0), get(R1), lanes32(2, 6, 3, 7))),
    ...set(T3, shuffle(get(R2), get(R3), lanes32(2, 6, 3, 7))),
    ...accumulate(0),
    ...accumulate(1),
    ...accumulate(2),
    ...accumulate(3),
    ...set(CURSOR, op.add(get(CURSOR), op.i32(16))),
    ...set(X_CURSOR, op.add(get(X_CURSOR), op.i32(16))),
  ];
  return {
    name: 'gemvBlock',
    params: 6,
    locals: [
      [2, I32],
      [9, V128],
    ],
    body: op.doWhile(
      [
        ...set(CURSOR, get(ROWS)),
        ...set(X_CURSOR, get(X)),
        ...set(SUM, op.v128Zero()),
        ...op.doWhile(inner, op.ltU(get(CURSOR), op.add(get(ROWS), get(BLOCK_BYTES)))),
        ...op.v128Store(get(OUT), 0, get(SUM)),
        ...set(ROWS, op.add(get(ROWS), op.shl(get(ROW_BYTES), op.i32(2)))),
        ...set(OUT, op.add(get(OUT), op.i32(16))),
        ...set(GROUPS, op.sub(get(GROUPS), op.i32(1))),
      ],
      op.ne(get(GROUPS), op.i32(0)),
    ),
  };
}
