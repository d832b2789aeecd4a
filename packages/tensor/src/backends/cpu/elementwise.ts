import type { ElementwiseAttrs } from '../../kernel/attrs/elementwise';
import { allocateUninitialized, type DType, isIntegral, type TypedArray } from '../../kernel/dtype';
import { ValueError } from '../../kernel/errors';
import { elementwiseSpecs, SELU_ALPHA, SELU_SCALE } from '../../kernel/ops/elementwise-specs';
import { registerKernel } from '../../kernel/registry';
import { broadcastShapes, broadcastStrides, shapeSize } from '../../kernel/shape';
import { gatherStrided } from '../../kernel/transfer';
import { hostView, isContiguous, numel, type TensorView } from '../../kernel/view';
import { involvesEncoded, runEncodedElementwise } from './encoded-elementwise';
import { expF32, sigmoidF32, tanhF32 } from './float32-math';
import * as scalarMath from './scalar-math';
import { type InputLayout, planSimdFloat32, runSimdFloat32, type SimdPlan } from './simd/elementwise';
import { CHUNK } from './simd/module';
import { arraySignature, compileLoop, isContiguousLayout, repeatedBlockSize } from './strided-loop';

// Every scalar-math function is callable by name from the expressions.
const helpers = { ...scalarMath, expF32, sigmoidF32, tanhF32 };

/** `fast` when the result is float32 (float32-accurate fast math suffices), else the float64-exact `exact`. */
const float32Fast =
  (fast: string, exact: string) =>
  (_compute: DType, out: DType): string =>
    out === 'float32' ? fast : exact;

/** GELU's tanh approximation, PyTorch's `0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))`. */
const GELU_TANH = '0.5 * x0 * (1 + Math.tanh(0.7978845608028654 * (x0 + 0.044715 * x0 * x0 * x0)))';

/**
 * The arithmetic of each elementwise kernel as a JS expression over x0..x2 (inputs) and p0 (alpha/value),
 * or a function of the compute and result dtypes choosing one.
 */
const expressions: Record<string, string | ((compute: DType, out: DType) => string)> = {
  neg: '-x0',
  abs: 'Math.abs(x0)',
  // torch's sign: 0 (not -0) at +-0, and 0 at NaN too
  sign: '(x0 > 0 ? 1 : x0 < 0 ? -1 : 0)',
  exp: float32Fast('expF32(x0)', 'Math.exp(x0)'),
  exp2: 'Math.pow(2, x0)',
  log: 'Math.log(x0)',
  log2: 'Math.log2(x0)',
  log1p: 'Math.log1p(x0)',
  expm1: 'Math.expm1(x0)',
  sqrt: 'Math.sqrt(x0)',
  rsqrt: float32Fast('1 / Math.fround(Math.sqrt(x0))', '1 / Math.sqrt(x0)'), // torch's 1 / sqrt(x), two roundings
  square: (dtype) => (dtype === 'int32' ? 'Math.imul(x0, x0)' : 'x0 * x0'),
  reciprocal: '1 / x0',
  sin: 'Math.sin(x0)',
  cos: 'Math.cos(x0)',
  tan: 'Math.tan(x0)',
  tanh: float32Fast('tanhF32(x0)', 'Math.tanh(x0)'),
  sigmoid: float32Fast('sigmoidF32(x0)', '1 / (1 + Math.exp(-x0))'),
  relu: '(x0 < 0 ? 0 : x0)', // as PyTorch: NaN stays NaN, -0 stays -0
  reluBackward: '(x1 > 0 ? x0 : 0)',
  // PyTorch's float32 loops: grad * (1 - y) * y rounding each step, grad * (1 - y * y) with 1 - y * y fused
  sigmoidBackward: float32Fast(
    'Math.fround(Math.fround(x0 * Math.fround(1 - x1)) * x1)',
    'x0 * (1 - x1) * x1',
  ),
  tanhBackward: float32Fast('Math.fround(x0 * Math.fround(1 - x1 * x1))', 'x0 * (1 - x1 * x1)'),
  erf: 'erf(x0)',
  erfinv: 'erfinv(x0)',
  asin: 'Math.asin(x0)',
  acos: 'Math.acos(x0)',
  atan: 'Math.atan(x0)',
  asinh: 'Math.asinh(x0)',
  acosh: 'Math.acosh(x0)',
  atanh: 'Math.atanh(x0)',
  logit: 'logit(x0, p0)',
  floor: 'Math.floor(x0)',
  ceil: 'Math.ceil(x0)',
  round: 'roundHalfEven(x0)',
  trunc: 'Math.trunc(x0)',
  isnan: '(x0 !== x0 ? 1 : 0)',
  isinf: '(x0 === Infinity || x0 === -Infinity ? 1 : 0)',
  isfinite: '(x0 - x0 === 0 ? 1 : 0)',
  logicalNot: '(x0 === 0 ? 1 : 0)',
  add: 'x0 + p0 * x1',
  sub: 'x0 - p0 * x1',
  mul: (dtype) => (dtype === 'int32' ? 'Math.imul(x0, x1)' : 'x0 * x1'),
  div: 'x0 / x1',
  floorDivide: (dtype) => (dtype === 'int32' ? 'Math.floor(x0 / x1)' : 'floorDivide(x0, x1)'),
  // torch truncates its float32 quotient: 0.7f / 0.1f is 7 in float32 (6.99999978 in float64)
  truncDivide: float32Fast('Math.trunc(Math.fround(x0 / x1))', 'Math.trunc(x0 / x1)'),
  // torch's special-cased exponents in float (see scalarMath.powF32); integers through Math.pow, exact
  pow: (_compute, out) =>
    out === 'float32' ? 'powF32(x0, x1)' : out === 'float64' ? 'powF64(x0, x1)' : 'Math.pow(x0, x1)',
  remainder: 'remainder(x0, x1)',
  fmod: 'x0 % x1',
  atan2: 'Math.atan2(x0, x1)',
  xlogy: 'xlogy(x0, x1)',
  hypot: 'Math.hypot(x0, x1)',
  copysign: 'copysign(x0, x1)',
  minimum: '(x0 !== x0 || x1 !== x1 ? NaN : Math.min(x0, x1))',
  maximum: '(x0 !== x0 || x1 !== x1 ? NaN : Math.max(x0, x1))',
  eq: '(x0 === x1 ? 1 : 0)',
  ne: '(x0 !== x1 ? 1 : 0)',
  lt: '(x0 < x1 ? 1 : 0)',
  le: '(x0 <= x1 ? 1 : 0)',
  gt: '(x0 > x1 ? 1 : 0)',
  ge: '(x0 >= x1 ? 1 : 0)',
  logicalAnd: '(x0 !== 0 && x1 !== 0 ? 1 : 0)',
  logicalOr: '(x0 !== 0 || x1 !== 0 ? 1 : 0)',
  logicalXor: '((x0 !== 0) !== (x1 !== 0) ? 1 : 0)',
  where: '(x0 !== 0 ? x1 : x2)',
  lerp: 'lerp(x0, x1, x2)',
  addcmul: 'x0 + p0 * x1 * x2',
  addcdiv: 'x0 + p0 * x1 / x2',
  clamp: '(x0 !== x0 ? x0 : Math.min(Math.max(x0, x1), x2))',
  cast: 'x0',
  hardtanh: '(x0 < p0 ? p0 : x0 > p1 ? p1 : x0)',
  threshold: '(x0 <= p0 ? p1 : x0)',
  // torch's float32 kernels round each step (the SIMD kernels' steps too)
  hardswish: float32Fast(
    'Math.fround(x0 * Math.min(Math.max(Math.fround(x0 + 3), 0), 6)) / 6',
    '(x0 * Math.min(Math.max(x0 + 3, 0), 6)) / 6',
  ),
  hardsigmoid: float32Fast(
    'Math.min(Math.max(Math.fround(x0 + 3), 0), 6) / 6',
    'Math.min(Math.max(x0 + 3, 0), 6) / 6',
  ),
  softsign: float32Fast('x0 / Math.fround(1 + Math.abs(x0))', 'x0 / (1 + Math.abs(x0))'),
  tanhshrink: 'tanhshrink(x0)', // x - tanh x, by its series near 0 (no cancellation)
  // torch's elu kernel with input scale 1 / alpha (alpha and 1 / alpha in the result's precision); exp - 1
  // rather than expm1, as PyTorch 1.13 (celu(-0) is +0)
  celu: float32Fast(
    '(x0 > 0 ? x0 : Math.fround(Math.fround(expF32(Math.fround(x0 * Math.fround(1 / p0)))) - 1) * Math.fround(p0))',
    '(x0 > 0 ? x0 : p0 * (Math.exp(x0 * (1 / p0)) - 1))',
  ),
  leakyRelu: '(x0 > 0 ? x0 : x0 * p0)',
  // (exp(x) - 1) * alpha in the result's precision, as PyTorch 1.13 (not expm1: elu(-1e-7) is -1.19e-7 in
  // float32, and elu(-0) is +0)
  elu: float32Fast(
    '(x0 > 0 ? x0 : Math.fround(Math.fround(expF32(x0)) - 1) * p0)',
    '(x0 > 0 ? x0 : (Math.exp(x0) - 1) * p0)',
  ),
  // torch's elu kernel with SELU's scale and alpha * scale (from the float32 constants for float32)
  selu: float32Fast(
    `(x0 > 0 ? x0 * ${Math.fround(SELU_SCALE)} : Math.fround(Math.fround(expF32(x0)) - 1) * ${Math.fround(Math.fround(SELU_ALPHA) * Math.fround(SELU_SCALE))})`,
    `(x0 > 0 ? x0 * ${SELU_SCALE} : (Math.exp(x0) - 1) * ${SELU_ALPHA * SELU_SCALE})`,
  ),
  // PyTorch's x / 2 (1 + erf(x / sqrt 2)), or its tanh approximation (p0 1); float32 as h + h erf with h =
  // x / 2, the multiply-add PyTorch's vectorized loop does (so gelu(-0) is +0 in float32, -0 in float64)
  gelu: float32Fast(
    `(p0 === 0 ? 0.5 * x0 + 0.5 * x0 * erf(x0 * Math.SQRT1_2) : ${GELU_TANH})`,
    `(p0 === 0 ? 0.5 * x0 * (1 + erf(x0 * Math.SQRT1_2)) : ${GELU_TANH})`,
  ),
  hardshrink: '(x0 >= -p0 && x0 <= p0 ? 0 : x0)',
  // NaN gives 0, as PyTorch 1.13
  // lambd as torch casts it to the result's type (comparing with it or its rounding picks the same side)
  softshrink: float32Fast(
    '(x0 > p0 ? x0 - Math.fround(p0) : x0 < -p0 ? x0 + Math.fround(p0) : 0)',
    '(x0 > p0 ? x0 - p0 : x0 < -p0 ? x0 + p0 : 0)',
  ),
  // min(x, 0) - log1p(exp(-|x|)): finite for any x (logsigmoid(-100) is -100)
  logsigmoid: 'Math.min(x0, 0) - Math.log1p(Math.exp(-Math.abs(x0)))',
  silu: 'x0 / (1 + Math.exp(-x0))',
  mish: 'x0 * Math.tanh(Math.log1p(Math.exp(x0)))',
  // torch's (x * beta) > threshold ? x : log1p(exp(x * beta)) / beta, x * beta in the result's precision
  softplus: float32Fast(
    '(Math.fround(x0 * p0) > p1 ? x0 : Math.log1p(Math.exp(Math.fround(x0 * p0))) / p0)',
    '(x0 * p0 > p1 ? x0 : Math.log1p(Math.exp(x0 * p0)) / p0)',
  ),
};

/** Below this many elements the WebAssembly call and chunk copies cost more than the JS loop. */
const SIMD_MIN_ELEMENTS = 4096;

/**
 * Runs an elementwise expression over broadcast, arbitrarily strided inputs into a new contiguous tensor,
 * or into `into` (a dense destination of the broadcast size, e.g. a contiguous in-place target).
 */
export function runElementwise(
  name: string,
  expr: string,
  inputs: readonly TensorView[],
  attrs: ElementwiseAttrs,
  into?: TypedArray,
): TensorView {
  const shape = broadcastShapes(name, ...inputs.map((t) => t.shape));
  // Every element is written below, so the new array needn't be zeroed first.
  const out = into ?? allocateUninitialized(attrs.dtype, shapeSize(shape));
  // Bool results of arithmetic (bool + bool) are logical: anything non-zero is true.
  const body = attrs.dtype === 'bool' && !expr.includes('? 1 : 0') ? `((${expr}) !== 0 ? 1 : 0)` : expr;
  const arrays = inputs.map((t) => t.storage.data as TypedArray);
  const offsets = inputs.map((t) => t.offset);
  const strides = inputs.map((t) => broadcastStrides(t.shape, t.strides, shape));
  const scalar = attrs.scalar ?? 1;
  const scalar2 = attrs.scalar2 ?? 0;
  const candidate =
    (out instanceof Float32Array || (out instanceof Uint8Array && attrs.dtype === 'bool')) &&
    out.length >= SIMD_MIN_ELEMENTS;
  const plan = candidate ? simdPlan(name, arrays, offsets, strides, shape, [scalar, scalar2]) : undefined;
  // A plan writes float32 or, for comparisons, bool bytes: it must match the output's type.
  const writesBytes = Boolean(plan?.toBool);
  if (plan && writesBytes === out instanceof Uint8Array) {
    runSimdFloat32(plan, out as Float32Array | Uint8Array, arrays as ArrayLike<number>[], offsets);
  } else {
    const loop = compileLoop(inputs.length, body, helpers, arraySignature(out, arrays));
    loop(out, arrays, offsets, strides, shape, [scalar, scalar2]);
  }
  return hostView(out, shape, attrs.dtype);
}

/**
 * The SIMD plan for a float32 result when every input is a contiguous float32 array, a single number
 * broadcast over the output (all strides 0), or a float32 block repeated along the leading dims (a bias
 * row over a batch; streamed as a dense input, its block tiled once); `params` are alpha (add/sub) or the
 * op's scalars.
 */
function simdPlan(
  name: string,
  arrays: readonly TypedArray[],
  offsets: readonly number[],
  strides: readonly (readonly number[])[],
  shape: readonly number[],
  params: [number, number],
): SimdPlan | undefined {
  const layouts: InputLayout[] = [];
  const repeated: number[] = [];
  let blockSize = 0;
  for (const [i, array] of arrays.entries()) {
    if (array instanceof Float32Array && isContiguousLayout(strides[i]!, shape)) layouts.push('dense');
    else if (array instanceof Uint8Array && isContiguousLayout(strides[i]!, shape)) layouts.push('mask');
    else if (strides[i]!.every((s) => s === 0) && typeof array[offsets[i]!] === 'number')
      layouts.push('single');
    else {
      // Repeated inputs share one block size (chunks hold whole blocks of each).
      const block = array instanceof Float32Array ? repeatedBlockSize(strides[i]!, shape) : undefined;
      if (block === undefined || block > CHUNK || (blockSize !== 0 && block !== blockSize)) return undefined;
      layouts.push('dense');
      repeated.push(i);
      blockSize = block;
    }
  }
  const plan = planSimdFloat32(name, layouts, (i) => arrays[i]![offsets[i]!] as number, params[0], params);
  return plan && repeated.length > 0 ? { ...plan, repeated: { inputs: repeated, blockSize } } : plan;
}

/**
 * {@link runElementwise} for a fixed expression, also where an input or the result is int64, float16 or
 * bfloat16 (copies and casts: `x0`).
 */
export function runCopy(
  name: string,
  inputs: readonly TensorView[],
  dtype: DType,
  into?: TypedArray,
): TensorView {
  if (!involvesEncoded(inputs, dtype)) return runElementwise(name, 'x0', inputs, { dtype }, into);
  return runEncodedElementwise(
    name,
    inputs,
    { dtype },
    (plain, attrs, dest) => runElementwise(name, 'x0', plain, attrs, dest),
    into,
  );
}

/** A fresh contiguous copy: one native copy of the storage range when x is contiguous, the loop otherwise. */
export function cloneCpu(x: TensorView): TensorView {
  if (!isContiguous(x)) return runCopy('clone', [x], x.dtype);
  const data = x.storage.data as TypedArray;
  return hostView(data.slice(x.offset, x.offset + numel(x)), x.shape, x.dtype);
}

/** `x` itself when contiguous, else a contiguous copy (what Tensor.contiguous does, on views). */
export function contiguousCpu(x: TensorView): TensorView {
  return isContiguous(x) ? x : cloneCpu(x);
}

/** `x` converted to `dtype` (itself when it already has it). */
export function castCpu(x: TensorView, dtype: DType): TensorView {
  return x.dtype === dtype ? x : runCopy('cast', [x], dtype);
}

/** Integer division kernels, by the op name users call them through. */
const INTEGER_DIVISION: Readonly<Record<string, string>> = {
  floorDivide: 'div',
  truncDivide: 'div',
  remainder: 'remainder',
  fmod: 'fmod',
};

/** Integer division or remainder by zero raises, as PyTorch's ZeroDivisionError (floats give Inf/NaN). */
function checkDivisor(op: string, divisor: TensorView): void {
  const data = divisor.storage.data as TypedArray;
  const values = isContiguous(divisor)
    ? data.subarray(divisor.offset, divisor.offset + numel(divisor))
    : gatherStrided(data, divisor);
  if (values.includes(0))
    throw new ValueError(op, 'ZeroDivisionError: integer division or remainder by zero');
}

/** Registers the CPU implementation of every elementwise kernel (and `cast`). */
export function registerCpuElementwise(): void {
  for (const spec of [...elementwiseSpecs, { name: 'cast' }]) {
    const expression = expressions[spec.name];
    if (expression === undefined)
      throw new Error(`cpu backend: no expression for elementwise kernel ${spec.name}`);
    const numberKernel = (inputs: readonly TensorView[], attrs: ElementwiseAttrs): TensorView => {
      // Integer-specific arithmetic applies when the computation itself is on integers (int32 or narrower).
      const computeType = inputs.every((t) => isIntegral(t.dtype, true)) ? 'int32' : attrs.dtype;
      const expr = typeof expression === 'string' ? expression : expression(computeType, attrs.dtype);
      const divisionOp = INTEGER_DIVISION[spec.name];
      if (computeType === 'int32' && divisionOp !== undefined) checkDivisor(divisionOp, inputs[1]!);
      return runElementwise(spec.name, expr, inputs, attrs);
    };
    registerKernel(
      spec.name,
      'cpu',
      (inputs, attrs: ElementwiseAttrs) =>
        involvesEncoded(inputs, attrs.dtype)
          ? runEncodedElementwise(spec.name, inputs, attrs, numberKernel)
          : numberKernel(inputs, attrs),
      { encodedDTypes: true },
    );
  }
}
