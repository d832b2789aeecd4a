import { type Code, type FunctionSpec, I32, op, V128 } from './wasm-emitter';

const [SRC, DST, COUNT, K, LINE_BYTES, K_BYTES, WIDTH, PANEL_BYTES] = [0, 1, 2, 3, 4, 5, 6, 7];
const [FIRST, LINES, LANE, FROM, TO, LEFT, ROW_BYTES, PANEL, LINE_START, NEXT] = [
  8, 9, 10, 11, 12, 13, 14, 15, 16, 17,
];
/** Row pointers of a four-lane group. */
const ROW = [18, 19, 20, 21] as const;
/** v128 locals: four rows' vectors, then their half-transposed pairs. */
const [X0, X1, X2, X3, T0, T1, T2, T3] = [22, 23, 24, 25, 26, 27, 28, 29];

/**
 * `packLines{32,64}(src, dst, count, k, lineBytes, kBytes, width, panelBytes)`: packPanels (pack.ts) inside
 * the kernels' memory, for 4- or 8-byte elements moved as integers. Line `l` starts at byte
 * `src + l * lineBytes` and steps `kBytes` per depth; panels of `width` lanes (k-major, `width` elements per
 * depth step) start `panelBytes` apart from `dst`, and lanes past `count` are zero. count, k, width >= 1.
 *
 * The loop runs along the smaller stride: depth step by depth step (writing each panel row whole) where
 * lines are closer together than depth steps (the columns of a row-major B: a full row of adjacent
 * lines is copied 16 bytes at a time, or 8), lane by lane otherwise (the rows of a row-major A, each
 * read front to back; float32 panels zip two rows four values at a time, or transpose 4x4 blocks of four
 * rows). The JS loop pays typed-array checks and float conversions per value.
 */
export function packLinesFunction(bytes: 4 | 8): FunctionSpec {
  const { get, set, add, sub, mul, i32 } = op;
  const load = bytes === 4 ? op.loadI32 : op.loadI64;
  const store = bytes === 4 ? op.storeI32 : op.storeI64;
  const zero = bytes === 4 ? i32(0) : op.i64(0);
  /** `for (LEFT = times; LEFT; LEFT--) body` (LEFT is shared: loops that use it don't nest). */
  const repeat = (times: Code, body: Code): Code => [
    ...set(LEFT, times),
    ...op.ifElse(
      op.ne(get(LEFT), i32(0)),
      op.doWhile([...body, ...set(LEFT, sub(get(LEFT), i32(1)))], op.ne(get(LEFT), i32(0))),
      [],
    ),
  ];
  const advance = (local: number, by: Code) => set(local, add(get(local), by));
  const lineStart = add(get(SRC), mul(get(FIRST), get(LINE_BYTES)));

  // Lane by lane: each line read along its depth, its values stored a panel row apart.
  const byLane = op.doWhile(
    [
      ...set(TO, add(get(PANEL), mul(get(LANE), i32(bytes)))),
      ...op.ifElse(
        op.ltS(get(LANE), get(LINES)),
        [
          ...set(FROM, add(get(LINE_START), mul(get(LANE), get(LINE_BYTES)))),
          ...repeat(get(K), [
            ...store(get(TO), 0, load(get(FROM), 0)),
            ...advance(FROM, get(K_BYTES)),
            ...advance(TO, get(ROW_BYTES)),
          ]),
        ],
        repeat(get(K), [...store(get(TO), 0, zero), ...advance(TO, get(ROW_BYTES))]),
      ),
      ...advance(LANE, i32(1)),
    ],
    op.ne(get(LANE), get(WIDTH)),
  );
  // Depth step by depth step: one panel row of `width` values at a time, stored in order.
  const byDepth = repeat(get(K), [
    ...set(FROM, get(LINE_START)),
    ...set(LANE, i32(0)),
    ...op.doWhile(
      [
        ...op.ifElse(
          op.ltS(get(LANE), get(LINES)),
          store(get(TO), 0, load(get(FROM), 0)),
          store(get(TO), 0, zero),
        ),
        ...advance(FROM, get(LINE_BYTES)),
        ...advance(TO, i32(bytes)),
        ...advance(LANE, i32(1)),
      ],
      op.ne(get(LANE), get(WIDTH)),
    ),
    ...advance(LINE_START, get(K_BYTES)),
  ]);
  // Adjacent lines filling the panel, rows a multiple of 16 bytes: each row one run of vector copies.
  const rowsByVector = repeat(get(K), [
    ...set(LANE, i32(0)),
    ...op.doWhile(
      [
        ...op.v128Store(add(get(TO), get(LANE)), 0, op.v128Load(add(get(LINE_START), get(LANE)), 0)),
        ...advance(LANE, i32(16)),
      ],
      op.ne(get(LANE), get(ROW_BYTES)),
    ),
    ...advance(TO, get(ROW_BYTES)),
    ...advance(LINE_START, get(K_BYTES)),
  ]);
  // The same for rows of 8 bytes (two float32 lanes): one 64-bit copy per depth step.
  const rowsByWord = repeat(get(K), [
    ...op.storeI64(get(TO), 0, op.loadI64(get(LINE_START), 0)),
    ...advance(TO, i32(8)),
    ...advance(LINE_START, get(K_BYTES)),
  ]);
  // (x0 y0 x1 y1) and (x2 y2 x3 y3): two rows' vectors interleaved, the step both zips and transposes use.
  const interleaveLow = (x: number, y: number) => op.shuffle32(get(x), get(y), [0, 4, 1, 5]);
  const interleaveHigh = (x: number, y: number) => op.shuffle32(get(x), get(y), [2, 6, 3, 7]);
  // Two float32 rows read front to back into a two-lane panel: (a0 b0 a1 b1) (a2 b2 a3 b3) per 4 steps.
  const zipPairs = [
    ...set(FROM, get(LINE_START)),
    ...set(NEXT, add(get(LINE_START), get(LINE_BYTES))),
    ...repeat(op.shrU(get(K), i32(2)), [
      ...set(X0, op.v128Load(get(FROM), 0)),
      ...set(X1, op.v128Load(get(NEXT), 0)),
      ...op.v128Store(get(TO), 0, interleaveLow(X0, X1)),
      ...op.v128Store(get(TO), 16, interleaveHigh(X0, X1)),
      ...advance(FROM, i32(16)),
      ...advance(NEXT, i32(16)),
      ...advance(TO, i32(32)),
    ]),
    ...repeat(op.and(get(K), i32(3)), [
      ...store(get(TO), 0, load(get(FROM), 0)),
      ...store(get(TO), 4, load(get(NEXT), 0)),
      ...advance(FROM, i32(4)),
      ...advance(NEXT, i32(4)),
      ...advance(TO, i32(8)),
    ]),
  ];
  const full = op.eq(get(LINES), get(WIDTH));
  const adjacent = op.and(op.eq(get(LINE_BYTES), i32(bytes)), full);
  const depthMajor = op.ifElse(
    op.and(adjacent, op.eqz(op.and(get(ROW_BYTES), i32(15)))),
    rowsByVector,
    op.ifElse(op.and(adjacent, op.eq(get(ROW_BYTES), i32(8))), rowsByWord, byDepth),
  );
  // Float32 rows into panels of a multiple of four lanes: four rows at a time, four depth steps of each
  // loaded as vectors and transposed (two shuffle rounds) into four panel rows' lanes.
  const shuffle = op.shuffle32;
  const transposeQuad = [
    ...[X0, X1, X2, X3].flatMap((x, i) => set(x, op.v128Load(get(ROW[i]!), 0))),
    ...set(T0, interleaveLow(X0, X1)),
    ...set(T1, interleaveLow(X2, X3)),
    ...set(T2, interleaveHigh(X0, X1)),
    ...set(T3, interleaveHigh(X2, X3)),
    ...op.v128Store(get(TO), 0, shuffle(get(T0), get(T1), [0, 1, 4, 5])),
    ...op.v128Store(add(get(TO), get(ROW_BYTES)), 0, shuffle(get(T0), get(T1), [2, 3, 6, 7])),
    ...op.v128Store(add(get(TO), mul(get(ROW_BYTES), i32(2))), 0, shuffle(get(T2), get(T3), [0, 1, 4, 5])),
    ...op.v128Store(add(get(TO), mul(get(ROW_BYTES), i32(3))), 0, shuffle(get(T2), get(T3), [2, 3, 6, 7])),
    ...ROW.flatMap((r) => advance(r, i32(16))),
    ...advance(TO, mul(get(ROW_BYTES), i32(4))),
  ];
  const quadTail = [
    ...ROW.flatMap((r, i) => [...store(get(TO), 4 * i, load(get(r), 0)), ...advance(r, i32(4))]),
    ...advance(TO, get(ROW_BYTES)),
  ];
  const transposeGroups = op.doWhile(
    [
      ...ROW.flatMap((r, i) => set(r, add(get(LINE_START), mul(add(get(LANE), i32(i)), get(LINE_BYTES))))),
      ...set(TO, add(get(PANEL), mul(get(LANE), i32(4)))),
      ...repeat(op.shrU(get(K), i32(2)), transposeQuad),
      ...repeat(op.and(get(K), i32(3)), quadTail),
      ...advance(LANE, i32(4)),
    ],
    op.ne(get(LANE), get(WIDTH)),
  );
  const depthContiguous = op.and(op.eq(get(K_BYTES), i32(4)), full);
  const laneMajor =
    bytes === 4
      ? op.ifElse(
          op.and(depthContiguous, op.eq(get(WIDTH), i32(2))),
          zipPairs,
          op.ifElse(op.and(depthContiguous, op.eqz(op.and(get(WIDTH), i32(3)))), transposeGroups, byLane),
        )
      : byLane;
  const panel = [
    ...set(LINES, sub(get(COUNT), get(FIRST))),
    ...set(LINES, op.select(get(WIDTH), get(LINES), op.ltS(get(WIDTH), get(LINES)))),
    ...set(LINE_START, lineStart),
    ...set(LANE, i32(0)),
    ...set(TO, get(PANEL)),
    ...op.ifElse(op.ltU(get(LINE_BYTES), get(K_BYTES)), depthMajor, laneMajor),
    ...advance(PANEL, get(PANEL_BYTES)),
    ...advance(FIRST, get(WIDTH)),
  ];
  return {
    name: `packLines${bytes * 8}`,
    params: 8,
    locals: [
      [14, I32],
      [8, V128],
    ],
    body: [
      ...set(ROW_BYTES, mul(get(WIDTH), i32(bytes))),
      ...set(PANEL, get(DST)),
      ...op.doWhile(panel, op.ltS(get(FIRST), get(COUNT))),
    ],
  };
}
