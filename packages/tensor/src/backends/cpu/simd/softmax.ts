import { endsItsBlock, isResident, spansOverlap } from '../../../kernel/resident-arena';
import { needsFullRange } from './exp';
import { CHUNK, OUT_AT, PAD, SLOT_BYTES, simdKernels } from './module';

/** Rows longer than this go through the kernel in segments (the slot keeps PAD floats of slack). */
const SEGMENT = CHUNK - PAD;

/** Whether {@link expShiftedRows} can run here (WebAssembly SIMD present). */
export const hasSimdSoftmax = (): boolean => simdKernels() !== undefined;

/**
 * For `rows` contiguous rows of `length` float32 values from `src[start]`, writes e^(x + shifts[r]) of row
 * r to `out[outStart + r * length ...]`: within 2 float32 ulp, the rounding of x + shift compensated.
 * Every x + shift must be at most 89; NaN in x gives NaN.
 */
export function expShiftedRows(
  src: Float32Array,
  start: number,
  rows: number,
  length: number,
  shifts: Float32Array,
  out: Float32Array,
  outStart: number,
): void {
  const { memory, run } = simdKernels()!;
  const shiftAt = SLOT_BYTES / 4;
  const pass = (from: number, to: number, count: number, floats: number) => {
    memory.set(src.subarray(from, from + count * floats), 0);
    run.softmaxExp!(0, SLOT_BYTES, OUT_AT, count, floats);
    out.set(memory.subarray(OUT_AT / 4, OUT_AT / 4 + count * floats), to);
  };
  if (length > SEGMENT) {
    // One row at a time, in segments sharing the row's shift.
    for (let r = 0; r < rows; r++) {
      memory[shiftAt] = shifts[r]!;
      for (let j = 0; j < length; j += SEGMENT) {
        pass(start + r * length + j, outStart + r * length + j, 1, Math.min(SEGMENT, length - j));
      }
    }
    return;
  }
  const perPass = Math.floor(SEGMENT / length);
  for (let r = 0; r < rows; r += perPass) {
    const count = Math.min(perPass, rows - r);
    memory.set(shifts.subarray(r, r + count), shiftAt);
    pass(start + r * length, outStart + r * length, count, length);
  }
}

/** Rows per pass of {@link softmaxRows}: their scratch fits beside the shifts in the second slot. */
const ROWS_PER_PASS = 1024;
/**
 * Input bytes per pass over resident rows: a pass reads its rows three times (max, exp and sum, scale), so
 * rows and outputs that stay in a 512 KiB L2 between those reads spare two trips to memory. softmax of
 * 1000x1000 float32, passes of 1024 rows against 128 KiB, same process, 21 rounds: 0.83-0.89 of the time
 * (same bits); 16-256 KiB measured alike.
 */
const RESIDENT_PASS_BYTES = 1 << 17;
/**
 * Byte addresses in the second slot: each row's shift, its four lane maxima or float64 partial sums, its
 * 1 / sum, and softmaxExpSum's range flags.
 */
const SHIFTS_AT = SLOT_BYTES;
const PARTIALS_AT = SHIFTS_AT + 4 * ROWS_PER_PASS;
const FACTORS_AT = PARTIALS_AT + 32 * ROWS_PER_PASS;
const FLAGS_AT = FACTORS_AT + 8 * ROWS_PER_PASS;

/** Whether {@link softmaxRows} takes rows of `length` floats. */
export const softmaxRowsApply = (length: number): boolean => length >= 4 && length <= SEGMENT;

/**
 * softmax of `rows` contiguous rows of `length` float32 values from `src[start]` (checked with
 * {@link softmaxRowsApply}) into `out[0...]`, entirely in the SIMD kernels' memory: row maxima, e^(x - max)
 * (as {@link expShiftedRows}) and float64 row sums in one pass, and e * (1 / sum) in float64 rounded once
 * to float32 (as PyTorch's vectorised softmax multiplies by the reciprocal; within 2 ulp overall). A row
 * with a non-finite max is NaN, as the JS loop. Rows where some e^(x - max) is subnormal or zero, or some
 * x is infinite or NaN, are redone by the full-range exp and a separate sum.
 */
export function softmaxRows(
  src: Float32Array,
  start: number,
  rows: number,
  length: number,
  out: Float32Array,
): void {
  const { memory, lanes, run } = simdKernels()!;
  const wide = new Float64Array(memory.buffer);
  const vectors = length - (length % 4);
  const iterations = length - (length % PAD); // the floats of a row softmaxExpSum sums
  const [vectorBytes, rowBytes] = [vectors * 4, length * 4];
  // Resident rows (see resident-arena) are read and written where they are: the kernels' padding lanes
  // fall on the next row's output, which that row then writes, and past the last row into out's slack.
  const srcAt = src.byteOffset + 4 * start;
  const resident =
    isResident(src) &&
    endsItsBlock(out) &&
    !spansOverlap(srcAt, rows * rowBytes, out.byteOffset, out.byteLength);
  const perPass = resident
    ? Math.min(ROWS_PER_PASS, Math.max(1, Math.floor(RESIDENT_PASS_BYTES / rowBytes)))
    : Math.min(ROWS_PER_PASS, Math.floor(SEGMENT / length));
  const maxes = new Float64Array(perPass);
  const [shifts, partials, factors] = [SHIFTS_AT / 4, PARTIALS_AT / 4, FACTORS_AT / 8];
  for (let r = 0; r < rows; r += perPass) {
    const count = Math.min(perPass, rows - r);
    const inAt = resident ? srcAt + r * rowBytes : 0;
    const outAt = resident ? out.byteOffset + r * rowBytes : OUT_AT;
    const [x, o] = [inAt / 4, outAt / 4];
    if (!resident) memory.set(src.subarray(start + r * length, start + (r + count) * length), 0);
    run.rowMax!(inAt, count, vectorBytes, rowBytes, PARTIALS_AT);
    for (let i = 0; i < count; i++) {
      const lane = partials + 4 * i;
      // A NaN the lanes skipped still makes the row NaN: its exponential turns the sum NaN.
      let max = Math.max(memory[lane]!, memory[lane + 1]!, memory[lane + 2]!, memory[lane + 3]!);
      for (let j = x + i * length + vectors; j < x + (i + 1) * length; j++) max = Math.max(max, memory[j]!);
      maxes[i] = max;
      memory[shifts + i] = Number.isFinite(max) ? -max : 0; // rows with a non-finite max are NaN below
    }
    run.softmaxExpSum!(inAt, SLOT_BYTES, outAt, count, length, PARTIALS_AT, FLAGS_AT);
    let summed = iterations;
    if (needsFullRange(lanes, FLAGS_AT / 4)) {
      run.softmaxExp!(inAt, SLOT_BYTES, outAt, count, length);
      run.rowSum!(outAt, count, vectorBytes, rowBytes, PARTIALS_AT);
      summed = vectors;
    }
    for (let i = 0; i < count; i++) {
      const at = PARTIALS_AT / 8 + 4 * i;
      let sum = wide[at]! + wide[at + 1]! + wide[at + 2]! + wide[at + 3]!;
      for (let j = o + i * length + summed; j < o + (i + 1) * length; j++) sum += memory[j]!;
      wide[factors + i] = 1 / sum;
    }
    run.rowScale!(outAt, count, vectorBytes, rowBytes, FACTORS_AT);
    for (let i = 0; i < count; i++) {
      const row = o + i * length;
      if (!Number.isFinite(maxes[i]!)) {
        memory.fill(Number.NaN, row, row + length);
        continue;
      }
      for (let j = row + vectors; j < row + length; j++) memory[j] = memory[j]! * wide[factors + i]!;
    }
    if (!resident) out.set(memory.subarray(o, o + count * length), r * length);
  }
}
