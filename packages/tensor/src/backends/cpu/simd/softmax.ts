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
