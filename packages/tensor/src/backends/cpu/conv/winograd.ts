import { COMMAND_SIZE } from '../gemm/engine';
import { engineFor } from '../gemm/engine-for';
import type { FloatArray } from '../gemm/types';
import { WINOGRAD_PARAMS as P, WINOGRAD_PARAMS_SIZE, WINOGRAD_TILE } from '../gemm/wasm-winograd';
import type { ResolvedConv2d } from './geometry';

/**
 * Fewer 2x2 output tiles per (output, input) channel pair than this leave too little GEMM work to pay
 * for transforming the weights (measured: 16 tiles about break even, 128 twice as fast as direct).
 */
const MIN_TILES = 64;
/** Wider outputs would make a unit's scratch outgrow the caches; they keep the direct path. */
const MAX_TILES_X = 256;
/** Tiles per unit to aim for: a slot's transformed input and products stay within L2. */
const UNIT_TILES = 64;
/** Cap on padded-input plus output floats per job; larger batches run in runs of images. */
const RUN_FLOATS = 1 << 21;

/**
 * Whether {@link winogradConv2d} computes this convolution: float32, 3x3, stride 1, dilation 1, one
 * group, at least 2 input channels (with one, the 16 GEMMs of depth 1 cost more than the direct GEMM
 * of depth 9), no empty dimension (the units' loops run at least once), enough tiles, on the
 * WebAssembly engine.
 */
export function usesWinograd(g: ResolvedConv2d, out: FloatArray): boolean {
  const tilesX = Math.ceil(g.outWidth / 2);
  return (
    out instanceof Float32Array &&
    g.kernelHeight === 3 &&
    g.kernelWidth === 3 &&
    g.strideH === 1 &&
    g.strideW === 1 &&
    g.dilationH === 1 &&
    g.dilationW === 1 &&
    g.groups === 1 &&
    g.inChannels >= 2 &&
    g.outChannels >= 1 &&
    g.inHeight >= 1 &&
    g.inWidth >= 1 &&
    tilesX <= MAX_TILES_X &&
    g.batch * tilesX * Math.ceil(g.outHeight / 2) >= MIN_TILES &&
    engineFor(out).winograd
  );
}

/**
 * Whether every value is finite. Winograd's transforms add and subtract values of a whole 4x4 input
 * tile, so one infinity or NaN would turn outputs whose receptive field never saw it (or that the direct
 * sum leaves at ±Infinity) into NaN; such inputs keep the direct path, which matches PyTorch's.
 */
export function allFinite(values: FloatArray): boolean {
  let probe = 0;
  for (let i = 0; i < values.length; i++) probe += (values[i] as number) * 0; // NaN once any is not finite
  return probe === 0;
}

/** Output channels per GEMM A panel. */
const MR = WINOGRAD_TILE.mr;
const align16 = (floats: number) => Math.ceil(floats / 16) * 16;
const ceil8 = (tiles: number) => Math.ceil(tiles / WINOGRAD_TILE.nr) * WINOGRAD_TILE.nr;

/**
 * Tile rows per unit: at most `UNIT_TILES` tiles and enough units to share among threads, choosing the
 * count whose tiles waste the fewest GEMM columns (a multiple of 8 wastes none).
 */
function rowsPerUnit(tilesX: number, tileRows: number, threads: number): number {
  const most = Math.max(1, Math.min(Math.floor(UNIT_TILES / tilesX), Math.ceil(tileRows / (4 * threads))));
  let best = 1;
  for (let rows = 2; rows <= most; rows++) {
    const waste = (r: number) => (ceil8(r * tilesX) - r * tilesX) / (r * tilesX);
    if (waste(rows) <= waste(best)) best = rows;
  }
  return best;
}

/**
 * Writes `U = G g G^T` for every (output channel, input channel) 3x3 kernel g, with
 * G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1], packed as the 16 GEMM A operands: for transform point
 * xi, panels of `MR` output channels, each channel-major with `MR` values per channel (zero past the
 * last output channel). Computed in float64 and rounded once.
 */
function packWeights(weight: FloatArray, view: Float32Array, at: number, O: number, C: number): void {
  const panels = Math.ceil(O / MR);
  const xiStride = panels * C * MR;
  view.fill(0, at, at + 16 * xiStride);
  const gg = new Float64Array(12); // G g: 4 x 3
  for (let o = 0; o < O; o++) {
    for (let c = 0; c < C; c++) {
      const k = (o * C + c) * 9;
      for (let j = 0; j < 3; j++) {
        const g0 = weight[k + j] as number;
        const g1 = weight[k + 3 + j] as number;
        const g2 = weight[k + 6 + j] as number;
        gg[j] = g0;
        gg[3 + j] = (g0 + g1 + g2) / 2;
        gg[6 + j] = (g0 - g1 + g2) / 2;
        gg[9 + j] = g2;
      }
      for (let a = 0, lane = at + (Math.floor(o / MR) * C + c) * MR + (o % MR); a < 4; a++) {
        const g0 = gg[3 * a] as number;
        const g1 = gg[3 * a + 1] as number;
        const g2 = gg[3 * a + 2] as number;
        view[lane] = g0;
        view[lane + xiStride] = (g0 + g1 + g2) / 2;
        view[lane + 2 * xiStride] = (g0 - g1 + g2) / 2;
        view[lane + 3 * xiStride] = g2;
        lane += 4 * xiStride;
      }
    }
  }
}

/**
 * Float32 3x3 stride-1 convolution by Winograd F(2x2, 3x3): 16 channel products per 2x2 output tile
 * instead of 36 multiplications, so 2.25x fewer flops than the direct GEMM. It exists for the `pnpm
 * bench` target (conv2d [32,32,14,14] * [64,32,3,3], padding 1, <= 6 ms on 2 cores), which the direct
 * GEMM cannot reach without FMA. Accuracy: each output sums up to 9 transformed products whose
 * magnitudes can exceed the output's, so the error is a small multiple of the direct path's: measured
 * about 3e-7 of the largest |output| on random data (the direct path's own error against float64 is of
 * the same order); `test/cpu-conv-winograd.test.ts` holds it within 4e-6 of the direct path. The caller
 * checks {@link usesWinograd} and {@link allFinite}; gradients keep the direct GEMM.
 *
 * The calling thread copies the input into WebAssembly memory and transforms the weights (again for
 * each run of images); units of tile rows then pad the input and run the transforms and the 16 GEMMs
 * on all threads (`gemm/wasm-winograd.ts`), and the NCHW output is copied out.
 */
export function winogradConv2d(
  g: ResolvedConv2d,
  input: FloatArray,
  weight: FloatArray,
  bias: FloatArray | undefined,
  out: FloatArray,
): void {
  const { inChannels: C, outChannels: O, inHeight: H, inWidth: W, outHeight: OH, outWidth: OW } = g;
  const engine = engineFor(out);
  const tilesX = Math.ceil(OW / 2);
  const tilesY = Math.ceil(OH / 2);
  const groupsX = Math.ceil(tilesX / 4);
  // A band row: the even columns of a padded input row, then the odd ones, each `half` floats (a group
  // of 4 tiles reads entries [4 * group, 4 * group + 4]; the input is written 8 columns at a time).
  const half = 4 * groupsX + 8;
  const oPanels = Math.ceil(O / MR);
  const threads = engine.threadsFor(2 * g.batch * O * g.pixels * C * 9);
  const image = C * H * W;
  const run = Math.max(1, Math.min(g.batch, Math.floor(RUN_FLOATS / (image + O * g.pixels))));
  const rows = rowsPerUnit(tilesX, run * tilesY, threads);
  const pitch = ceil8(rows * tilesX) + 8;
  // The 16 matrices of V (and of M) are skewed by 16 floats so that they do not start a multiple of
  // 4 KiB apart, which would map the 16 streams to the same L1 set.
  const vXi = C * pitch + 16;
  const mXi = oPanels * MR * pitch + 16;
  const bandFloats = rows * 4 * 2 * half;
  const slotFloats = align16(bandFloats + 16 * vXi + 16 * mXi + 8);
  const weightFloats = align16(16 * oPanels * C * MR);
  /** Byte offset in a band row of input column `parity` (then every second column, 4 bytes apart). */
  const shift = (parity: number) => ((parity + g.padLeft) & 1) * 4 * half + 4 * ((parity + g.padLeft) >> 1);

  for (let first = 0; first < g.batch; first += run) {
    const count = Math.min(run, g.batch - first);
    const units = Math.ceil((count * tilesY) / rows);
    // Parameters, slot flags, bias, weights, input (+ the last vector's overread), output, slots.
    const sizes = [WINOGRAD_PARAMS_SIZE, threads, oPanels * MR, weightFloats, count * image + 8];
    const starts = [0];
    for (const size of [...sizes, count * O * g.pixels, threads * slotFloats]) {
      starts.push(starts[starts.length - 1]! + align16(size));
    }
    const { view, base, commands } = engine.reserve(starts.pop()!, units, units, threads);
    const f32 = view as Float32Array;
    const [paramsAt, slotsAt, biasAt, weightsAt, inputAt, outputAt, slotBase] = starts.map(
      (at) => base + at,
    ) as [number, number, number, number, number, number, number];
    const values: Record<keyof typeof P, number> = {
      input: 4 * inputAt,
      inHeight: H,
      inWidth: W,
      padTop: g.padTop,
      chunks: Math.ceil(W / 8),
      evenShift: shift(0),
      oddShift: shift(1),
      tailEven: 4 * Math.ceil((W + g.padLeft) / 2),
      tailOdd: 4 * half + 4 * Math.ceil((W + g.padLeft - 1) / 2),
      rowBytes: 8 * half,
      oddBytes: 4 * half,
      channels: C,
      tilesX,
      tilesY,
      groupsX,
      weights: 4 * weightsAt,
      weightsXi: 4 * oPanels * C * MR,
      oPanels,
      outChannels: O,
      outHeight: OH,
      outWidth: OW,
      output: 4 * outputAt,
      bias: 4 * biasAt,
      slots: 4 * slotsAt,
      slotCount: threads,
      slotBase: 4 * slotBase,
      slotBytes: 4 * slotFloats,
      pitch,
      bandOffset: 0,
      vOffset: 4 * bandFloats,
      mOffset: 4 * (bandFloats + 16 * vXi),
      tmpOffset: 4 * (bandFloats + 16 * vXi + 16 * mXi),
      vXi: 4 * vXi,
      mXi: 4 * mXi,
    };
    const ints = new Int32Array(f32.buffer, 4 * paramsAt, WINOGRAD_PARAMS_SIZE);
    for (const [key, index] of Object.entries(P)) ints[index] = values[key as keyof typeof P];
    f32.fill(0, slotsAt, weightsAt); // free slot flags, bias (zero without one)
    if (bias) f32.set(bias.subarray(0, O), biasAt);
    const unitBounds = [0];
    const unitNeeds: number[] = [];
    commands.fill(0, 0, units * COMMAND_SIZE);
    for (let u = 0; u < units; u++) {
      commands[u * COMMAND_SIZE] = 4 * paramsAt;
      commands[u * COMMAND_SIZE + 1] = u * rows;
      commands[u * COMMAND_SIZE + 2] = Math.min(rows, count * tilesY - u * rows);
      unitBounds.push(u + 1);
      unitNeeds.push(2);
    }
    const steps = [
      () => f32.set(input.subarray(first * image, (first + count) * image), inputAt),
      () => packWeights(weight, f32, weightsAt, O, C),
    ];
    engine.execute({ kernel: 'winograd', steps, unitBounds, unitNeeds }, threads);
    out.set(f32.subarray(outputAt, outputAt + count * O * g.pixels), first * O * g.pixels);
  }
}
