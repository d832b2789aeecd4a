import { COMMAND_SIZE } from './engine';
import { type Code, emitModule, type FunctionSpec, I32, op, V128 } from './wasm-emitter';

/** Micro-tile shape of one SIMD kernel: `mr` rows of A by `nr` columns of B, `bytes` per element. */
export interface TileShape {
  readonly bytes: 4 | 8;
  readonly mr: number;
  readonly nr: number;
}

/** f32: 6x8 = 12 f32x4 accumulators + 2 B vectors + 1 splat fit the 16 SIMD registers. */
export const F32_TILE: TileShape = { bytes: 4, mr: 6, nr: 8 };
/** f64: 6x4 = 12 f64x2 accumulators, same register budget. */
export const F64_TILE: TileShape = { bytes: 8, mr: 6, nr: 4 };

const { get, set, add, sub, mul, shl, i32, ne } = op;
const repeat = (count: number, each: (i: number) => Code): Code => Array.from({ length: count }, (_, i) => each(i)).flat();

/**
 * The macro-kernel `tiles(a, b, c, kc, iTiles, jTiles, aPanel, bPanel, ldc)` with the semantics of the JS
 * `jsTiles` (element indices; iTiles, jTiles, kc >= 1): for each B panel and each A panel, an
 * `mr x nr` register tile accumulates `kc` rank-1 updates (splat of one A value times the B vectors),
 * then is added into the accumulator tile in memory.
 */
function tilesFunction({ bytes, mr, nr }: TileShape, name: string): FunctionSpec {
  const [a, b, c, kc, iTiles, jTiles, aPanel, bPanel, ldc] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [it, ap, bp, p, aRow, cTile, cRow] = [9, 10, 11, 12, 13, 14, 15];
  const vecs = (nr * bytes) / 16;
  const acc = (r: number, v: number) => 16 + r * vecs + v;
  const bv = (v: number) => 16 + mr * vecs + v;
  const av = 16 + mr * vecs + vecs;
  const shift = Math.log2(bytes);
  const toBytes = repeat(9, (x) => (x === kc || x === iTiles || x === jTiles ? [] : set(x, shl(get(x), i32(shift)))));
  const kStep = [
    ...repeat(vecs, (v) => set(bv(v), op.v128Load(get(bp), 16 * v))),
    ...repeat(mr, (r) => [
      ...set(av, op.splat(bytes, get(ap), r * bytes)),
      ...repeat(vecs, (v) => set(acc(r, v), op.fadd(bytes, get(acc(r, v)), op.fmul(bytes, get(av), get(bv(v)))))),
    ]),
    ...set(ap, add(get(ap), i32(mr * bytes))),
    ...set(bp, add(get(bp), i32(nr * bytes))),
    ...set(p, sub(get(p), i32(1))),
  ];
  const storeTile = [
    ...set(cRow, get(cTile)),
    ...repeat(mr, (r) => [
      ...repeat(vecs, (v) =>
        op.v128Store(get(cRow), 16 * v, op.fadd(bytes, op.v128Load(get(cRow), 16 * v), get(acc(r, v)))),
      ),
      ...set(cRow, add(get(cRow), get(ldc))),
    ]),
  ];
  const overA = op.doWhile(
    [
      ...set(ap, get(aRow)),
      ...set(bp, get(b)),
      ...repeat(mr * vecs, (i) => set(16 + i, op.v128Zero())),
      ...set(p, get(kc)),
      ...op.doWhile(kStep, ne(get(p), i32(0))),
      ...storeTile,
      ...set(aRow, add(get(aRow), get(aPanel))),
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
      ...overA,
      ...set(b, add(get(b), get(bPanel))),
      ...set(c, add(get(c), i32(nr * bytes))),
      ...set(jTiles, sub(get(jTiles), i32(1))),
    ],
    ne(get(jTiles), i32(0)),
  );
  return {
    name,
    params: 9,
    locals: [
      [7, I32],
      [mr * vecs + vecs + 1, V128],
    ],
    body: [...toBytes, ...overB],
  };
}

/** `run(commands, count)`: calls function `tiles` for `count >= 1` commands of 9 i32 at byte address `commands`. */
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

/** Exports of the kernel module: `tiles32/run32` over f32 panels, `tiles64/run64` over f64 panels. */
export interface KernelExports {
  run32(commands: number, count: number): void;
  run64(commands: number, count: number): void;
}

/** The kernel module's bytes, importing `env.memory` (shared when the kernels run on several threads). */
export function kernelModuleBytes(sharedMemory: boolean, maxPages: number): Uint8Array {
  return emitModule(
    [tilesFunction(F32_TILE, 'tiles32'), runFunction(0, 'run32'), tilesFunction(F64_TILE, 'tiles64'), runFunction(2, 'run64')],
    sharedMemory,
    maxPages,
  );
}
