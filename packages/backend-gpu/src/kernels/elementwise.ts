import { type DType, elementwiseSpecs, SELU_ALPHA, SELU_SCALE, shapeSize, type Tensor } from '@nn/tensor';
import type { GpuDevice } from '../backend/gpu-device';
import { dataOf, gpuTensor } from '../backend/gpu-tensor';
import type { KernelSpec } from '../runtime/cached-kernel';
import type { DefineGpuKernel } from './define-kernel';
import { collapse, stridesFor, walkSource, walkTable, walkTableLength } from './layout';

/** gelu's z = x / sqrt(2) and t = 1 / (1 + p |z|) of Abramowitz & Stegun 7.1.26, inline (no locals). */
const GELU_Z = '(v0 * 0.7071067811865476)';
const GELU_T = `(1.0 / (1.0 + 0.3275911 * Math.abs(${GELU_Z})))`;
/** erfc(|z|) by A&S 7.1.26 (absolute error <= 1.5e-7, as PyTorch's vectorized erf). */
const GELU_ERFC = `(${GELU_T} * (0.254829592 + ${GELU_T} * (-0.284496736 + ${GELU_T} * (1.421413741 + ${GELU_T} * (-1.453152027 + ${GELU_T} * 1.061405429)))) * Math.exp(-${GELU_Z} * ${GELU_Z}))`;

/**
 * The arithmetic of the elementwise kernels the device runs, as gpu.js kernel expressions over the
 * operand values `v0..v2` and the scalars `p0` (alpha/value) and `p1`. All float32. GLSL and WGSL leave `pow` of a
 * negative base undefined, so `pow` handles integer exponents itself.
 */
const EXPRESSIONS: Readonly<Record<string, string>> = {
  neg: '-v0',
  abs: 'Math.abs(v0)',
  sign: '(v0 > 0.0 ? 1.0 : (v0 < 0.0 ? -1.0 : 0.0))',
  exp: 'Math.exp(v0)',
  exp2: 'Math.pow(2.0, v0)',
  log: 'Math.log(v0)',
  log2: 'Math.log2(v0)',
  log1p: 'Math.log1p(v0)',
  expm1: 'Math.expm1(v0)',
  sqrt: 'Math.sqrt(v0)',
  rsqrt: '1.0 / Math.sqrt(v0)',
  square: 'v0 * v0',
  reciprocal: '1.0 / v0',
  sin: 'Math.sin(v0)',
  cos: 'Math.cos(v0)',
  tan: 'Math.tan(v0)',
  tanh: 'Math.tanh(v0)',
  sigmoid: '1.0 / (1.0 + Math.exp(-v0))',
  relu: '(v0 > 0.0 ? v0 : 0.0)',
  reluBackward: '(v1 > 0.0 ? v0 : 0.0)',
  sigmoidBackward: 'v0 * (1.0 - v1) * v1',
  tanhBackward: 'v0 * (1.0 - v1 * v1)',
  floor: 'Math.floor(v0)',
  ceil: 'Math.ceil(v0)',
  // half to even: a tie rounds to the even neighbour, 2 * round(v / 2)
  round: '(Math.abs(v0 - Math.trunc(v0)) === 0.5 ? 2.0 * Math.round(v0 * 0.5) : Math.round(v0))',
  trunc: 'Math.trunc(v0)',
  logicalNot: '(v0 === 0.0 ? 1.0 : 0.0)',
  // NaN compares false with everything; 3.4028234663852886e38 is float32's largest finite value
  isnan: '(v0 !== v0 ? 1.0 : 0.0)',
  isinf: '(Math.abs(v0) > 3.4028234663852886e38 ? 1.0 : 0.0)',
  isfinite: '(Math.abs(v0) <= 3.4028234663852886e38 ? 1.0 : 0.0)',
  add: 'v0 + p0 * v1',
  sub: 'v0 - p0 * v1',
  mul: 'v0 * v1',
  div: 'v0 / v1',
  floorDivide: 'Math.floor(v0 / v1)',
  truncDivide: 'Math.trunc(v0 / v1)',
  pow:
    '(v1 === 0.0 ? 1.0 : (v0 < 0.0 && Math.floor(v1) === v1 ? ' +
    '(Math.floor(v1 * 0.5) * 2.0 === v1 ? 1.0 : -1.0) * Math.pow(-v0, v1) : Math.pow(v0, v1)))',
  remainder: 'v0 - Math.floor(v0 / v1) * v1',
  fmod: 'v0 - Math.trunc(v0 / v1) * v1',
  minimum: 'Math.min(v0, v1)',
  maximum: 'Math.max(v0, v1)',
  eq: '(v0 === v1 ? 1.0 : 0.0)',
  ne: '(v0 !== v1 ? 1.0 : 0.0)',
  lt: '(v0 < v1 ? 1.0 : 0.0)',
  le: '(v0 <= v1 ? 1.0 : 0.0)',
  gt: '(v0 > v1 ? 1.0 : 0.0)',
  ge: '(v0 >= v1 ? 1.0 : 0.0)',
  logicalAnd: '(v0 !== 0.0 && v1 !== 0.0 ? 1.0 : 0.0)',
  logicalOr: '(v0 !== 0.0 || v1 !== 0.0 ? 1.0 : 0.0)',
  logicalXor: '((v0 !== 0.0 ? 1.0 : 0.0) !== (v1 !== 0.0 ? 1.0 : 0.0) ? 1.0 : 0.0)',
  where: '(v0 !== 0.0 ? v1 : v2)',
  // torch's lerp: from the nearer end, so weight 1 gives `end` exactly
  lerp: '(Math.abs(v2) < 0.5 ? v0 + v2 * (v1 - v0) : v1 - (v1 - v0) * (1.0 - v2))',
  addcmul: 'v0 + p0 * v1 * v2',
  addcdiv: 'v0 + p0 * v1 / v2',
  clamp: 'Math.min(Math.max(v0, v1), v2)',
  cast: 'v0',
  // activations (p0, p1: hardtanh's bounds, threshold's threshold and value, celu's and elu's alpha, leakyRelu's slope, the shrinks' lambd, gelu's form, softplus's beta and threshold)
  hardtanh: '(v0 < p0 ? p0 : (v0 > p1 ? p1 : v0))',
  threshold: '(v0 <= p0 ? p1 : v0)',
  hardswish: '(v0 * Math.min(Math.max(v0 + 3.0, 0.0), 6.0)) / 6.0',
  hardsigmoid: 'Math.min(Math.max(v0 + 3.0, 0.0), 6.0) / 6.0',
  softsign: 'v0 / (1.0 + Math.abs(v0))',
  tanhshrink: 'v0 - Math.tanh(v0)',
  celu: '(v0 > 0.0 ? v0 : p0 * (Math.exp(v0 / p0) - 1.0))',
  leakyRelu: '(v0 > 0.0 ? v0 : v0 * p0)',
  elu: '(v0 > 0.0 ? v0 : (Math.exp(v0) - 1.0) * p0)',
  selu: `(v0 > 0.0 ? v0 * ${SELU_SCALE} : (Math.exp(v0) - 1.0) * ${SELU_ALPHA * SELU_SCALE})`,
  // x Phi(x): Phi = erfc(|z|) / 2 below 0, 1 - erfc(|z|) / 2 above; p0 1: PyTorch's tanh approximation
  gelu: `(p0 > 0.5 ? 0.5 * v0 * (1.0 + Math.tanh(0.7978845608028654 * (v0 + 0.044715 * v0 * v0 * v0))) : (v0 < 0.0 ? 0.5 * v0 * ${GELU_ERFC} : v0 * (1.0 - 0.5 * ${GELU_ERFC})))`,
  hardshrink: '(v0 >= -p0 && v0 <= p0 ? 0.0 : v0)',
  softshrink: '(v0 > p0 ? v0 - p0 : (v0 < -p0 ? v0 + p0 : 0.0))',
  logsigmoid: 'Math.min(v0, 0.0) - Math.log1p(Math.exp(-Math.abs(v0)))',
  silu: 'v0 / (1.0 + Math.exp(-v0))',
  // above 20, tanh(softplus(x)) is 1 in float32 (and exp would overflow past 88)
  mish: '(v0 > 20.0 ? v0 : v0 * Math.tanh(Math.log1p(Math.exp(v0))))',
  // p0 beta, p1 threshold: max(b, 0) + log1p(exp(-|b|)), b = beta x, never overflows
  softplus: '(v0 * p0 > p1 ? v0 : (Math.max(v0 * p0, 0.0) + Math.log1p(Math.exp(-Math.abs(v0 * p0)))) / p0)',
  // softmax's last step, from the input and its lane's logsumexp
  softmaxOut: 'Math.exp(v0 - v1)',
  logSoftmaxOut: 'v0 - v1',
};

/**
 * The expression stored for a result of `dtype`: casts to integers truncate, other integer results round
 * (GPU `pow(5, 3)` may give 124.99998), bools become 0/1. From 2^23 up every float32 is an integer and
 * rounding (floor(v + 0.5) in float32 arithmetic) would bump odd values to the next even one, so those
 * are kept as they are.
 */
function converted(expr: string, dtype: DType, name: string): string {
  if (dtype === 'int32' || dtype === 'int64') {
    return name === 'cast'
      ? `Math.trunc(${expr})`
      : `(Math.abs(${expr}) >= 8388608.0 ? (${expr}) : Math.round(${expr}))`;
  }
  if (dtype === 'bool' && !expr.endsWith('? 1.0 : 0.0)')) return `((${expr}) !== 0.0 ? 1.0 : 0.0)`;
  return expr;
}

const specs = new Map<string, KernelSpec>();

/**
 * The kernel for one expression: a strided, broadcasting walk over `arity` operands, every size and
 * stride an argument (so one build serves every shape).
 */
function elementwiseSpec(name: string, arity: number, expr: string): KernelSpec {
  const key = `${name}|${expr}`;
  let spec = specs.get(key);
  if (!spec) {
    const operands = Array.from({ length: arity }, (_, j) => `x${j}`);
    const scalars = scalarCount(expr);
    const params = [...operands, 'walk', ...(scalars > 0 ? ['ps'] : [])].join(', ');
    const reads = [
      ...operands.map((x, j) => `const v${j} = ${x}[o${j}];`),
      ...scalarsUsed(expr).map((j) => `const p${j} = ps[${j}];`),
    ].join('\n');
    spec = {
      op: name,
      rank: 1,
      shapeClass: expr,
      source: `function (${params}) {\n${walkSource('o', 'this.thread.x + 0.0', 'walk', 0, arity)}\n${reads}\nreturn ${expr};\n}`,
    };
    specs.set(key, spec);
  }
  return spec;
}

/** The scalars `p0, p1, ...` an expression reads, by index. */
function scalarsUsed(expr: string): number[] {
  return [...new Set([...expr.matchAll(/\bp(\d+)\b/g)].map((m) => Number(m[1])))].sort((a, b) => a - b);
}

/** Length of the scalar table an expression needs (its highest `p<i>` plus one). */
function scalarCount(expr: string): number {
  return Math.max(0, ...scalarsUsed(expr).map((i) => i + 1));
}

/**
 * Runs elementwise kernel `name` over broadcast, arbitrarily strided inputs on `device` into a new
 * contiguous tensor of `dtype` on `device`. `scalars` are the expression's `p0, p1, ...`.
 */
export function runDeviceElementwise(
  device: GpuDevice,
  name: string,
  inputs: readonly Tensor[],
  dtype: DType,
  scalars: readonly number[] = [1],
): Tensor {
  return runDeviceExpression(
    device,
    name,
    converted(EXPRESSIONS[name]!, dtype, name),
    inputs,
    dtype,
    scalars,
  );
}

/**
 * Runs the kernel expression `expr` (over the operand values `v0, v1, ...` and the scalars `p0, ...`)
 * elementwise, as {@link runDeviceElementwise} does for the named kernels.
 */
export function runDeviceExpression(
  device: GpuDevice,
  name: string,
  expr: string,
  inputs: readonly Tensor[],
  dtype: DType,
  scalars: readonly number[] = [],
): Tensor {
  const shape = broadcastOf(inputs.map((t) => t.shape));
  const length = shapeSize(shape);
  if (length === 0) return gpuTensor(device, device.upload(new Float32Array(0)), shape, dtype);
  const walk = collapse(
    name,
    shape,
    inputs.map((t) => stridesFor(t, shape)),
  );
  const table = new Float32Array(walkTableLength(inputs.length));
  table.set(
    walkTable(
      walk.shape,
      walk.strides,
      inputs.map((t) => t.offset),
    ),
  );
  const spec = elementwiseSpec(name, inputs.length, expr);
  const used = scalarCount(expr);
  const args = [
    ...inputs.map((t) => dataOf(t, name)),
    table,
    ...(used > 0 ? [Float32Array.from(scalars.slice(0, used))] : []),
  ];
  return gpuTensor(device, device.launch(spec, length, args), shape, dtype);
}

function broadcastOf(shapes: readonly (readonly number[])[]): number[] {
  const ndim = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(ndim).fill(1);
  for (const s of shapes) {
    s.forEach((d, i) => {
      const at = ndim - s.length + i;
      if (d !== 1) out[at] = d;
    });
  }
  return out;
}

/** Registers the device's elementwise kernels; the op layer has validated shapes and chosen the dtype. */
export function registerElementwiseKernels(define: DefineGpuKernel): void {
  for (const spec of [...elementwiseSpecs, { name: 'cast' }]) {
    if (!(spec.name in EXPRESSIONS)) continue;
    define<{ dtype: DType; scalar?: number; scalar2?: number }>(spec.name, (inputs, attrs, device) =>
      runDeviceElementwise(device, spec.name, inputs, attrs.dtype, [attrs.scalar ?? 1, attrs.scalar2 ?? 0]),
    );
  }
}
