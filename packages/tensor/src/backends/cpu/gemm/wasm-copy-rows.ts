import { type FunctionSpec, I32, op } from './wasm-emitter';

const [FROM, TO, PLANES, ROWS, ROW_BYTES, FROM_ROW, TO_ROW, FROM_PLANE, TO_PLANE] = [
  0, 1, 2, 3, 4, 5, 6, 7, 8,
];
const [AT, VECTOR_END, ROWS_LEFT, ROW_FROM, ROW_TO] = [9, 10, 11, 12, 13];

/**
 * `copyRows(from, to, planes, rows, rowBytes, fromRow, toRow, fromPlane, toPlane)`, byte addresses and
 * strides: `planes` planes of `rows` rows of `rowBytes` bytes (a multiple of 4; planes and rows >= 1),
 * rows `fromRow` / `toRow` bytes apart and planes `fromPlane` / `toPlane` apart, 16 bytes at a time, then
 * 4. Front to back, so it also compacts in place: where every destination byte lies at or before its
 * source, no byte is overwritten before it is read (a convolution's output computed on a padded grid,
 * squeezed to the output's width within the GEMM scratch).
 */
export function copyRowsFunction(): FunctionSpec {
  const { get, set, add, sub } = op;
  const copy = (bytes: 4 | 16) => {
    const from = add(get(ROW_FROM), get(AT));
    const to = add(get(ROW_TO), get(AT));
    return [
      ...(bytes === 16 ? op.v128Store(to, 0, op.v128Load(from, 0)) : op.storeI32(to, 0, op.loadI32(from, 0))),
      ...set(AT, add(get(AT), op.i32(bytes))),
    ];
  };
  const row = [
    ...set(AT, op.i32(0)),
    ...op.ifElse(
      op.ltU(get(AT), get(VECTOR_END)),
      op.doWhile(copy(16), op.ltU(get(AT), get(VECTOR_END))),
      [],
    ),
    ...op.ifElse(op.ltU(get(AT), get(ROW_BYTES)), op.doWhile(copy(4), op.ltU(get(AT), get(ROW_BYTES))), []),
    ...set(ROW_FROM, add(get(ROW_FROM), get(FROM_ROW))),
    ...set(ROW_TO, add(get(ROW_TO), get(TO_ROW))),
    ...set(ROWS_LEFT, sub(get(ROWS_LEFT), op.i32(1))),
  ];
  const plane = [
    ...set(ROW_FROM, get(FROM)),
    ...set(ROW_TO, get(TO)),
    ...set(ROWS_LEFT, get(ROWS)),
    ...op.doWhile(row, op.ne(get(ROWS_LEFT), op.i32(0))),
    ...set(FROM, add(get(FROM), get(FROM_PLANE))),
    ...set(TO, add(get(TO), get(TO_PLANE))),
    ...set(PLANES, sub(get(PLANES), op.i32(1))),
  ];
  return {
    name: 'copyRows',
    params: 9,
    locals: [[5, I32]],
    body: [
      ...set(VECTOR_END, sub(get(ROW_BYTES), op.remU(get(ROW_BYTES), op.i32(16)))),
      ...op.doWhile(plane, op.ne(get(PLANES), op.i32(0))),
    ],
  };
}
