import { wasmApi } from './gemm/wasm-api';
import { type Code, emitModule, type FunctionSpec, op, V128 } from './gemm/wasm-emitter';

// WebAssembly SIMD (f32x4) for contiguous float32 elementwise kernels: the JS loops pay V8's per-element
// typed-array checks, 128-bit lanes don't. Operands stream through a small fixed scratch in chunks, so
// memory stays at a few pages however large the tensors. Built with the GEMM's wasm emitter.

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

const simd = (opcode: number, ...operands: Code[]): Code => {
  const code = [...operands.flat(), 0xfd];
  for (let v = opcode; ; ) {
    const byte = v & 0x7f;
    v >>>= 7;
    if (v === 0) {
      code.push(byte);
      return code;
    }
    code.push(byte | 0x80);
  }
};
const f32Splat = (value: number): Code => {
  const bytes = new Uint8Array(new Float32Array([value]).buffer);
  return simd(0x13, [0x43, ...bytes]);
};
const i32Splat = (value: number): Code => simd(0x11, op.i32(value));
const f32x4 = {
  add: 0xe4,
  sub: 0xe5,
  mul: 0xe6,
  div: 0xe7,
  pmin: 0xea,
  pmax: 0xeb,
} as const;
const i32x4 = { shl: 0xab, shrS: 0xac, add: 0xae, sub: 0xb1, maxU: 0xb9 } as const;

// Parameters of every function: input byte addresses a and b, output address, output end address.
const [A, B, OUT, END] = [0, 1, 2, 3];

/**
 * `out[i] = body(a[i], b[i])` over f32x4 lanes from OUT up to END (a multiple of 16 bytes past OUT), then
 * `epilogue`.
 */
function lanewise(
  name: string,
  locals: number,
  body: (a: Code, b: Code) => Code,
  epilogue: Code = [],
): FunctionSpec {
  const step = (local: number) => op.set(local, op.add(op.get(local), op.i32(16)));
  return {
    name,
    params: 4,
    locals: locals > 0 ? [[locals, V128]] : [],
    body: [
      ...op.doWhile(
        [
          ...op.v128Store(op.get(OUT), 0, body(op.v128Load(op.get(A), 0), op.v128Load(op.get(B), 0))),
          ...step(A),
          ...step(B),
          ...step(OUT),
        ],
        op.ltU(op.get(OUT), op.get(END)),
      ),
      ...epilogue,
    ],
  };
}

// exp: Cody-Waite reduction x = k ln2 + r with k = round(x / ln2), |r| <= ln2/2, then e^r by a degree-6
// minimax polynomial (3.6e-9 relative error, so float32 rounding dominates: <= 1 ulp measured). k is rounded
// by adding 1.5 * 2^23, which leaves k in the sum's low mantissa bits, so 2^k is one integer shift away.
const ROUNDER = 12582912; // 1.5 * 2^23
const ROUNDER_BITS = 0x4b400000;
/** c6 .. c2 of e^r ~ 1 + r + r^2 (c2 + c3 r + ... + c6 r^4), fitted (Lawson's minimax) on [-ln2/2, ln2/2]. */
const EXP_COEFFICIENTS = [1.381454058e-3, 8.368745446e-3, 4.166838899e-2, 1.666652113e-1, 4.999999404e-1];
/** Largest |k| whose 2^k scaling by an exponent-field add keeps every e^r * 2^k a normal float32. */
const FAST_K = 125;

// Locals of both exp functions (after the four parameters).
const [X, T, R, ACC] = [4, 5, 6, 7];

/** Sets T = x log2(e) + 1.5 * 2^23 (k in its low bits) and R = x - k ln2 (ln2 split so k * 0.693359375 is exact). */
function reduce(x: Code): Code {
  const { get, set } = op;
  const k = simd(f32x4.sub, get(T), f32Splat(ROUNDER));
  return [
    ...set(X, x),
    ...set(T, simd(f32x4.add, simd(f32x4.mul, get(X), f32Splat(Math.LOG2E)), f32Splat(ROUNDER))),
    ...set(R, k),
    ...set(
      R,
      simd(
        f32x4.sub,
        simd(f32x4.sub, get(X), simd(f32x4.mul, get(R), f32Splat(0.693359375))),
        simd(f32x4.mul, get(R), f32Splat(-2.1219444e-4)),
      ),
    ),
  ];
}

/** e^R on the stack (Horner; its latency hides behind the neighbouring lanes' work). */
function expOfReduced(): Code {
  const { get } = op;
  const mulAdd = (a: Code, b: Code, c: Code) => simd(f32x4.add, simd(f32x4.mul, a, b), c);
  let poly: Code = f32Splat(EXP_COEFFICIENTS[0]!);
  for (const c of EXP_COEFFICIENTS.slice(1)) poly = mulAdd(poly, get(R), f32Splat(c));
  return mulAdd(simd(f32x4.mul, get(R), get(R)), poly, simd(f32x4.add, get(R), f32Splat(1)));
}

/** k = round(x / ln2) as i32 lanes, from T. */
const exponentK = (): Code => simd(i32x4.sub, op.get(T), i32Splat(ROUNDER_BITS));

/**
 * e^x for |k| <= 125, the common case: 2^k is applied by adding k to the exponent field, which is only
 * right while the result stays normal. Every lane's k + 125, read unsigned, is max-accumulated and stored
 * at END, so the caller sees (one vector per chunk) whether some lane needs {@link expFullRangeFunction}
 * (see {@link chunkNeedsFullRange}).
 * NaN and infinities land far outside the range too. Keeping the loop free of branches lets V8 hoist all
 * the constant splats out of it.
 */
function expFunction(): FunctionSpec {
  const { get, set } = op;
  return lanewise(
    'exp',
    4,
    (a) => [
      ...reduce(a),
      // k + 125 in one subtraction: in range while <= 250 as unsigned.
      ...set(ACC, simd(i32x4.maxU, get(ACC), simd(i32x4.sub, get(T), i32Splat(ROUNDER_BITS - FAST_K)))),
      ...simd(i32x4.add, expOfReduced(), simd(i32x4.shl, get(T), op.i32(23))),
    ],
    op.v128Store(get(END), 0, get(ACC)),
  );
}

/**
 * e^x over the whole float32 range, for chunks where {@link expFunction} flagged a lane. x is clamped to
 * [-104, 89], where e^x already rounds to 0 / overflows to Infinity; 2^k is applied as two halves so
 * results reach the subnormal range and overflow exactly as a correctly rounded exp. NaN stays NaN. Lanes
 * in the fast range get the same bits as from {@link expFunction}.
 */
function expFullRangeFunction(): FunctionSpec {
  const pow2 = (exponent: Code) => simd(i32x4.shl, simd(i32x4.add, exponent, i32Splat(127)), op.i32(23));
  const half = simd(i32x4.shrS, exponentK(), op.i32(1));
  return lanewise('expFullRange', 4, (a) => [
    ...reduce(simd(f32x4.pmax, simd(f32x4.pmin, a, f32Splat(89)), f32Splat(-104))),
    ...simd(f32x4.mul, simd(f32x4.mul, expOfReduced(), pow2(half)), pow2(simd(i32x4.sub, exponentK(), half))),
  ]);
}

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
    ...Object.entries(BINARY).map(([name, opcode]) => lanewise(name, 0, (a, b) => simd(opcode, a, b))),
    expFunction(),
    expFullRangeFunction(),
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

/** Whether the fast exp's range flags (stored at byte `end`) report a lane with |k| > 125, NaN or Inf. */
function chunkNeedsFullRange(flags: Uint32Array, end: number): boolean {
  const at = end / 4;
  return Math.max(flags[at]!, flags[at + 1]!, flags[at + 2]!, flags[at + 3]!) > 2 * FAST_K;
}

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
    const end = OUT_AT + Math.ceil(count / 4) * 16;
    fn(0, SLOT_BYTES, OUT_AT, end);
    if (name === 'exp' && chunkNeedsFullRange(flags, end)) run.expFullRange!(0, SLOT_BYTES, OUT_AT, end);
    out.set(memory.subarray(OUT_AT / 4, OUT_AT / 4 + count), start);
  }
}
