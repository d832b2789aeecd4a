import { allocateUninitialized } from '../../../kernel/dtype';
import { MEMORY_BYTES, OUT_AT, simdKernels } from './module';

// The driver of max-pool-kernel.ts: planes stream through the SIMD module's memory (a kernel call per
// plane), the maxima are copied out and the winners' codes become flat indices.

/** Byte distance from a window's maximum to its winner's code: half the memory past OUT_AT each. */
const CODES_BYTES = (MEMORY_BYTES - OUT_AT) / 2;
/** Input floats per call: the two operand slots before OUT_AT, less the last vector's overread. */
const INPUT_FLOATS = OUT_AT / 4 - 8;
/** Output floats per call: what fits before the codes, less the last vector's overrun. */
const OUTPUT_FLOATS = CODES_BYTES / 4 - 4;

/**
 * Max pooling with a 2x2 window and stride 2 (no padding or dilation, outputs floor(h / 2) x floor(w / 2))
 * of `planes` float32 `[h, w]` planes of `src`: the maxima, and each winner's flat index in its plane
 * (PyTorch's first largest in row-major order, a NaN winning). Undefined where WebAssembly SIMD is missing
 * or a plane is too large for one call.
 */
export function maxPool2x2Simd(
  src: Float32Array,
  planes: number,
  h: number,
  w: number,
): { values: Float32Array; indices: Int32Array } | undefined {
  const kernels = simdKernels();
  const [oh, ow] = [h >> 1, w >> 1];
  const perCall = Math.min(Math.floor(INPUT_FLOATS / (h * w)), Math.floor(OUTPUT_FLOATS / (oh * ow)));
  if (kernels === undefined || perCall === 0 || ow === 0) return undefined;
  const values = allocateUninitialized('float32', planes * oh * ow) as Float32Array;
  const indices = new Int32Array(values.length);
  const { memory, lanes: codes, run } = kernels;
  const outFloats = oh * ow;
  for (let first = 0; first < planes; first += perCall) {
    const count = Math.min(perCall, planes - first);
    memory.set(src.subarray(first * h * w, (first + count) * h * w), 0);
    for (let p = 0; p < count; p++) {
      run.maxPool2x2!(p * h * w * 4, OUT_AT + p * outFloats * 4, oh, w, CODES_BYTES);
    }
    const at = first * outFloats;
    values.set(memory.subarray(OUT_AT / 4, OUT_AT / 4 + count * outFloats), at);
    const codesAt = (OUT_AT + CODES_BYTES) / 4;
    for (let p = 0, o = 0; p < count; p++) {
      for (let i = 0; i < oh; i++) {
        for (let j = 0, corner = 2 * i * w; j < ow; j++, o++, corner += 2) {
          const code = codes[codesAt + o]!;
          indices[at + o] = corner + (code & 1) + (code >> 1) * w;
        }
      }
    }
  }
  return { values, indices };
}
