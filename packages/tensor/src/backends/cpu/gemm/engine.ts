import type { FloatArray } from './types';

/**
 * Ints per macro-kernel call in a command list: a, b, c, kc, iTiles, jTiles, aPanel, bPanel, ldc, rowBias,
 * colBias (see `jsTiles`).
 */
export const COMMAND_SIZE = 11;

/** A macro-kernel: the arguments of one command. */
export type Tiles = (
  a: number,
  b: number,
  c: number,
  kc: number,
  iTiles: number,
  jTiles: number,
  aPanel: number,
  bPanel: number,
  ldc: number,
  rowBias: number,
  colBias: number,
) => void;

/**
 * What a job's commands are: GEMM macro-kernel calls over packed B panels, or over an indirect B (rows
 * read in place through an offset table), or whole units of a Winograd convolution (`wasm-winograd.ts`).
 */
export type JobKernel = 'packed' | 'indirect' | 'winograd';

/**
 * The work of one product (or one Winograd convolution): packing steps, and units of macro-kernel calls.
 * Unit u is the calls `[unitBounds[u], unitBounds[u + 1])` of the reserved command list and may start
 * once the first `unitNeeds[u]` steps are done (needs are non-decreasing). Units write disjoint
 * accumulators, so they may run on different threads while the calling thread is still packing later steps.
 */
export interface GemmJob {
  /** The macro-kernel the commands call; see `GemmEngine.indirect` and `GemmEngine.winograd`. */
  readonly kernel: JobKernel;
  readonly steps: readonly (() => void)[];
  readonly unitBounds: readonly number[];
  readonly unitNeeds: readonly number[];
}

/**
 * A backend for the blocked GEMM driver: a scratch area where operands are packed and products
 * accumulated, and a macro-kernel run over lists of calls. All positions are element indices into the
 * scratch view, so the JS and the WebAssembly engines share the driver unchanged.
 */
export interface GemmEngine {
  /** Rows of A per micro-tile. */
  readonly mr: number;
  /** Columns of B per micro-tile. */
  readonly nr: number;
  /** Whether the engine runs indirect-B jobs (B rows read in place through an offset table). */
  readonly indirect: boolean;
  /** Whether the engine runs Winograd convolution units (float32 WebAssembly only). */
  readonly winograd: boolean;
  /**
   * A view over scratch holding at least `elements` elements from index `base`, and room for `calls`
   * macro-kernel commands in `units` units from index 0 of `commands` (which may be longer), to be filled
   * before {@link GemmEngine.execute}. Valid until the next `reserve` (the memory may move when it grows).
   * `threads` is what {@link GemmEngine.threadsFor} gave the job: scratch only helper threads can see is
   * slower to copy out of, so single-thread jobs may get other scratch.
   */
  reserve(
    elements: number,
    calls: number,
    units: number,
    threads: number,
  ): { view: FloatArray; base: number; commands: Int32Array };
  /** Runs the job's steps and the reserved commands, on `threads` threads (see {@link GemmEngine.threadsFor}). */
  execute(job: GemmJob, threads: number): void;
  /** How many threads a product of `flops` floating-point operations should use (1 = calling thread only). */
  threadsFor(flops: number): number;
  /**
   * Copies, within the scratch of the last job, `planes` planes of `rows` rows of `width` elements from
   * `from` to `to` (element indices; rows `fromRow` / `toRow` apart, planes `fromPlane` / `toPlane`),
   * front to back, so in place where every destination lies at or before its source. WebAssembly engines
   * only; without it a caller copies element by element.
   */
  /**
   * Packs, within the scratch of the last job, `count` lines starting at `from` (element indices; lines
   * `lineStride` apart, `kStride` per depth step) into zero-padded panels of `width` lanes at `to`,
   * `panelSize` apart, as packPanels does from a JS array, natively. A caller copies an operand into the
   * scratch (one native copy) to use it. WebAssembly engines only.
   */
  readonly packLines?: (
    from: number,
    to: number,
    count: number,
    k: number,
    lineStride: number,
    kStride: number,
    width: number,
    panelSize: number,
  ) => void;
  readonly copyRows?: (
    from: number,
    to: number,
    planes: number,
    rows: number,
    width: number,
    strides: { fromRow: number; toRow: number; fromPlane: number; toPlane: number },
  ) => void;
}

/** Calls `tiles` for each command of `commands[from, to)` — the single-threaded loop of the JS engine. */
export function runCommands(tiles: Tiles, commands: Int32Array, from: number, to: number): void {
  for (let i = from * COMMAND_SIZE; i < to * COMMAND_SIZE; i += COMMAND_SIZE) {
    tiles(
      commands[i] as number,
      commands[i + 1] as number,
      commands[i + 2] as number,
      commands[i + 3] as number,
      commands[i + 4] as number,
      commands[i + 5] as number,
      commands[i + 6] as number,
      commands[i + 7] as number,
      commands[i + 8] as number,
      commands[i + 9] as number,
      commands[i + 10] as number,
    );
  }
}
