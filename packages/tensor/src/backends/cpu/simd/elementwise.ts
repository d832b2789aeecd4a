import { ACTIVATIONS, FULL_RANGE } from './activations';
import { needsFullRange } from './exp';
import { BINARY, CHUNK, OUT_AT, PAD, SLOT_BYTES, simdKernels, UNARY } from './module';

// WebAssembly SIMD (f32x4) for contiguous float32 elementwise kernels: the JS loops pay V8's per-element
// typed-array checks, 128-bit lanes don't. exp's range flags land just past the output of each chunk.

/** The kernels the SIMD path serves: name -> arity. */
const ARITY: Record<string, 1 | 2> = {
  ...Object.fromEntries(Object.keys(BINARY).map((n) => [n, 2])),
  ...Object.fromEntries(Object.keys(UNARY).map((n) => [n, 1])),
  exp: 1,
  ...Object.fromEntries(ACTIVATIONS.map((n) => [n, 1])),
};

/** Whether kernel `name` (with add/sub's `alpha`) has a float32 SIMD implementation here. */
export function hasSimdFloat32(name: string, alpha: number): boolean {
  if (ARITY[name] === undefined || ((name === 'add' || name === 'sub') && alpha !== 1)) return false;
  return simdKernels() !== undefined;
}

/**
 * Runs SIMD kernel `name` (checked with {@link hasSimdFloat32}) on contiguous float32 inputs of `out`'s
 * length starting at `offsets`, writing `out`. Results equal the JS path's: float32 + - * / are correctly
 * rounded either way, as are neg, abs, sqrt, square and reciprocal; relu and reluBackward are exact; exp
 * is within 1 ulp, sigmoid, silu and tanh within 2 ulp of the float64 result.
 */
export function runSimdFloat32(
  name: string,
  out: Float32Array,
  inputs: readonly Float32Array[],
  offsets: readonly number[],
): void {
  const { memory, lanes: flags, run } = simdKernels()!;
  const fn = run[name]!;
  const [a, b] = inputs;
  const n = out.length;
  for (let start = 0; start < n; start += CHUNK) {
    const count = Math.min(CHUNK, n - start);
    memory.set(a!.subarray(offsets[0]! + start, offsets[0]! + start + count), 0);
    if (b) memory.set(b.subarray(offsets[1]! + start, offsets[1]! + start + count), CHUNK);
    // Whole iterations of the widest loop; the padding lanes compute on stale scratch and aren't copied.
    const end = OUT_AT + Math.ceil(count / PAD) * PAD * 4;
    fn(0, SLOT_BYTES, OUT_AT, end);
    const fullRange = FULL_RANGE[name];
    if (fullRange !== undefined && needsFullRange(flags, end / 4))
      run[fullRange]!(0, SLOT_BYTES, OUT_AT, end);
    out.set(memory.subarray(OUT_AT / 4, OUT_AT / 4 + count), start);
  }
}
