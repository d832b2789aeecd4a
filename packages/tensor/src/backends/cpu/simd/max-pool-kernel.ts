import { type Code, type FunctionSpec, I32, op, V128 } from '../gemm/wasm-emitter';
import { f32x4, i32Splat, simd, v128 } from './code';

// 2x2, stride-2 max pooling of float32 planes (MaxPool2d(2), the usual CNN pooling) in WebAssembly SIMD.
// Choosing the largest of four values branches unpredictably on real activations: the JS loop ran at
// ~25 ns per window here, most of it mispredicted branches. Lane masks choose without branches.
//
// maxPool2x2(input, out, outRows, width, codes): for each of `outRows` output rows, input rows 2r and 2r + 1
// (`width` floats each) give ceil(floor(width / 2) / 4) vectors of four windows. Each window's maximum
// goes to `out` (rows packed, floor(width / 2) apart) and its winner's code `codes` bytes further: 0 top
// left, 1 top right, 2 bottom left, 3 bottom right. A row's last vector may compute lanes past its end
// (on whatever follows in memory); the next row overwrites them, and the caller leaves room after the last.

const [INPUT, OUT, ROWS, WIDTH, CODES] = [0, 1, 2, 3, 4];
/** i32 locals: the end of this output row's vectors, the top input row cursor. */
const [ROW_END, TOP] = [5, 6];
/** v128 locals: the two input rows' first and second vectors, then the pair winners and masks. */
const [T0, T1, B0, B1, TOP_MAX, TOP_MASK, BOTTOM_MAX, BOTTOM_MASK, PICK] = [7, 8, 9, 10, 11, 12, 13, 14, 15];

const evenLanes = (x: Code, y: Code) => op.shuffle32(x, y, [0, 2, 4, 6]);
const oddLanes = (x: Code, y: Code) => op.shuffle32(x, y, [1, 3, 5, 7]);

/** Lanes where `later` replaces `first` in row-major order: larger, or a first NaN (which then stays). */
const replaces = (later: Code, first: Code): Code =>
  simd(
    v128.or,
    simd(f32x4.gt, later, first),
    simd(v128.and, simd(f32x4.ne, later, later), simd(f32x4.eq, first, first)),
  );
const select = (ifSet: Code, otherwise: Code, mask: Code) => simd(v128.bitselect, ifSet, otherwise, mask);

/** The kernel, for the SIMD module. */
export function maxPool2x2Function(): FunctionSpec {
  const { get, set } = op;
  const outWidthBytes = op.shl(op.shrU(get(WIDTH), op.i32(1)), op.i32(2));
  const rowBytes = op.shl(get(WIDTH), op.i32(2));
  const vector: Code = [
    ...set(T0, op.v128Load(get(TOP), 0)),
    ...set(T1, op.v128Load(get(TOP), 16)),
    ...set(B0, op.v128Load(op.add(get(TOP), rowBytes), 0)),
    ...set(B1, op.v128Load(op.add(get(TOP), rowBytes), 16)),
    ...set(TOP_MASK, replaces(oddLanes(get(T0), get(T1)), evenLanes(get(T0), get(T1)))),
    ...set(TOP_MAX, select(oddLanes(get(T0), get(T1)), evenLanes(get(T0), get(T1)), get(TOP_MASK))),
    ...set(BOTTOM_MASK, replaces(oddLanes(get(B0), get(B1)), evenLanes(get(B0), get(B1)))),
    ...set(BOTTOM_MAX, select(oddLanes(get(B0), get(B1)), evenLanes(get(B0), get(B1)), get(BOTTOM_MASK))),
    ...set(PICK, replaces(get(BOTTOM_MAX), get(TOP_MAX))),
    ...op.v128Store(get(OUT), 0, select(get(BOTTOM_MAX), get(TOP_MAX), get(PICK))),
    ...op.v128Store(
      op.add(get(OUT), get(CODES)),
      0,
      select(
        simd(v128.or, simd(v128.and, get(BOTTOM_MASK), i32Splat(1)), i32Splat(2)),
        simd(v128.and, get(TOP_MASK), i32Splat(1)),
        get(PICK),
      ),
    ),
    ...set(TOP, op.add(get(TOP), op.i32(32))),
    ...set(OUT, op.add(get(OUT), op.i32(16))),
  ];
  const row: Code = [
    ...set(TOP, get(INPUT)),
    ...set(ROW_END, op.add(get(OUT), outWidthBytes)),
    ...op.doWhile(vector, op.ltU(get(OUT), get(ROW_END))),
    // Back to where this row's outputs end (the last vector may have run past), and two input rows on.
    ...set(OUT, get(ROW_END)),
    ...set(INPUT, op.add(get(INPUT), op.shl(rowBytes, op.i32(1)))),
    ...set(ROWS, op.sub(get(ROWS), op.i32(1))),
  ];
  return {
    name: 'maxPool2x2',
    params: 5,
    locals: [
      [2, I32],
      [9, V128],
    ],
    body: op.block(op.loop([...op.brIf(op.eqz(get(ROWS)), 1), ...row, ...op.br(0)])),
  };
}
