import { COMMAND_SIZE } from './engine';
import { type Code, type FunctionSpec, I32, op, V128 } from './wasm-emitter';

/**
 * Slots of the i32 parameter block a Winograd job shares between its units (byte addresses unless noted;
 * the input is NCHW float32 with `inHeight x inWidth` planes). A slot's scratch holds the padded input
 * band of one channel at `bandOffset`, the transformed input V at `vOffset` (16 matrices
 * `channels x pitch`, `vXi` bytes apart), the products M at `mOffset` (16 matrices
 * `mr * oPanels x pitch`, `mXi` bytes apart) and 8 floats at `tmpOffset` for the output's scalar tails.
 * A band row (`rowBytes`) is one zero-padded input row as its even columns, then (at `oddBytes`) its odd
 * columns; input columns 0, 2, 4, .. land at byte `evenShift` (+ 4 per column pair), columns 1, 3, 5, ..
 * at `oddShift`, and the halves are zero again from `tailEven` / `tailOdd` (the right padding, where
 * whole vectors of input spill).
 */
export const WINOGRAD_PARAMS = {
  input: 0,
  inHeight: 1,
  inWidth: 2,
  padTop: 3,
  chunks: 4,
  evenShift: 5,
  oddShift: 6,
  tailEven: 7,
  tailOdd: 8,
  rowBytes: 9,
  oddBytes: 10,
  channels: 11,
  tilesX: 12,
  tilesY: 13,
  groupsX: 14,
  weights: 15,
  weightsXi: 16,
  oPanels: 17,
  outChannels: 18,
  outHeight: 19,
  outWidth: 20,
  output: 21,
  bias: 22,
  slots: 23,
  slotCount: 24,
  slotBase: 25,
  slotBytes: 26,
  pitch: 27,
  bandOffset: 28,
  vOffset: 29,
  mOffset: 30,
  tmpOffset: 31,
  vXi: 32,
  mXi: 33,
} as const;

/** Size of the parameter block in i32 slots. */
export const WINOGRAD_PARAMS_SIZE = Object.keys(WINOGRAD_PARAMS).length;

/**
 * The GEMM micro-tile of the Winograd units (`mr` output channels by `nr` tiles): 4x8, the same 8
 * accumulators as the general GEMM's 2x16 (see F32_TILE: larger tiles spill on V8); the units' layout
 * is built around it, and it wastes no rows when channels divide by 4.
 */
export const WINOGRAD_TILE = { bytes: 4, mr: 4, nr: 8 } as const;

const { get, set, add, sub, mul, shl, i32, ne } = op;
const repeat = (count: number, each: (i: number) => Code): Code =>
  Array.from({ length: count }, (_, i) => each(i)).flat();
const f32 = {
  add: (x: Code, y: Code) => op.fadd(4, x, y),
  sub: (x: Code, y: Code) => op.fsub(4, x, y),
};

/**
 * `winograd(params, firstRow, rows, ...)`: one unit of a float32 3x3 stride-1 convolution by Winograd
 * F(2x2, 3x3) (Lavin & Gray 2015), covering tile rows `[firstRow, firstRow + rows)` of the flattened
 * (image, tile row) grid; each tile is a 2x2 block of outputs. The unit claims a free scratch slot
 * (atomically, so concurrent units never share one), then:
 *
 * 1. input transform: for each channel, the unit's rows of the input are zero-padded into a band, then
 *    for each group of 4 horizontally adjacent tiles the 4x4 input windows `d` become `B^T d B`
 *    (additions only), written as 16 row-major matrices V[xi] (channel x tile);
 * 2. 16 GEMMs `M[xi] = U[xi] @ V[xi]` through the strided-B GEMM kernel `tiles` (function index), U being
 *    the transformed weights packed as A panels by the caller;
 * 3. output transform: `A^T M A + bias` per output channel and tile, stored as 2x2 outputs in the NCHW
 *    output. Vector stores may spill past a row's end into a later row of the same unit (rewritten
 *    afterwards); a store that would reach past the unit's last row goes through a scalar tail instead.
 */
export function winogradFunction(tiles: number, name: string): FunctionSpec {
  const P = WINOGRAD_PARAMS;
  let next = COMMAND_SIZE;
  const locals = <K extends string>(keys: readonly K[]) =>
    Object.fromEntries(keys.map((key) => [key, next++])) as Record<K, number>;
  /** `count` consecutive locals; returns the index of local i. */
  const run = (count: number) => {
    const first = next;
    next += count;
    return (i: number) => first + i;
  };
  const [block, firstRow, rows] = [0, 1, 2];
  const p = locals(Object.keys(P) as (keyof typeof P)[]);
  const { slot, scratch, band, v, m, tmp, tileCount, jTiles, n0, ty0 } = locals([
    'slot',
    'scratch',
    'band',
    'v',
    'm',
    'tmp',
    'tileCount',
    'jTiles',
    'n0',
    'ty0',
  ] as const);
  const { c, n, ty, left, g, src, dst, a1, a2, a3, o, plane, limit, oh, k, from, r, ih } = locals([
    'c',
    'n',
    'ty',
    'left',
    'g',
    'src',
    'dst',
    'a1',
    'a2',
    'a3',
    'o',
    'plane',
    'limit',
    'oh',
    'k',
    'from',
    'r',
    'ih',
  ] as const);
  const vx = run(16); // xi * vXi
  const mx = run(16); // xi * mXi
  const i32Count = next - COMMAND_SIZE;
  const t = run(16); // t(4 * r + b)
  const s = run(4);
  const { bias, y0, y1, x0, x1 } = locals(['bias', 'y0', 'y1', 'x0', 'x1'] as const);
  const v128Count = next - COMMAND_SIZE - i32Count;

  const at = (local: number, bytes: number) => add(get(local), i32(bytes));
  const inc = (local: number, by: Code) => set(local, add(get(local), by));
  const loadParams = Object.entries(P).flatMap(([key, index]) =>
    set(p[key as keyof typeof P], op.loadI32(get(block), 4 * index)),
  );
  // Slot claim: a thread holds at most one slot, so with as many slots as threads one is always free.
  const claimSlot = [
    ...set(slot, i32(0)),
    ...op.block(
      op.loop([
        ...op.brIf(
          op.eqz(op.atomicCompareExchange(add(get(p.slots), shl(get(slot), i32(2))), i32(0), i32(1))),
          1,
        ),
        ...inc(slot, i32(1)),
        ...set(slot, op.select(i32(0), get(slot), op.eq(get(slot), get(p.slotCount)))),
        ...op.br(0),
      ]),
    ),
    ...set(scratch, add(get(p.slotBase), mul(get(slot), get(p.slotBytes)))),
    ...set(band, add(get(scratch), get(p.bandOffset))),
    ...set(v, add(get(scratch), get(p.vOffset))),
    ...set(m, add(get(scratch), get(p.mOffset))),
    ...set(tmp, add(get(scratch), get(p.tmpOffset))),
    ...repeat(16, (xi) => [
      ...set(vx(xi), mul(get(p.vXi), i32(xi))),
      ...set(mx(xi), mul(get(p.mXi), i32(xi))),
    ]),
    ...set(tileCount, mul(get(rows), get(p.tilesX))),
    ...set(jTiles, op.divU(add(get(tileCount), i32(WINOGRAD_TILE.nr - 1)), i32(WINOGRAD_TILE.nr))),
    ...set(n0, op.divU(get(firstRow), get(p.tilesY))),
    ...set(ty0, op.remU(get(firstRow), get(p.tilesY))),
  ];
  const pitchBytes = shl(get(p.pitch), i32(2));
  const nextTileRow = (step: Code) => [
    ...step,
    ...inc(ty, i32(1)),
    ...op.ifElse(op.eq(get(ty), get(p.tilesY)), [...set(ty, i32(0)), ...inc(n, i32(1))], []),
    ...set(left, sub(get(left), i32(1))),
  ];
  // t = B^T d B with B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1], four tiles per lane group. Columns
  // 2tx .. 2tx+3 of window row r are even[tx], odd[tx], even[tx + 1], odd[tx + 1].
  const rowTransform = (d: readonly Code[]) => [
    f32.sub(d[0]!, d[2]!),
    f32.add(d[1]!, d[2]!),
    f32.sub(d[2]!, d[1]!),
    f32.sub(d[1]!, d[3]!),
  ];
  const rowAddress = (r: number) => [src, a1, a2, a3][r] as number;
  const inputGroup = [
    ...set(a1, add(get(src), get(p.rowBytes))),
    ...set(a2, add(get(a1), get(p.rowBytes))),
    ...set(a3, add(get(a2), get(p.rowBytes))),
    ...repeat(4, (r) => {
      const row = rowAddress(r);
      const odd = add(get(row), get(p.oddBytes));
      const d = [
        op.v128Load(get(row), 0),
        op.v128Load(odd, 0),
        op.v128Load(get(row), 4),
        op.v128Load(odd, 4),
      ];
      return rowTransform(d).flatMap((value, b) => set(t(4 * r + b), value));
    }),
    ...repeat(4, (b) =>
      rowTransform([0, 1, 2, 3].map((r) => get(t(4 * r + b)))).flatMap((value, a) =>
        op.v128Store(add(get(dst), get(vx(4 * a + b))), 0, value),
      ),
    ),
    ...inc(src, i32(16)),
    ...inc(dst, i32(16)),
    ...set(g, sub(get(g), i32(1))),
  ];
  // Band rows 4 * local + (0..3) hold the padded rows 2ty .. 2ty+3 of the unit's tile row `local`:
  // zeroed, then filled 8 input columns at a time, split into even and odd columns by shuffles. The
  // last vector may read past the input row; what it writes into the right padding is zeroed again.
  const bandRow = [
    ...set(k, op.shrU(get(p.rowBytes), i32(4))),
    ...set(a1, get(dst)),
    ...op.doWhile(
      [...op.v128Store(get(a1), 0, op.v128Zero()), ...inc(a1, i32(16)), ...set(k, sub(get(k), i32(1)))],
      ne(get(k), i32(0)),
    ),
    ...set(ih, sub(add(shl(get(ty), i32(1)), get(r)), get(p.padTop))),
    ...op.ifElse(
      op.ltU(get(ih), get(p.inHeight)),
      [
        ...set(
          src,
          add(
            get(p.input),
            shl(
              mul(
                add(mul(add(mul(get(n), get(p.channels)), get(c)), get(p.inHeight)), get(ih)),
                get(p.inWidth),
              ),
              i32(2),
            ),
          ),
        ),
        ...set(a1, add(get(dst), get(p.evenShift))),
        ...set(a2, add(get(dst), get(p.oddShift))),
        ...set(k, get(p.chunks)),
        ...op.doWhile(
          [
            ...set(x0, op.v128Load(get(src), 0)),
            ...set(x1, op.v128Load(get(src), 16)),
            ...op.v128Store(get(a1), 0, op.shuffle32(get(x0), get(x1), [0, 2, 4, 6])),
            ...op.v128Store(get(a2), 0, op.shuffle32(get(x0), get(x1), [1, 3, 5, 7])),
            ...inc(src, i32(32)),
            ...inc(a1, i32(16)),
            ...inc(a2, i32(16)),
            ...set(k, sub(get(k), i32(1))),
          ],
          ne(get(k), i32(0)),
        ),
        ...op.v128Store(add(get(dst), get(p.tailEven)), 0, op.v128Zero()),
        ...op.v128Store(add(get(dst), get(p.tailOdd)), 0, op.v128Zero()),
      ],
      [],
    ),
    ...inc(dst, get(p.rowBytes)),
  ];
  const buildBand = [
    ...set(n, get(n0)),
    ...set(ty, get(ty0)),
    ...set(left, get(rows)),
    ...set(dst, get(band)),
    ...op.doWhile(
      nextTileRow([...set(r, i32(0)), ...op.doWhile([...bandRow, ...inc(r, i32(1))], ne(get(r), i32(4)))]),
      ne(get(left), i32(0)),
    ),
  ];
  const inputTransform = [
    ...set(c, i32(0)),
    ...op.doWhile(
      [
        ...buildBand,
        ...set(left, get(rows)),
        ...set(src, get(band)),
        ...set(from, add(get(v), mul(get(c), pitchBytes))),
        ...op.doWhile(
          [
            ...set(dst, get(from)),
            ...set(g, get(p.groupsX)),
            ...set(plane, get(src)),
            ...op.doWhile(inputGroup, ne(get(g), i32(0))),
            ...set(src, add(get(plane), shl(get(p.rowBytes), i32(2)))),
            ...inc(from, shl(get(p.tilesX), i32(2))),
            ...set(left, sub(get(left), i32(1))),
          ],
          ne(get(left), i32(0)),
        ),
        // Columns past the unit's tiles (up to the next multiple of 8) feed only discarded outputs; zero
        // them so neither the spill above nor stale (maybe subnormal) scratch reaches the GEMM.
        ...repeat(16, (xi) => [
          ...op.v128Store(add(get(from), get(vx(xi))), 0, op.v128Zero()),
          ...op.v128Store(add(get(from), get(vx(xi))), 16, op.v128Zero()),
        ]),
        ...inc(c, i32(1)),
      ],
      ne(get(c), get(p.channels)),
    ),
  ];
  const gemms = repeat(16, (xi) =>
    op.call(
      tiles,
      op.shrU(add(get(p.weights), mul(get(p.weightsXi), i32(xi))), i32(2)),
      op.shrU(add(get(v), get(vx(xi))), i32(2)),
      op.shrU(add(get(m), get(mx(xi))), i32(2)),
      sub(i32(0), get(p.channels)),
      get(p.oPanels),
      get(jTiles),
      mul(get(p.channels), i32(WINOGRAD_TILE.mr)),
      get(p.pitch),
      get(p.pitch),
      i32(0), // no biases: the bias is added after the output transform
      i32(0),
    ),
  );
  // Output row i of a tile from M rows a: A^T = [1 1 1 0; 0 1 -1 -1] on both sides, plus the bias.
  const outputRow = (i: 0 | 1) => {
    const mAt = (a: number, b: number) => op.v128Load(add(get(src), get(mx(4 * a + b))), 0);
    const combine = (x: Code, y: Code, z: Code) =>
      i === 0 ? f32.add(f32.add(x, y), z) : f32.sub(f32.sub(x, y), z);
    const group = [
      ...repeat(4, (b) => set(s(b), combine(mAt(i, b), mAt(i + 1, b), mAt(i + 2, b)))),
      ...set(y0, f32.add(f32.add(f32.add(get(s(0)), get(s(1))), get(s(2))), get(bias))),
      ...set(y1, f32.add(f32.sub(f32.sub(get(s(1)), get(s(2))), get(s(3))), get(bias))),
      ...op.ifElse(
        op.leU(at(dst, 32), get(limit)),
        [
          ...op.v128Store(get(dst), 0, op.shuffle32(get(y0), get(y1), [0, 4, 1, 5])),
          ...op.v128Store(get(dst), 16, op.shuffle32(get(y0), get(y1), [2, 6, 3, 7])),
        ],
        [
          ...op.v128Store(get(tmp), 0, op.shuffle32(get(y0), get(y1), [0, 4, 1, 5])),
          ...op.v128Store(get(tmp), 16, op.shuffle32(get(y0), get(y1), [2, 6, 3, 7])),
          // The row's last (8 - k) values: k = outWidth - 2 * first tile column >= 1.
          ...set(k, sub(get(p.outWidth), shl(sub(get(p.groupsX), get(g)), i32(3)))),
          ...set(a1, get(tmp)),
          ...set(a2, get(dst)),
          ...op.doWhile(
            [
              ...op.storeI32(get(a2), 0, op.loadI32(get(a1), 0)),
              ...inc(a1, i32(4)),
              ...inc(a2, i32(4)),
              ...set(k, sub(get(k), i32(1))),
            ],
            ne(get(k), i32(0)),
          ),
        ],
      ),
    ];
    return [
      ...set(oh, add(shl(get(ty), i32(1)), i32(i))),
      ...op.ifElse(
        op.ltS(get(oh), get(p.outHeight)),
        [
          ...set(src, get(from)),
          ...set(dst, add(get(plane), shl(mul(get(oh), get(p.outWidth)), i32(2)))),
          ...set(g, get(p.groupsX)),
          ...op.doWhile(
            [...group, ...inc(src, i32(16)), ...inc(dst, i32(32)), ...set(g, sub(get(g), i32(1)))],
            ne(get(g), i32(0)),
          ),
        ],
        [],
      ),
    ];
  };
  const outputTransform = [
    ...set(o, i32(0)),
    ...op.doWhile(
      [
        ...set(bias, op.splat(4, add(get(p.bias), shl(get(o), i32(2))), 0)),
        ...set(n, get(n0)),
        ...set(ty, get(ty0)),
        ...set(left, get(rows)),
        ...set(from, add(get(m), mul(get(o), pitchBytes))),
        ...op.doWhile(
          nextTileRow([
            ...set(
              plane,
              add(
                get(p.output),
                shl(
                  mul(add(mul(get(n), get(p.outChannels)), get(o)), mul(get(p.outHeight), get(p.outWidth))),
                  i32(2),
                ),
              ),
            ),
            // This unit's last output row of the plane: min(outHeight, 2 * (its last tile row + 1)).
            ...set(k, sub(add(get(firstRow), get(rows)), mul(get(n), get(p.tilesY)))),
            ...set(k, op.select(get(p.tilesY), get(k), op.ltS(get(p.tilesY), get(k)))),
            ...set(k, shl(get(k), i32(1))),
            ...set(k, op.select(get(p.outHeight), get(k), op.ltS(get(p.outHeight), get(k)))),
            ...set(limit, add(get(plane), shl(mul(get(k), get(p.outWidth)), i32(2)))),
            ...outputRow(0),
            ...outputRow(1),
            ...inc(from, shl(get(p.tilesX), i32(2))),
          ]),
          ne(get(left), i32(0)),
        ),
        ...inc(o, i32(1)),
      ],
      ne(get(o), get(p.outChannels)),
    ),
  ];
  return {
    name,
    params: COMMAND_SIZE,
    locals: [
      [i32Count, I32],
      [v128Count, V128],
    ],
    body: [
      ...loadParams,
      ...claimSlot,
      ...inputTransform,
      ...gemms,
      ...outputTransform,
      ...op.atomicStore(add(get(p.slots), shl(get(slot), i32(2))), i32(0)),
    ],
  };
}
