import { provideResidentMemory, type ResidentMemory } from '../../../kernel/resident-arena';
import { wasmApi } from '../gemm/wasm-api';
import type { Code, FunctionSpec } from '../gemm/wasm-emitter';
import { emitModule } from '../gemm/wasm-emitter';
import { activationFunctions } from './activations';
import {
  compareToBytes,
  f32Splat,
  f32x4,
  f64Splat,
  f64x2,
  LANEWISE_VECTORS,
  type LanePair,
  lanewise,
  lanewiseWithSplats,
  narrowPairs,
  predicateToBytes,
  simd,
  v128,
  widen,
} from './code';
import { eluFunction } from './elu';
import { ERF_VECTORS } from './erf';
import { EXP_VECTORS, expFunctions } from './exp';
import { gemvBlockFunction } from './gemv-block';
import { lazyKernelFunctions } from './lazy-kernels';
import { LOG_VECTORS, log1pFunction, logFunction } from './log';
import { maxPool2x2Function } from './max-pool-kernel';
import { rowReductionFunctions } from './row-reductions';
import { softmaxExpFunction, softmaxExpSumFunction } from './softmax-exp';
import { whereFunction } from './where';

// The WebAssembly module behind the float32 SIMD kernels and the layout of its small, fixed memory:
// operands stream through it in chunks, so it stays at a few pages however large the tensors.

/** Floats per chunk and per operand slot (64 KiB: the slots stay in L2). */
export const CHUNK = 16384;
/** Byte address of the second operand slot (the first is at 0). */
export const SLOT_BYTES = CHUNK * 4;
/**
 * Byte address of the output slot, 2 KiB past the input slots. Large JS arrays start 16 bytes past a page
 * boundary (malloc's mmap header); copying out of a page-aligned slot into them puts every load 16 bytes
 * (mod 4096) behind a store still in flight, and the CPU's 4K-aliasing stall made that copy 15x slower
 * (2 ms instead of 0.13 ms for 1e6 floats).
 */
export const OUT_AT = 2 * SLOT_BYTES + 2048;
/** Byte address of a bool mask's bytes for the chunk (where's first input), past the output and its flags. */
export const MASK_AT = OUT_AT + SLOT_BYTES + 64;
const PAGES = 4;
/** Bytes of the module's fixed memory (the slots); weights kept between calls follow (see weight-cache). */
export const MEMORY_BYTES = PAGES * 65536;
/** Pages past the fixed memory for weights kept between calls: 16 MiB. */
const CACHE_PAGES = 256;
/** Bytes the weight cache may use, from MEMORY_BYTES. */
export const CACHE_BYTES = CACHE_PAGES * 65536;
/**
 * Pages past the weight cache for float32 tensors the kernels compute on in place (resident-arena): 128 MiB
 * of address space, physical memory only where tensors have been.
 */
const RESIDENT_PAGES = 2048;
const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
/** Floats a kernel call covers a multiple of: every kernel's iteration (CHUNK is a multiple). */
const lcm = (a: number, b: number) => (a * b) / gcd(a, b);
export const PAD = 4 * [EXP_VECTORS, LANEWISE_VECTORS, ERF_VECTORS, LOG_VECTORS].reduce(lcm);
/**
 * Bytes past a resident array's end a kernel may touch: its last iteration's padding lanes and exp's
 * range flags just past them (64 bytes).
 */
const SLACK = PAD * 4 + 64;

/** Binary float32 kernels besides exp, by name. */
export const BINARY: Record<string, (a: Code, b: Code) => Code> = {
  add: (a, b) => simd(f32x4.add, a, b),
  sub: (a, b) => simd(f32x4.sub, a, b),
  mul: (a, b) => simd(f32x4.mul, a, b),
  div: (a, b) => simd(f32x4.div, a, b),
  // (output > 0 ? grad : 0) as a lane mask: NaN outputs give 0, as PyTorch's threshold_backward.
  reluBackward: (grad, output) => simd(v128.and, grad, simd(f32x4.gt, output, f32Splat(0))),
  // PyTorch's float32 steps (and the JS loop's): grad * (1 - y) * y
  sigmoidBackward: (grad, output) =>
    simd(f32x4.mul, simd(f32x4.mul, grad, simd(f32x4.sub, f32Splat(1), output)), output),
  // grad * fl(1 - y^2), 1 - y^2 rounded once as PyTorch's fused multiply-add does (float32 steps would
  // lose the cancellation near |y| = 1): y^2 is exact in float64 lanes, 1 - y^2 then rounds twice only
  // where y^2 < 2^-5 and its float64 rounding lands on a float32 tie, the JS loop's rounding too.
  tanhBackward: (grad, output) => {
    const oneMinusSquare = (pair: LanePair) => {
      const y = widen(output, pair);
      return simd(f64x2.sub, f64Splat(1), simd(f64x2.mul, y, y));
    };
    return simd(f32x4.mul, grad, narrowPairs(oneMinusSquare('low'), oneMinusSquare('high')));
  },
  // NaN if either is NaN, -0 below +0: the JS loop's `x0 !== x0 || x1 !== x1 ? NaN : Math.max(x0, x1)`.
  maximum: (a, b) => simd(f32x4.max, a, b),
  minimum: (a, b) => simd(f32x4.min, a, b),
  // a's bits but the sign bit, b's (-0 and a NaN's sign bit count, as scalarMath.copysign)
  copysign: (a, b) => simd(v128.bitselect, b, a, f32Splat(-0)),
  // torch's float32 quotient truncated (a float64 quotient can round up to an integer it isn't)
  truncDivide: (a, b) => simd(f32x4.trunc, simd(f32x4.div, a, b)),
};

/**
 * Comparisons of float32 tensors into bool bytes, also with a single value on either side (`${name}ScalarB`,
 * `${name}ScalarA`). IEEE compares: false with NaN but for `ne`, -0 equal to +0, as JS's === and <.
 */
export const COMPARE: Record<string, (a: Code, b: Code) => Code> = {
  eq: (a, b) => simd(f32x4.eq, a, b),
  ne: (a, b) => simd(f32x4.ne, a, b),
  lt: (a, b) => simd(f32x4.lt, a, b),
  le: (a, b) => simd(f32x4.le, a, b),
  gt: (a, b) => simd(f32x4.gt, a, b),
  ge: (a, b) => simd(f32x4.ge, a, b),
};

/** `x !== 0` as a lane mask: NaN is nonzero, -0 is zero. */
const nonzero = (x: Code) => simd(f32x4.ne, x, f32Splat(0));

/**
 * The logical ops of float32 tensors into bool bytes, on `x !== 0` masks as the JS loop, also with a single
 * value on either side as `${name}ScalarB` (they are symmetric): only whether it is nonzero counts, so the
 * planner holds it as 1 or 0.
 */
export const LOGICAL: Record<string, (a: Code, b: Code) => Code> = {
  logicalAnd: (a, b) => simd(v128.and, nonzero(a), nonzero(b)),
  logicalOr: (a, b) => simd(v128.or, nonzero(a), nonzero(b)),
  logicalXor: (a, b) => simd(v128.xor, nonzero(a), nonzero(b)),
};

/** One-input predicates of float32 tensors into bool bytes, as lane masks: the JS loop's exactly. */
export const PREDICATES: Record<string, (x: Code) => Code> = {
  isnan: (x) => simd(f32x4.ne, x, x),
  isinf: (x) => simd(f32x4.eq, simd(f32x4.abs, x), f32Splat(Infinity)),
  // false at +-Infinity and NaN, as the JS loop's x - x === 0
  isfinite: (x) => simd(f32x4.lt, simd(f32x4.abs, x), f32Splat(Infinity)),
  // true at -0, false at NaN
  logicalNot: (x) => simd(f32x4.eq, x, f32Splat(0)),
};

/**
 * Binary kernels that also run with one operand a single value held in every lane (`x.mul(2)`, `1 - x`):
 * `${name}ScalarB` takes it as the second operand, `${name}ScalarA` as the first.
 */
export const SCALAR_OPERAND = [
  'add',
  'sub',
  'mul',
  'div',
  'maximum',
  'minimum',
  'copysign',
  'truncDivide',
] as const;

/**
 * One-input kernels with values held in every lane, read from B: clamp's bounds (its second and third
 * inputs: `from: 'inputs'`) and the scalar parameters of hardtanh, leakyRelu, threshold and the shrinks
 * (`from: 'params'`). name -> where the values come from, how many, and the lanewise body. (The elu family
 * has a kernel of its own, see elu.ts.)
 */
export const WITH_SPLATS: Record<
  string,
  {
    readonly from: 'inputs' | 'params';
    readonly count: 1 | 2;
    readonly body: (x: Code, ...s: Code[]) => Code;
  }
> = {
  // min(max(x, lo), hi) with NaN-propagating max and min: the JS loop's Math.min(Math.max(x0, x1), x2).
  clamp: { from: 'inputs', count: 2, body: (x, lo, hi) => simd(f32x4.min, simd(f32x4.max, x, lo!), hi!) },
  // `x < lo ? lo : x > hi ? hi : x` (NaN passes) exactly, for lo <= hi.
  hardtanh: {
    from: 'params',
    count: 2,
    body: (x, lo, hi) => simd(f32x4.pmin, simd(f32x4.pmax, x, lo!), hi!),
  },
  // torch's `x <= threshold ? value : x` (NaN passes), both stored as float32.
  threshold: {
    from: 'params',
    count: 2,
    body: (x, threshold, value) => simd(v128.bitselect, value!, x, simd(f32x4.le, x, threshold!)),
  },
  // `-lambd <= x <= lambd ? 0 : x` (NaN passes; +0 inside).
  hardshrink: {
    from: 'params',
    count: 1,
    body: (x, lambd) =>
      simd(
        v128.andNot,
        x,
        simd(v128.and, simd(f32x4.ge, x, simd(f32x4.neg, lambd!)), simd(f32x4.le, x, lambd!)),
      ),
  },
  // `x > lambd ? x - lambd : x < -lambd ? x + lambd : 0` (NaN gives 0, as torch's).
  softshrink: {
    from: 'params',
    count: 1,
    body: (x, lambd) =>
      simd(
        v128.bitselect,
        simd(f32x4.sub, x, lambd!),
        simd(v128.and, simd(f32x4.add, x, lambd!), simd(f32x4.lt, x, simd(f32x4.neg, lambd!))),
        simd(f32x4.gt, x, lambd!),
      ),
  },
  // `x > 0 ? x : x * slope` (NaN and -0 take the product).
  leakyRelu: {
    from: 'params',
    count: 1,
    body: (x, slope) => simd(v128.bitselect, x, simd(f32x4.mul, x, slope!), simd(f32x4.gt, x, f32Splat(0))),
  },
};

/** min(max(v, 0), 6), propagating NaN (hardswish's and hardsigmoid's clamp). */
const reluSix = (v: Code) => simd(f32x4.min, simd(f32x4.max, v, f32Splat(0)), f32Splat(6));

/** Unary float32 kernels besides exp, by name. */
export const UNARY: Record<string, (x: Code) => Code> = {
  // pmax(x, 0) is `x < 0 ? 0 : x`: PyTorch's relu exactly (NaN and -0 pass through).
  relu: (x) => simd(f32x4.pmax, x, f32Splat(0)),
  // One correctly rounded float32 operation each: the same bits as the JS loop's float64 op rounded once.
  neg: (x) => simd(f32x4.neg, x),
  abs: (x) => simd(f32x4.abs, x),
  sqrt: (x) => simd(f32x4.sqrt, x),
  square: (x) => simd(f32x4.mul, x, x),
  reciprocal: (x) => simd(f32x4.div, f32Splat(1), x),
  // torch's float32 steps: x * min(max(x + 3, 0), 6) / 6 and min(max(x + 3, 0), 6) / 6 (NaN-propagating
  // min and max, so NaN stays NaN and -inf gives NaN), x / (1 + |x|)
  hardswish: (x) =>
    simd(f32x4.div, simd(f32x4.mul, x, reluSix(simd(f32x4.add, x, f32Splat(3)))), f32Splat(6)),
  hardsigmoid: (x) => simd(f32x4.div, reluSix(simd(f32x4.add, x, f32Splat(3))), f32Splat(6)),
  softsign: (x) => simd(f32x4.div, x, simd(f32x4.add, f32Splat(1), simd(f32x4.abs, x))),
  // torch's float32 1 / sqrt(x), and the exponents its pow special-cases: x^3 = x * x * x, x^-2 = 1 / (x * x)
  rsqrt: (x) => simd(f32x4.div, f32Splat(1), simd(f32x4.sqrt, x)),
  cube: (x) => simd(f32x4.mul, simd(f32x4.mul, x, x), x),
  reciprocalSquare: (x) => simd(f32x4.div, f32Splat(1), simd(f32x4.mul, x, x)),
  // torch's sign: 1 above 0, -1 below, +0 at +-0 and at NaN (the lanes of both masks' bits).
  sign: (x) =>
    simd(
      v128.or,
      simd(v128.and, f32Splat(1), simd(f32x4.gt, x, f32Splat(0))),
      simd(v128.and, f32Splat(-1), simd(f32x4.lt, x, f32Splat(0))),
    ),
  // Exact, as Math.floor / ceil / trunc and roundHalfEven (torch.round) on a float32.
  floor: (x) => simd(f32x4.floor, x),
  ceil: (x) => simd(f32x4.ceil, x),
  trunc: (x) => simd(f32x4.trunc, x),
  round: (x) => simd(f32x4.nearest, x),
};

export interface SimdKernels {
  /** The memory as floats. */
  readonly memory: Float32Array;
  /** The same memory as unsigned lanes, to read exp's range flags. */
  readonly lanes: Uint32Array;
  /** The same memory as bytes, for bool results. */
  readonly bytes: Uint8Array;
  readonly run: Record<string, (...addresses: number[]) => void>;
  /** The pages holding resident tensors (see resident-arena), where the address space was granted. */
  readonly resident: ResidentMemory | undefined;
}

function instantiate(): SimdKernels | undefined {
  const wasm = wasmApi();
  if (!wasm) return undefined;
  const functions = [
    ...Object.entries(BINARY).map(([name, body]) => lanewise(name, body)),
    ...Object.entries(UNARY).map(([name, body]) => lanewise(name, body)),
    ...SCALAR_OPERAND.flatMap((name) => [
      lanewiseWithSplats(`${name}ScalarB`, 1, (a, s) => BINARY[name]!(a, s!)),
      lanewiseWithSplats(`${name}ScalarA`, 1, (a, s) => BINARY[name]!(s!, a)),
    ]),
    ...Object.entries(COMPARE).flatMap(([name, compare]) => [
      compareToBytes(name, compare),
      compareToBytes(`${name}ScalarB`, compare, 'b'),
      compareToBytes(`${name}ScalarA`, compare, 'a'),
    ]),
    ...Object.entries(LOGICAL).flatMap(([name, combine]) => [
      compareToBytes(name, combine),
      compareToBytes(`${name}ScalarB`, combine, 'b'),
    ]),
    ...Object.entries(PREDICATES).map(([name, predicate]) => predicateToBytes(name, predicate)),
    ...Object.entries(WITH_SPLATS).map(([name, splats]) =>
      lanewiseWithSplats(name, splats.count, splats.body),
    ),
    eluFunction(),
    ...expFunctions(),
    logFunction(),
    whereFunction(MASK_AT, OUT_AT),
    whereFunction(MASK_AT, OUT_AT, 'a'),
    whereFunction(MASK_AT, OUT_AT, 'b'),
    log1pFunction(),
    softmaxExpFunction(),
    softmaxExpSumFunction(),
    ...rowReductionFunctions(),
    gemvBlockFunction(),
    maxPool2x2Function(),
    ...activationFunctions(),
  ];
  // Full size from the start (untouched pages cost no physical memory) and never grown: growing an
  // unshared memory detaches its old buffer, and the first detached ArrayBuffer of a process makes V8
  // check for detachment on every typed-array access from then on, in all code (measured: a JS gather
  // loop 1.7x slower for the rest of the process). Where the resident pages' address space is refused
  // (a 32-bit browser), the kernels run without them and copy every operand.
  for (const resident of [RESIDENT_PAGES, 0]) {
    try {
      const pages = PAGES + CACHE_PAGES + resident;
      const memory = new wasm.Memory({ initial: pages, maximum: pages, shared: false });
      const compile = (specs: FunctionSpec[]) =>
        new wasm.Instance(new wasm.Module(emitModule(specs, false, pages)), { env: { memory } })
          .exports as SimdKernels['run'];
      const start = MEMORY_BYTES + CACHE_BYTES;
      return {
        memory: new Float32Array(memory.buffer),
        lanes: new Uint32Array(memory.buffer),
        bytes: new Uint8Array(memory.buffer),
        run: withLazyKernels(compile(functions), () => compile(lazyKernelFunctions())),
        resident:
          resident > 0 ? { buffer: memory.buffer, start, bytes: resident * 65536, slack: SLACK } : undefined,
      };
    } catch {
      // too much address space, or no WebAssembly SIMD at all: try without resident pages, then give up
    }
  }
  return undefined; // no WebAssembly SIMD: the JS loops serve every case
}

/**
 * `core`'s kernels, and the lazy ones (lazy-kernels.ts) from the module `compileLazy` makes the first time
 * a kernel outside `core` is asked for.
 */
function withLazyKernels(
  core: SimdKernels['run'],
  compileLazy: () => SimdKernels['run'],
): SimdKernels['run'] {
  let lazy: SimdKernels['run'] | undefined;
  return new Proxy(core, {
    get: (target, name) =>
      typeof name !== 'string' || name in target ? Reflect.get(target, name) : (lazy ??= compileLazy())[name],
  });
}

let kernels: SimdKernels | null | undefined;

provideResidentMemory(() => simdKernels()?.resident);

/** The instantiated kernels, or undefined where WebAssembly SIMD is missing (compiled on first use). */
export function simdKernels(): SimdKernels | undefined {
  if (kernels === undefined) kernels = instantiate() ?? null;
  return kernels ?? undefined;
}
