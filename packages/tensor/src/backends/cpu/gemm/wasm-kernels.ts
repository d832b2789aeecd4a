import { THREADED_UNARY, threadedUnitFunctions, unitRunnerName } from '../simd/threaded-units';
import { COMMAND_SIZE, type JobKernel } from './engine';
import { copyRowsFunction } from './wasm-copy-rows';
import { type Code, emitModule, type FunctionSpec, I32, op, V128 } from './wasm-emitter';
import { packLinesFunction } from './wasm-pack-lines';
import { WINOGRAD_TILE, winogradFunction } from './wasm-winograd';

/** Micro-tile shape of one SIMD kernel: `mr` rows of A by `nr` columns of B, `bytes` per element. */
export interface TileShape {
  readonly bytes: 4 | 8;
  readonly mr: number;
  readonly nr: number;
}

/**
 * f32: 2x16 = 8 f32x4 accumulators + 4 B vectors + 2 A splats: 14 of the 16 SIMD registers, no spills
 * (V8 loads all of a k step's A splats up front, so 6x8 or 3x12 tiles spill to the stack every step).
 * Against 4x8 (the same 8 accumulators, 6 loads per 16 products either way) it runs 11-14% faster on
 * data in cache, interleaved in one process on this 2-core Zen 3: 38.2 against 33.8 GFLOP/s.
 */
export const F32_TILE: TileShape = { bytes: 4, mr: 2, nr: 16 };
/** f64: 4x4 = 8 f64x2 accumulators, the same register budget. */
export const F64_TILE: TileShape = { bytes: 8, mr: 4, nr: 4 };

const { get, set, add, sub, mul, shl, i32, ne } = op;
const repeat = (count: number, each: (i: number) => Code): Code =>
  Array.from({ length: count }, (_, i) => each(i)).flat();

/**
 * The macro-kernel `tiles(a, b, c, kc, iTiles, jTiles, aPanel, bPanel, ldc, rowBias, colBias)` with the
 * semantics of the JS `jsTiles` (element indices; iTiles, jTiles, |kc| >= 1): for each B panel and each A
 * panel, an `mr x nr` register tile accumulates `kc` rank-1 updates (splat of one A value times the B
 * vectors), then is added into the accumulator tile (kc > 0) or stored plus the biases (kc < 0).
 *
 * An `indirect` B is not packed: depth row p of B is contiguous at `b + offsets[p]` where `offsets` is
 * an i32 table (byte offsets) at element index `bPanel`, and B tiles are `nr` columns apart. A stride-1
 * convolution's im2col matrix is such a view of the zero-padded input (row (c,kh,kw) is the image
 * shifted by that tap), so it needs no packing at all. A `strided` B is a row-major matrix with rows
 * `bPanel` elements apart (Winograd's transformed input), B tiles again `nr` columns apart; those tiles
 * take no biases (`rowBias` and `colBias` are ignored).
 */
function tilesFunction(
  { bytes, mr, nr }: TileShape,
  layout: 'packed' | 'indirect' | 'strided',
  name: string,
): FunctionSpec {
  const indirect = layout === 'indirect';
  const [a, b, c, kc, iTiles, jTiles, aPanel, bPanel, ldc, rowBias, colBias] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
  ];
  const [it, ap, bp, p, aRow, cTile, cRow, first, rb, bRow] = [11, 12, 13, 14, 15, 16, 17, 18, 19, 20];
  const vecs = (nr * bytes) / 16;
  const v0 = 21; // first v128 local
  const acc = (r: number, v: number) => v0 + r * vecs + v;
  const bv = (v: number) => v0 + mr * vecs + v;
  const av = v0 + mr * vecs + vecs;
  const shift = Math.log2(bytes);
  const prologue = [
    // Element indices to byte addresses (the indirect offset table is i32).
    ...repeat(COMMAND_SIZE, (x) =>
      x === kc || x === iTiles || x === jTiles
        ? []
        : set(x, shl(get(x), i32(indirect && x === bPanel ? 2 : shift))),
    ),
    // Negative kc marks the first k block: the tile is stored, not added, so C needs no zeroing.
    ...set(first, op.ltS(get(kc), i32(0))),
    ...set(kc, op.select(sub(i32(0), get(kc)), get(kc), get(first))),
  ];
  // Packed: bp walks the panel. Indirect: bp walks the offset table, B row p starts at b + offsets[p].
  // Strided: bp walks the rows.
  const kStep = [
    ...set(bRow, indirect ? add(get(b), op.loadI32(get(bp), 0)) : get(bp)),
    ...repeat(vecs, (v) => set(bv(v), op.v128Load(get(bRow), 16 * v))),
    ...repeat(mr, (r) => [
      ...set(av, op.splat(bytes, get(ap), r * bytes)),
      ...repeat(vecs, (v) =>
        set(acc(r, v), op.fadd(bytes, get(acc(r, v)), op.fmul(bytes, get(av), get(bv(v))))),
      ),
    ]),
    ...set(ap, add(get(ap), i32(mr * bytes))),
    ...set(bp, add(get(bp), layout === 'strided' ? get(bPanel) : i32(indirect ? 4 : nr * bytes))),
    ...set(p, sub(get(p), i32(1))),
  ];
  const storeRows = (value: (r: number, v: number) => Code) =>
    repeat(mr, (r) => [
      ...repeat(vecs, (v) => op.v128Store(get(cRow), 16 * v, value(r, v))),
      ...set(cRow, add(get(cRow), get(ldc))),
    ]);
  const withBias = (r: number, v: number) =>
    op.fadd(
      bytes,
      get(acc(r, v)),
      op.fadd(bytes, op.splat(bytes, get(rb), r * bytes), op.v128Load(get(colBias), 16 * v)),
    );
  const storeTile = [
    ...set(cRow, get(cTile)),
    ...op.ifElse(
      get(first),
      storeRows(layout === 'strided' ? (r, v) => get(acc(r, v)) : withBias),
      storeRows((r, v) => op.fadd(bytes, op.v128Load(get(cRow), 16 * v), get(acc(r, v)))),
    ),
  ];
  const overA = op.doWhile(
    [
      ...set(ap, get(aRow)),
      ...set(bp, get(indirect ? bPanel : b)),
      ...repeat(mr * vecs, (i) => set(v0 + i, op.v128Zero())),
      ...set(p, get(kc)),
      ...op.doWhile(kStep, ne(get(p), i32(0))),
      ...storeTile,
      ...set(aRow, add(get(aRow), get(aPanel))),
      ...set(rb, add(get(rb), i32(mr * bytes))),
      ...set(cTile, add(get(cTile), mul(get(ldc), i32(mr)))),
      ...set(it, sub(get(it), i32(1))),
    ],
    ne(get(it), i32(0)),
  );
  const overB = op.doWhile(
    [
      ...set(aRow, get(a)),
      ...set(cTile, get(c)),
      ...set(it, get(iTiles)),
      ...set(rb, get(rowBias)),
      ...overA,
      ...set(b, add(get(b), layout === 'packed' ? get(bPanel) : i32(nr * bytes))),
      ...set(c, add(get(c), i32(nr * bytes))),
      ...set(colBias, add(get(colBias), i32(nr * bytes))),
      ...set(jTiles, sub(get(jTiles), i32(1))),
    ],
    ne(get(jTiles), i32(0)),
  );
  return {
    name,
    params: COMMAND_SIZE,
    locals: [
      [10, I32],
      [mr * vecs + vecs + 1, V128],
    ],
    body: [...prologue, ...overB],
  };
}

/**
 * `run(commands, count)`: calls function `tiles` (a GEMM macro-kernel or a Winograd unit) for
 * `count >= 1` commands of `COMMAND_SIZE` i32 at byte address `commands`.
 */
function runFunction(tiles: number, name: string): FunctionSpec {
  const [commands, count] = [0, 1];
  const args = Array.from({ length: COMMAND_SIZE }, (_, i) => op.loadI32(get(commands), 4 * i));
  return {
    name,
    params: 2,
    locals: [],
    body: op.doWhile(
      [
        ...op.call(tiles, ...args),
        ...set(commands, add(get(commands), i32(4 * COMMAND_SIZE))),
        ...set(count, sub(get(count), i32(1))),
      ],
      ne(get(count), i32(0)),
    ),
  };
}

/** Names of the GEMM's command runners: tiles by element size and B layout, float32 Winograd units. */
const GEMM_RUNNERS = ['run32', 'run64', 'runIndirect32', 'runIndirect64', 'runWinograd32'] as const;

/**
 * The worker pool's export list: the GEMM's command runners, then the threaded elementwise kernels' unit
 * runners (see threaded-units.ts).
 */
export const RUNNERS: readonly string[] = [...GEMM_RUNNERS, ...THREADED_UNARY.map(unitRunnerName)];

/** Index into {@link RUNNERS}; Winograd units exist for float32 only. */
export const runnerIndex = (bytes: 4 | 8, kernel: JobKernel) =>
  kernel === 'winograd' ? 4 : (bytes === 4 ? 0 : 1) + (kernel === 'indirect' ? 2 : 0);

/** Exports of the kernel module: a command runner per entry of {@link RUNNERS}, copyRows and packLines. */
export type KernelExports = Record<string, (...args: number[]) => void> &
  Record<
    (typeof GEMM_RUNNERS)[number] | 'copyRows' | 'packLines32' | 'packLines64',
    (...args: number[]) => void
  >;

/** The kernel module's bytes, importing `env.memory` (shared when the kernels run on several threads). */
export function kernelModuleBytes(sharedMemory: boolean, maxPages: number): Uint8Array {
  // The strided float32 tiles are called by the Winograd units only, so they have no runner.
  const functions: FunctionSpec[] = [tilesFunction(WINOGRAD_TILE, 'strided', 'tilesStrided32')];
  for (const name of GEMM_RUNNERS) {
    if (name === 'runWinograd32') {
      functions.push(winogradFunction(0, 'winograd32'));
    } else {
      const layout = name.startsWith('runIndirect') ? 'indirect' : 'packed';
      const tile = name.endsWith('32') ? F32_TILE : F64_TILE;
      functions.push(tilesFunction(tile, layout, `tiles${name.slice(3)}`));
    }
    functions.push(runFunction(functions.length - 1, name));
  }
  functions.push(copyRowsFunction(), packLinesFunction(4), packLinesFunction(8));
  functions.push(...threadedUnitFunctions(functions.length));
  return emitModule(functions, sharedMemory, maxPages);
}
