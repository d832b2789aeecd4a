import { allocate, type DType } from '../dtype';
import { elementwiseSpecs } from '../ops/elementwise-specs';
import { registerKernel } from '../registry';
import { broadcastShapes, broadcastStrides, shapeSize } from '../shape';
import { Tensor } from '../tensor';
import { erf, floorDivide, lerp, remainder, roundHalfEven } from './scalar-math';
import { compileLoop } from './strided-loop';

const helpers = { erf, floorDivide, lerp, remainder, roundHalfEven };

/** The arithmetic of each elementwise kernel as a JS expression over x0..x2 (inputs) and p0 (alpha/value). */
const expressions: Record<string, string | ((dtype: DType) => string)> = {
  neg: '-x0',
  abs: 'Math.abs(x0)',
  sign: '(x0 > 0 ? 1 : x0 < 0 ? -1 : x0)',
  exp: 'Math.exp(x0)',
  exp2: 'Math.pow(2, x0)',
  log: 'Math.log(x0)',
  log2: 'Math.log2(x0)',
  log1p: 'Math.log1p(x0)',
  expm1: 'Math.expm1(x0)',
  sqrt: 'Math.sqrt(x0)',
  rsqrt: '1 / Math.sqrt(x0)',
  square: (dtype) => (dtype === 'int32' ? 'Math.imul(x0, x0)' : 'x0 * x0'),
  reciprocal: '1 / x0',
  sin: 'Math.sin(x0)',
  cos: 'Math.cos(x0)',
  tan: 'Math.tan(x0)',
  tanh: 'Math.tanh(x0)',
  sigmoid: '1 / (1 + Math.exp(-x0))',
  relu: '(x0 > 0 ? x0 : x0 === x0 ? 0 : x0)',
  erf: 'erf(x0)',
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
  truncDivide: 'Math.trunc(x0 / x1)',
  pow: 'Math.pow(x0, x1)',
  remainder: 'remainder(x0, x1)',
  fmod: 'x0 % x1',
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
};

/** Attributes every elementwise kernel receives; the op layer has already decided the result dtype. */
export interface ElementwiseAttrs {
  dtype: DType;
  /** `alpha` of add/sub, `value` of addcmul/addcdiv. */
  scalar?: number;
}

/** Runs an elementwise expression over broadcast, arbitrarily strided inputs into a new contiguous tensor. */
export function runElementwise(
  name: string,
  expr: string,
  inputs: readonly Tensor[],
  attrs: ElementwiseAttrs,
): Tensor {
  const shape = broadcastShapes(name, ...inputs.map((t) => t.shape));
  const out = allocate(attrs.dtype, shapeSize(shape));
  // Bool results of arithmetic (bool + bool) are logical: anything non-zero is true.
  const body = attrs.dtype === 'bool' && !expr.includes('? 1 : 0') ? `((${expr}) !== 0 ? 1 : 0)` : expr;
  const loop = compileLoop(inputs.length, body, helpers);
  loop(
    out,
    inputs.map((t) => t.storage.data as Float64Array),
    inputs.map((t) => t.offset),
    inputs.map((t) => broadcastStrides(t.shape, t.strides, shape)),
    shape,
    [attrs.scalar ?? 1],
  );
  return Tensor.fromArray(out, shape, attrs.dtype);
}

/** Registers the CPU implementation of every elementwise kernel (and `cast`). */
export function registerCpuElementwise(): void {
  for (const spec of [...elementwiseSpecs, { name: 'cast' }]) {
    const expression = expressions[spec.name];
    if (expression === undefined)
      throw new Error(`cpu backend: no expression for elementwise kernel ${spec.name}`);
    registerKernel<ElementwiseAttrs>(spec.name, 'cpu', (inputs, attrs) => {
      // Integer-specific arithmetic applies when the computation itself is on integers.
      const computeType = inputs.every((t) => t.dtype === 'int32' || t.dtype === 'bool')
        ? 'int32'
        : attrs.dtype;
      const expr = typeof expression === 'string' ? expression : expression(computeType);
      return runElementwise(spec.name, expr, inputs, attrs);
    });
  }
}
