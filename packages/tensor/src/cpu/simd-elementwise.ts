import { gemmSettings } from './gemm/settings';
import { type WasmMemory, wasmApi } from './gemm/wasm-api';
import { type Code, emitModule, type FunctionSpec, op, V128 } from './gemm/wasm-emitter';
import { threadHost } from './parallel/thread-support';
import { WorkerPool } from './parallel/worker-pool';

// WebAssembly SIMD (f32x4) for contiguous float32 elementwise kernels: the JS loops pay V8's per-element
// typed-array checks, 128-bit lanes don't. Operands stream through a fixed scratch in passes of chunks, so
// memory stays at a few megabytes however large the tensors. Where threads are allowed, large inputs
// (the bench's 1e6-element exp) split each pass's chunks between the caller and the helper threads: the
// caller copies chunks in while helpers already compute the ones copied.

/** Floats per chunk: the unit of work of one thread (64 KiB per operand: a chunk's slots stay in L2). */
const CHUNK = 16384;
/** Chunks per pass: the scratch holds this many chunks of each operand. */
const PASS_CHUNKS = 16;
const PASS = CHUNK * PASS_CHUNKS;
/** Scratch layout (bytes): operand a, operand b and the output, one pass each, then the unit commands. */
const SLOT_BYTES = PASS * 4;
const COMMANDS_AT = 3 * SLOT_BYTES;
/** Per unit: (need, command address, count) for the pool's table, then (a, b, out, end) parameters. */
const TABLE_AT = COMMANDS_AT + PASS_CHUNKS * 16;
const PAGES = Math.ceil((TABLE_AT + PASS_CHUNKS * 12) / 65536);
/** Below this many elements waking the helper threads costs more than it saves. */
const THREAD_MIN_ELEMENTS = 1 << 17;

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

/**
 * The pool's entry for kernel number `target`: runs one unit, whose (a, b, out, end) parameters sit at
 * byte `command` (the pool passes a unit's command address and count; the count is always 1 here).
 */
function unitRunner(name: string, target: number): FunctionSpec {
  const parameter = (offset: number) => op.loadI32(op.get(0), offset);
  return {
    name: `${name}Unit`,
    params: 2,
    locals: [],
    body: op.call(target, parameter(0), parameter(4), parameter(8), parameter(12)),
  };
}

interface SimdKernels {
  readonly memory: WasmMemory;
  readonly run: Record<string, (a: number, b: number, out: number, end: number) => void>;
  /** Helper threads over the same (shared) memory, where allowed; runners are indexed like `names`. */
  readonly pool: WorkerPool | undefined;
  readonly names: readonly string[];
}

function instantiate(): SimdKernels | undefined {
  const wasm = wasmApi();
  if (!wasm) return undefined;
  const host = threadHost();
  const kernels = [
    ...Object.entries(BINARY).map(([name, opcode]) => lanewise(name, 0, (a, b) => simd(opcode, a, b))),
    expFunction(),
  ];
  const names = kernels.map((k) => k.name);
  const runners = names.map((name, index) => unitRunner(name, index));
  try {
    const shared = host !== undefined;
    const module = new wasm.Module(emitModule([...kernels, ...runners], shared, PAGES));
    const memory = new wasm.Memory({ initial: PAGES, maximum: PAGES, shared });
    const { exports } = new wasm.Instance(module, { env: { memory } });
    const pool =
      host && host.cores > 1
        ? new WorkerPool(
            host,
            module,
            memory,
            runners.map((r) => r.name),
          )
        : undefined;
    return { memory, run: exports as SimdKernels['run'], pool, names };
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
 * Threads the SIMD kernels can use right now, the caller included (1 without SIMD or helper threads).
 * Starts the helpers on first call; they join once booted.
 */
export function simdFloat32Threads(): number {
  if (kernels === undefined) kernels = instantiate() ?? null;
  return kernels?.pool?.threads() ?? 1;
}

/** Threads for `n` elements: the caller alone below the threshold or where no helpers are ready. */
function threadsFor(pool: WorkerPool | undefined, n: number): number {
  const limit = gemmSettings().maxThreads;
  return pool && limit > 1 && n >= THREAD_MIN_ELEMENTS ? Math.min(limit, pool.threads()) : 1;
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
  const { memory, run, pool, names } = kernels!;
  const floats = new Float32Array(memory.buffer);
  const ints = new Int32Array(memory.buffer);
  const [a, b] = inputs;
  const n = out.length;
  const threads = threadsFor(pool, n);
  const copyIn = (at: number, count: number) => {
    floats.set(a!.subarray(offsets[0]! + at, offsets[0]! + at + count), at % PASS);
    if (b) floats.set(b.subarray(offsets[1]! + at, offsets[1]! + at + count), PASS + (at % PASS));
  };
  for (let pass = 0; pass < n; pass += PASS) {
    const passCount = Math.min(PASS, n - pass);
    const units = Math.ceil(passCount / CHUNK);
    // Unit u: chunk u of the pass. Its end is rounded up to whole lanes (the slots have room).
    const parameters = (u: number): [number, number, number, number] => {
      const first = u * CHUNK;
      const lanes = Math.ceil(Math.min(CHUNK, passCount - first) / 4) * 4;
      return [
        first * 4,
        SLOT_BYTES + first * 4,
        2 * SLOT_BYTES + first * 4,
        2 * SLOT_BYTES + (first + lanes) * 4,
      ];
    };
    if (threads === 1) {
      copyIn(pass, passCount);
      for (let u = 0; u < units; u++) run[name]!(...parameters(u));
    } else {
      for (let u = 0; u < units; u++) {
        ints.set(parameters(u), COMMANDS_AT / 4 + 4 * u);
        ints.set([u + 1, COMMANDS_AT + 16 * u, 1], TABLE_AT / 4 + 3 * u);
      }
      const steps = Array.from({ length: units }, (_, u) => () => {
        copyIn(pass + u * CHUNK, Math.min(CHUNK, passCount - u * CHUNK));
      });
      const fn = names.indexOf(name);
      const table = ints.subarray(TABLE_AT / 4, TABLE_AT / 4 + 3 * units);
      const runner = run[`${name}Unit`] as unknown as (commands: number, count: number) => void;
      pool!.run({ steps, table, tableAddress: TABLE_AT, units, fn }, threads, runner);
    }
    out.set(floats.subarray(2 * PASS, 2 * PASS + passCount), pass);
  }
}
