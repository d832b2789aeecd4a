import { wasmApi } from './gemm/wasm-api';
import { type Code, emitModule, type FunctionSpec, op, V128 } from './gemm/wasm-emitter';

// WebAssembly SIMD (f32x4) for contiguous float32 elementwise kernels: the JS loops pay V8's per-element
// typed-array checks, 128-bit lanes don't. Operands stream through a small fixed scratch in chunks, so
// memory stays at a few pages however large the tensors. Built with the GEMM's wasm emitter.

/** Floats per chunk and per operand slot (64 KiB: the three slots stay in L2). */
const CHUNK = 16384;
const SLOT_BYTES = CHUNK * 4;
const PAGES = 3;

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
  nearest: 0x6a,
  truncSatToI32: 0xf8,
} as const;
const i32x4 = { shl: 0xab, shrS: 0xac, add: 0xae, sub: 0xb1 } as const;

// Parameters of every function: input byte addresses a and b, output address, output end address.
const [A, B, OUT, END] = [0, 1, 2, 3];

/** `out[i] = body(a[i], b[i])` over f32x4 lanes from OUT up to END (a multiple of 16 bytes past OUT). */
function lanewise(name: string, locals: number, body: (a: Code, b: Code) => Code): FunctionSpec {
  const step = (local: number) => op.set(local, op.add(op.get(local), op.i32(16)));
  return {
    name,
    params: 4,
    locals: locals > 0 ? [[locals, V128]] : [],
    body: op.doWhile(
      [
        ...op.v128Store(op.get(OUT), 0, body(op.v128Load(op.get(A), 0), op.v128Load(op.get(B), 0))),
        ...step(A),
        ...step(B),
        ...step(OUT),
      ],
      op.ltU(op.get(OUT), op.get(END)),
    ),
  };
}

/**
 * e^x per lane (Cephes expf: Cody-Waite reduction by ln2, degree-7 polynomial; error <= 2 float32 ulp).
 * x is clamped to [-104, 89], where e^x already rounds to 0 / overflows to Infinity; 2^k is applied as two
 * halves so results reach the subnormal range and overflow exactly as a correctly rounded exp. NaN stays NaN.
 */
function expFunction(): FunctionSpec {
  const [x, k, r, y] = [4, 5, 6, 7];
  const { get, set } = op;
  const mulAdd = (a: Code, b: Code, c: Code) => simd(f32x4.add, simd(f32x4.mul, a, b), c);
  const coefficients = [
    1.98756915e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1,
  ];
  let poly: Code = f32Splat(coefficients[0]!);
  for (const c of coefficients.slice(1)) poly = mulAdd(poly, get(r), f32Splat(c));
  const pow2 = (exponent: Code) => simd(i32x4.shl, simd(i32x4.add, exponent, i32Splat(127)), op.i32(23));
  const body = (a: Code): Code => [
    ...set(x, simd(f32x4.pmax, simd(f32x4.pmin, a, f32Splat(89)), f32Splat(-104))),
    ...set(r, simd(f32x4.nearest, simd(f32x4.mul, get(x), f32Splat(Math.LOG2E)))),
    ...set(k, simd(f32x4.truncSatToI32, get(r))),
    // r = x - k ln2, ln2 split so k * 0.693359375 is exact.
    ...set(
      r,
      simd(
        f32x4.sub,
        simd(f32x4.sub, get(x), simd(f32x4.mul, get(r), f32Splat(0.693359375))),
        simd(f32x4.mul, get(r), f32Splat(-2.1219444e-4)),
      ),
    ),
    // e^r = 1 + r + r^2 P(r)
    ...set(y, mulAdd(simd(f32x4.mul, get(r), get(r)), poly, simd(f32x4.add, get(r), f32Splat(1)))),
    // y * 2^(k >> 1) * 2^(k - (k >> 1))
    ...simd(
      f32x4.mul,
      simd(f32x4.mul, get(y), pow2(simd(i32x4.shrS, get(k), op.i32(1)))),
      pow2(simd(i32x4.sub, get(k), simd(i32x4.shrS, get(k), op.i32(1)))),
    ),
  ];
  return lanewise('exp', 4, body);
}

const BINARY = { add: f32x4.add, sub: f32x4.sub, mul: f32x4.mul, div: f32x4.div } as const;

/** The kernels the SIMD path serves: name -> arity. */
const ARITY: Record<string, 1 | 2> = { add: 2, sub: 2, mul: 2, div: 2, exp: 1 };

interface SimdKernels {
  readonly memory: Float32Array;
  readonly run: Record<string, (a: number, b: number, out: number, end: number) => void>;
}

function instantiate(): SimdKernels | undefined {
  const wasm = wasmApi();
  if (!wasm) return undefined;
  const functions = [
    ...Object.entries(BINARY).map(([name, opcode]) => lanewise(name, 0, (a, b) => simd(opcode, a, b))),
    expFunction(),
  ];
  try {
    const module = new wasm.Module(emitModule(functions, false, PAGES));
    const memory = new wasm.Memory({ initial: PAGES, maximum: PAGES, shared: false });
    const { exports } = new wasm.Instance(module, { env: { memory } });
    return {
      memory: new Float32Array(memory.buffer),
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
 * rounded either way, and exp is within 2 ulp.
 */
export function runSimdFloat32(
  name: string,
  out: Float32Array,
  inputs: readonly Float32Array[],
  offsets: readonly number[],
): void {
  const { memory, run } = kernels!;
  const fn = run[name]!;
  const [a, b] = inputs;
  const n = out.length;
  for (let start = 0; start < n; start += CHUNK) {
    const count = Math.min(CHUNK, n - start);
    memory.set(a!.subarray(offsets[0]! + start, offsets[0]! + start + count), 0);
    if (b) memory.set(b.subarray(offsets[1]! + start, offsets[1]! + start + count), CHUNK);
    const lanes = Math.ceil(count / 4) * 4;
    fn(0, SLOT_BYTES, 2 * SLOT_BYTES, 2 * SLOT_BYTES + lanes * 4);
    out.set(memory.subarray(2 * CHUNK, 2 * CHUNK + count), start);
  }
}
