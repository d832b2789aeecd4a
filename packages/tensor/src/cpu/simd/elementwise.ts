import { wasmApi } from '../gemm/wasm-api';
import { emitModule } from '../gemm/wasm-emitter';
import { f32x4, lanewise, simd } from './code';
import { EXP_VECTORS, expFunctions, needsFullRange } from './exp';

// WebAssembly SIMD (f32x4) for contiguous float32 elementwise kernels: the JS loops pay V8's per-element
// typed-array checks, 128-bit lanes don't. Operands stream through a small fixed scratch in chunks, so
// memory stays at a few pages however large the tensors. Kernels are built with the GEMM's wasm emitter
// (./code.ts, ./exp.ts); exp's range flags land just past the output of each chunk.

/** Floats per chunk and per operand slot (64 KiB: the three slots stay in L2). */
const CHUNK = 16384;
const SLOT_BYTES = CHUNK * 4;
/**
 * Byte address of the output slot, 2 KiB past the input slots. Large JS arrays start 16 bytes past a page
 * boundary (malloc's mmap header); copying out of a page-aligned slot into them puts every load 16 bytes
 * (mod 4096) behind a store still in flight, and the CPU's 4K-aliasing stall made that copy 15x slower
 * (2 ms instead of 0.13 ms for 1e6 floats).
 */
const OUT_AT = 2 * SLOT_BYTES + 2048;
const PAGES = 4;
/** Floats each call covers a multiple of: exp's iteration (CHUNK is a multiple of it). */
const PAD = 4 * EXP_VECTORS;

const BINARY = { add: f32x4.add, sub: f32x4.sub, mul: f32x4.mul, div: f32x4.div } as const;

/** The kernels the SIMD path serves: name -> arity. */
const ARITY: Record<string, 1 | 2> = { add: 2, sub: 2, mul: 2, div: 2, exp: 1 };

interface SimdKernels {
  readonly memory: Float32Array;
  /** The same memory as unsigned lanes, to read exp's range flags. */
  readonly lanes: Uint32Array;
  readonly run: Record<string, (a: number, b: number, out: number, end: number) => void>;
}

function instantiate(): SimdKernels | undefined {
  const wasm = wasmApi();
  if (!wasm) return undefined;
  const functions = [
    ...Object.entries(BINARY).map(([name, opcode]) => lanewise(name, (a, b) => simd(opcode, a, b))),
    ...expFunctions(),
  ];
  try {
    const module = new wasm.Module(emitModule(functions, false, PAGES));
    const memory = new wasm.Memory({ initial: PAGES, maximum: PAGES, shared: false });
    const { exports } = new wasm.Instance(module, { env: { memory } });
    return {
      memory: new Float32Array(memory.buffer),
      lanes: new Uint32Array(memory.buffer),
      run: exports as SimdKernels['run'],
    };
  } catch {
    return undefined; // no WebAssembly SIMD: the JS loops serve every case
  }
}

let kernels: SimdKernels | null | undefined;

/** Whether kernel `name` (with add/sub's `alpha`) has a float32 SIMD implementation here. */
export function hasSimdFloat32(name: string, alpha: number): boolean {
  if (ARITY[name] === undefined || ((name === 'add' || name === 'sub') && alpha !== 1)) return false;
  if (kernels === undefined) kernels = instantiate() ?? null;
  return kernels !== null;
}

/**
 * Runs SIMD kernel `name` (checked with {@link hasSimdFloat32}) on contiguous float32 inputs of `out`'s
 * length starting at `offsets`, writing `out`. Results equal the JS path's: float32 + - * / are correctly
 * rounded either way, and exp is within 1 ulp.
 */
export function runSimdFloat32(
  name: string,
  out: Float32Array,
  inputs: readonly Float32Array[],
  offsets: readonly number[],
): void {
  const { memory, lanes: flags, run } = kernels!;
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
    if (name === 'exp' && needsFullRange(flags, end / 4)) run.expFullRange!(0, SLOT_BYTES, OUT_AT, end);
    out.set(memory.subarray(OUT_AT / 4, OUT_AT / 4 + count), start);
  }
}
