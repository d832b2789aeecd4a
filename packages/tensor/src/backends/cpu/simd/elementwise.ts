import { endsItsBlock, isResident, spansOverlap } from '../../../kernel/resident-arena';
import { ACTIVATIONS, FULL_RANGE } from './activations';
import { BINARY_MATH, BINARY_MATH_REDO, BINARY_MATH_SCALAR_OPERAND } from './binary-math';
import { ELU_FORMS } from './elu';
import { needsFullRange } from './exp';
import {
  BINARY,
  CHUNK,
  COMPARE,
  LOGICAL,
  MASK_AT,
  OUT_AT,
  PAD,
  PREDICATES,
  SCALAR_OPERAND,
  SLOT_BYTES,
  simdKernels,
  UNARY,
  WITH_SPLATS,
} from './module';
import { POW_MARK, POW_REDO } from './pow';
import { runUnaryThreaded, splitsAcrossThreads } from './threaded-unary';
import { TRIG_REDO } from './trig';

// WebAssembly SIMD (f32x4) for float32 elementwise kernels over contiguous inputs and single values (a
// number operand, clamp's bounds): the JS loops pay V8's per-element typed-array checks, 128-bit lanes
// don't. exp's range flags land just past the output of each chunk.

/** The kernels the SIMD path serves over dense inputs only: name -> arity. */
const ARITY: Record<string, 1 | 2> = {
  ...Object.fromEntries(Object.keys(BINARY).map((n) => [n, 2])),
  ...Object.fromEntries(Object.keys(UNARY).map((n) => [n, 1])),
  acos: 1,
  asin: 1,
  acosh: 1,
  asinh: 1,
  atan: 1,
  atan2: 2,
  atanh: 1,
  exp: 1,
  exp2: 1,
  expm1: 1,
  log: 1,
  log2: 1,
  log1p: 1,
  logsigmoid: 1,
  mish: 1,
  pow: 2,
  tanhshrink: 1,
  xlogy: 2,
  ...Object.fromEntries(ACTIVATIONS.map((n) => [n, 1])),
  ...Object.fromEntries(Object.keys(TRIG_REDO).map((n) => [n, 1])),
  ...Object.fromEntries(BINARY_MATH.map((n) => [n, 2])),
};

/** Binary kernels that also run with a single value on either side (`${name}ScalarB`, `${name}ScalarA`). */
const WITH_SCALAR_OPERAND: ReadonlySet<string> = new Set([...SCALAR_OPERAND, ...BINARY_MATH_SCALAR_OPERAND]);

/** Per kernel, what redoes a lane it flagged from the values at A and B (unary ones ignore B's). */
const REDO: Readonly<Record<string, (a: number, b: number) => number>> = {
  ...TRIG_REDO,
  ...BINARY_MATH_REDO,
  ...POW_REDO,
};

/** Whether `kernel` flags chunks that must be redone (see {@link redoFlagged}). */
const flagsChunks = (kernel: string) => FULL_RANGE[kernel] !== undefined || REDO[kernel] !== undefined;

/**
 * Redoes the output bytes [at, stop) of a chunk `plan`'s kernel flagged, from its inputs at bytes `a` and
 * `b` (b advancing with a where the plan streams two dense inputs; else it holds single values): by the
 * kernel's full-range kernel (exp and the sigmoids), or element by element with the JS loop's float64
 * function (sin, cos and tan past their reduction's range, fmod and remainder past |x / y| = 2^29, the
 * lanes pow marked; the float32 store rounds).
 */
function redoFlagged(plan: SimdPlan, a: number, b: number, at: number, stop: number): void {
  const { memory, lanes, run } = simdKernels()!;
  const fullRange = FULL_RANGE[plan.kernel];
  if (fullRange !== undefined) {
    run[fullRange]!(a, b, at, stop);
    return;
  }
  const f = REDO[plan.kernel]!;
  const step = plan.dense.length === 2 ? 1 : 0;
  // the pow kernels mark the lanes to redo; the others' whole chunk is (the mark read once: an import
  // may be a getter)
  const mark = plan.kernel in POW_REDO ? POW_MARK : undefined;
  for (let i = at / 4, j = a / 4, k = b / 4; i < stop / 4; i++, j++, k += step)
    if (mark === undefined || lanes[i] === mark) memory[i] = f(memory[j]!, memory[k]!);
}

/**
 * How an input covers the output: every element in order (`dense`, a float32 array; `mask`, bool bytes),
 * or one value for all (`single`: a broadcast number, a 0-d tensor).
 */
export type InputLayout = 'dense' | 'mask' | 'single';

/** A SIMD run: the kernel, the inputs it streams (A, then B), and the values it holds in every lane. */
export interface SimdPlan {
  readonly kernel: string;
  readonly dense: readonly number[];
  readonly splats: readonly number[];
  /** Whether the kernel writes bool bytes (a comparison, logical op or predicate), not float32 values. */
  readonly toBool?: boolean;
  /** The input whose bool bytes go to MASK_AT (where's condition). */
  readonly mask?: number;
  /**
   * Dense inputs that repeat one block of `blockSize` values (at most CHUNK) over the output: their
   * slots hold the block tiled once, and chunks span whole blocks.
   */
  readonly repeated?: { readonly inputs: readonly number[]; readonly blockSize: number };
}

/** The exponents torch's pow special-cases (see scalarMath.powF32), by their one-input kernel. */
const POW_KERNELS = new Map([
  [2, 'square'],
  [3, 'cube'],
  [0.5, 'sqrt'],
  [-0.5, 'rsqrt'],
  [-1, 'reciprocal'],
  [-2, 'reciprocalSquare'],
]);

/** Whether `value` is a float32 (so arithmetic with it in float32 equals the JS loop's in float64). */
const isFloat32 = (value: number) => Math.fround(value) === value || Number.isNaN(value);

/**
 * The SIMD kernel for elementwise kernel `name` over inputs laid out as `layouts` (a single input's value
 * from `valueAt`), with add/sub's `alpha` and the op's parameters, or undefined where the JS loop must run.
 * Results equal the JS loop's: float32 + - * / with float32 operands are correctly rounded either way, as are
 * neg, abs, sqrt, square, reciprocal, pow(x, 2) and leakyRelu (its slope a float32 parameter); rsqrt, pow
 * with exponent 3, 0.5, -0.5, -1 or -2, hardswish, hardsigmoid, softsign, softshrink, sigmoidBackward and
 * tanhBackward round each step as torch's float32 kernels and the JS loop do (tanh's 1 - y^2 once, as torch's
 * fused multiply-add); threshold and hardshrink are exact; truncDivide truncates torch's float32 quotient, as
 * the JS loop; copysign and fmod are exact, remainder too but for its final r + y, correctly rounded (the JS
 * loop's, see binary-math.ts), floorDivide the JS loop's; hypot is float64 sqrt(x^2 + y^2) rounded once to
 * float32, within 0.5 ulp + 2^-28 ulp (the JS loop's Math.hypot differs only where the two float64 values
 * straddle a float32 tie); pow with any other number exponent, or with a float32 tensor of them (torch's
 * special-cased exponents per lane as above, C's pow for specials), gives the JS loop's values exactly: x **
 * c rounded once, the lanes the kernel cannot settle redone by the JS loop (see pow.ts); relu, its gradient,
 * maximum, minimum, clamp, hardtanh, the comparisons, the logical ops, isnan, isinf and isfinite are exact
 * (clamp's and hardtanh's bounds may be rounded to float32 first: comparing a float32 with a bound or with
 * its rounding picks the same value); exp, log, exp2, log2, expm1, mish, sin, cos, tan, atan, atan2, asin,
 * acos and tanhshrink are within 1 ulp, asinh, acosh, atanh, logit and xlogy correctly rounded but for 0.01
 * ulp (float64 logarithms, see log-f64.ts), log1p, sigmoid, silu, tanh, erf, logsigmoid and softplus within 2
 * ulp of the float64 result, gelu as PyTorch's float32 kernel (see erf.ts), elu, celu and selu as its elu
 * kernel (see elu.ts).
 */
export function planSimdFloat32(
  name: string,
  layouts: readonly InputLayout[],
  valueAt: (input: number) => number,
  alpha: number,
  params: readonly [number, number],
): SimdPlan | undefined {
  if (simdKernels() === undefined || ((name === 'add' || name === 'sub') && alpha !== 1)) return undefined;
  if (layouts.includes('mask')) {
    // where(mask, a, b) with each value dense or a single one (stored into float32 either way, so its
    // rounding is the JS loop's); bool bytes feed no other kernel
    if (name !== 'where' || layouts[0] !== 'mask') return undefined;
    switch (layouts.slice(1).join()) {
      case 'dense,dense':
        return { kernel: 'where', dense: [1, 2], splats: [], mask: 0 };
      case 'single,dense':
        return { kernel: 'whereScalarA', dense: [2], splats: [valueAt(1)], mask: 0 };
      case 'dense,single':
        return { kernel: 'whereScalarB', dense: [1], splats: [valueAt(2)], mask: 0 };
      default:
        return undefined;
    }
  }
  const dense = layouts.flatMap((layout, i) => (layout === 'dense' ? [i] : []));
  const singles = layouts.flatMap((layout, i) => (layout === 'single' ? [i] : []));
  if (COMPARE[name] ?? LOGICAL[name] ?? PREDICATES[name])
    return planToBool(name, layouts, dense, singles, valueAt);
  const eluForm = ELU_FORMS[name];
  if (eluForm !== undefined) {
    if (singles.length > 0) return undefined;
    return { kernel: 'elu', dense, splats: eluForm(params[0]).map(Math.fround) };
  }
  const withSplats = WITH_SPLATS[name];
  if (name === 'gelu') {
    if (layouts.length !== 1 || singles.length > 0) return undefined;
    return { kernel: params[0] === 0 ? 'gelu' : 'geluTanh', dense, splats: [] };
  }
  if (name === 'logit') {
    // torch's float32 kernel clamps to eps and 1 - eps as float32 values; eps < 0 (None) clamps nothing
    if (layouts.length !== 1 || singles.length > 0) return undefined;
    const eps = Math.fround(params[0]);
    return { kernel: 'logit', dense, splats: eps < 0 ? [-Infinity, Infinity] : [eps, Math.fround(1 - eps)] };
  }
  if (name === 'softplus') {
    // beta and threshold as float32, as torch's float32 kernel takes them
    if (layouts.length !== 1 || singles.length > 0) return undefined;
    return { kernel: 'softplus', dense, splats: params.map(Math.fround) };
  }
  if (singles.length === 0) {
    // (hardtanh with lo > hi would differ from the JS loop's order of tests.)
    if (withSplats?.from === 'params' && !(name === 'hardtanh' && params[0] > params[1]))
      return { kernel: name, dense, splats: params.slice(0, withSplats.count).map(Math.fround) };
    return ARITY[name] === layouts.length ? { kernel: name, dense, splats: [] } : undefined;
  }
  if (WITH_SCALAR_OPERAND.has(name) && layouts.length === 2) {
    const value = valueAt(singles[0]!);
    if (dense.length !== 1 || !isFloat32(value)) return undefined;
    return { kernel: `${name}Scalar${singles[0] === 1 ? 'B' : 'A'}`, dense, splats: [value] };
  }
  if (layouts[0] !== 'dense') return undefined;
  const powKernel = name === 'pow' && singles.length === 1 ? POW_KERNELS.get(valueAt(1)) : undefined;
  if (powKernel !== undefined) return { kernel: powKernel, dense, splats: [] };
  if (name === 'pow' && singles[0] === 1) {
    // any other finite, nonzero number exponent, as the JS loop takes it: rounded to float32
    const exponent = Math.fround(valueAt(1));
    if (Number.isFinite(exponent) && exponent !== 0)
      return { kernel: 'powScalar', dense, splats: [exponent] };
  }
  if (withSplats?.from === 'inputs' && singles.length === withSplats.count) {
    return { kernel: name, dense, splats: singles.map((i) => Math.fround(valueAt(i))) };
  }
  return undefined;
}

/**
 * {@link planSimdFloat32} for a kernel writing bool bytes: a predicate of a dense input; a comparison or
 * logical op of two, or of one and a single value (a float32 for a comparison; for a logical op, 1 or 0 as
 * it is nonzero or not, on either side).
 */
function planToBool(
  name: string,
  layouts: readonly InputLayout[],
  dense: number[],
  singles: number[],
  valueAt: (input: number) => number,
): SimdPlan | undefined {
  if (layouts.length !== (PREDICATES[name] ? 1 : 2) || dense.length === 0) return undefined;
  if (singles.length === 0) return { kernel: name, dense, splats: [], toBool: true };
  const value = valueAt(singles[0]!);
  if (LOGICAL[name]) {
    // (NaN is nonzero; so is a float64 value too small for float32.)
    return { kernel: `${name}ScalarB`, dense, splats: [value !== 0 ? 1 : 0], toBool: true };
  }
  if (!isFloat32(value)) return undefined; // x < 0.1 differs from x < fround(0.1)
  return { kernel: `${name}Scalar${singles[0] === 1 ? 'B' : 'A'}`, dense, splats: [value], toBool: true };
}

/**
 * Runs `plan` (from {@link planSimdFloat32}) on `inputs` starting at `offsets`, writing all of `out`
 * (float32 values, or bool bytes where the plan is `toBool`): the dense inputs (float32 arrays) stream
 * through the kernels' memory in chunks, the single values sit in B. The exp-based activations over large
 * tensors are split across the helper threads too (see threaded-unary.ts).
 */
export function runSimdFloat32(
  plan: SimdPlan,
  out: Float32Array | Uint8Array,
  inputs: readonly ArrayLike<number>[],
  offsets: readonly number[],
): void {
  if (plan.repeated) {
    runChunks(plan, out, inputs, offsets, 0, out.length);
    return;
  }
  const resident = residentOperands(plan, out, inputs, offsets);
  const run = resident
    ? (from: number, to: number) => runResident(plan, resident, from, to)
    : (from: number, to: number) => runChunks(plan, out, inputs, offsets, from, to);
  const [a] = plan.dense;
  if (
    out instanceof Float32Array &&
    plan.dense.length === 1 &&
    splitsAcrossThreads(plan.kernel, out.length)
  ) {
    runUnaryThreaded(plan.kernel, out, inputs[a!] as Float32Array, offsets[a!]!, run);
  } else {
    run(0, out.length);
  }
}

/** Byte addresses of a plan's dense inputs (A, then B if dense) and output in the kernels' memory. */
interface ResidentOperands {
  readonly inputs: readonly number[];
  readonly out: number;
}

/**
 * Where `out` and the plan's dense inputs are resident (see resident-arena), their addresses, so the
 * kernels run on them in place; undefined elsewhere (the chunked path copies). `out` must end its block,
 * whose slack takes the last iteration's padding lanes and exp's flags. An input overlapping `out` other
 * than exactly (x.add_(x)) would read values already written, and so would exp's full-range redo of an
 * in-place result: the chunked path copies those.
 */
function residentOperands(
  plan: SimdPlan,
  out: Float32Array | Uint8Array,
  inputs: readonly ArrayLike<number>[],
  offsets: readonly number[],
): ResidentOperands | undefined {
  if (!(out instanceof Float32Array) || plan.mask !== undefined || !endsItsBlock(out)) return undefined;
  const outAt = out.byteOffset;
  const addresses: number[] = [];
  for (const i of plan.dense) {
    const input = inputs[i];
    if (!isResident(input)) return undefined;
    const at = (input as Float32Array).byteOffset + 4 * offsets[i]!;
    if (spansOverlap(at, out.byteLength, outAt, out.byteLength) && (at !== outAt || flagsChunks(plan.kernel)))
      return undefined;
    addresses.push(at);
  }
  return { inputs: addresses, out: outAt };
}

/**
 * {@link runSimdFloat32} for elements `[from, to)` of resident operands. Writes up to the padding lanes
 * and 16 bytes of flags past `to`: into the slack where `to` is the end, else into elements the caller
 * writes afterwards.
 */
function runResident(plan: SimdPlan, operands: ResidentOperands, from: number, to: number): void {
  const { memory, lanes: flags, run } = simdKernels()!;
  memory.set(plan.splats, SLOT_BYTES / 4);
  const fn = run[plan.kernel]!;
  const [a, b] = operands.inputs.map((at) => at + 4 * from);
  const outAt = operands.out + 4 * from;
  const end = outAt + Math.ceil((to - from) / PAD) * PAD * 4;
  if (!flagsChunks(plan.kernel)) {
    fn(a!, b ?? SLOT_BYTES, outAt, end);
    return;
  }
  // By chunks, so one flagged lane redoes one chunk: the flags land past the chunk, on the next chunk's
  // output before it is written (or past `to`), never on an input. A second dense input advances with A.
  for (let at = outAt; at < end; at += SLOT_BYTES) {
    const stop = Math.min(end, at + SLOT_BYTES);
    const [inputA, inputB] = [a! + (at - outAt), b === undefined ? SLOT_BYTES : b + (at - outAt)];
    fn(inputA, inputB, at, stop);
    if (needsFullRange(flags, stop / 4)) redoFlagged(plan, inputA, inputB, at, stop);
  }
}

/**
 * {@link runSimdFloat32} for `out[from .. to)`, on the calling thread; `from` is 0 where inputs repeat a
 * block, so every chunk starts at a block boundary.
 */
function runChunks(
  plan: SimdPlan,
  out: Float32Array | Uint8Array,
  inputs: readonly ArrayLike<number>[],
  offsets: readonly number[],
  from: number,
  to: number,
): void {
  const { memory, lanes: flags, bytes, run } = simdKernels()!;
  const fn = run[plan.kernel]!;
  const [a, b] = plan.dense.map((i) => inputs[i] as Float32Array);
  const [aAt, bAt] = plan.dense.map((i) => offsets[i]!);
  const [aRepeats, bRepeats] = plan.dense.map((i) => plan.repeated?.inputs.includes(i) ?? false);
  const mask = plan.mask === undefined ? undefined : (inputs[plan.mask] as Uint8Array);
  const maskAt = plan.mask === undefined ? 0 : offsets[plan.mask]!;
  const block = plan.repeated?.blockSize;
  const chunk = block === undefined ? CHUNK : Math.floor(CHUNK / block) * block;
  memory.set(plan.splats, SLOT_BYTES / 4);
  if (aRepeats) tileBlock(memory, 0, a!, aAt!, block!, chunk);
  if (bRepeats) tileBlock(memory, CHUNK, b!, bAt!, block!, chunk);
  for (let start = from; start < to; start += chunk) {
    const count = Math.min(chunk, to - start);
    if (!aRepeats) memory.set(a!.subarray(aAt! + start, aAt! + start + count), 0);
    if (b && !bRepeats) memory.set(b.subarray(bAt! + start, bAt! + start + count), CHUNK);
    if (mask) bytes.set(mask.subarray(maskAt + start, maskAt + start + count), MASK_AT);
    // Whole iterations of the widest loop; the padding lanes compute on stale scratch and aren't copied.
    const end = OUT_AT + Math.ceil(count / PAD) * PAD * (plan.toBool ? 1 : 4);
    fn(0, SLOT_BYTES, OUT_AT, end);
    if (plan.toBool) {
      out.set(bytes.subarray(OUT_AT, OUT_AT + count), start);
      continue;
    }
    if (flagsChunks(plan.kernel) && needsFullRange(flags, end / 4))
      redoFlagged(plan, 0, SLOT_BYTES, OUT_AT, end);
    out.set(memory.subarray(OUT_AT / 4, OUT_AT / 4 + count), start);
  }
}

/** Fills `length` floats of `memory` from `at` with copies of the `block` values of `source` from `offset`. */
function tileBlock(
  memory: Float32Array,
  at: number,
  source: Float32Array,
  offset: number,
  block: number,
  length: number,
): void {
  memory.set(source.subarray(offset, offset + block), at);
  for (let filled = block; filled < length; filled *= 2)
    memory.copyWithin(at + filled, at, at + Math.min(filled, length - filled));
}
