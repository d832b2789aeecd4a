import {
  type CatAttrs,
  type ConvAttrs,
  type ConvTransposeAttrs,
  type DimAttrs,
  type DimReduceAttrs,
  type DType,
  type ElementwiseAttrs,
  NNError,
  type OpName,
  type PadAttrs,
  type PoolAttrs,
  type ReduceAttrs,
  SELU_ALPHA,
  SELU_SCALE,
} from '@nn/tensor';
import { onnxDataType } from '../proto/tensor-proto';
import { scaledDotProductAttention } from './attention-exporter';
import { broadcastAxis, openShape, reducedAxis, reshapedAxis } from './batch-axis';
import type { ExportedOutput, OpContext, OpExporter } from './exporter-types';
import { GraphBuilder, type GraphValue } from './graph-builder';

export type { ExportedOutput, OpContext, OpExporter } from './exporter-types';

const ORDER: DType[] = ['bool', 'int32', 'float32', 'float64'];
const promoted = (values: readonly GraphValue[]): DType =>
  values.reduce<DType>((d, v) => (ORDER.indexOf(v.dtype) > ORDER.indexOf(d) ? v.dtype : d), 'bool');

/** One output with the broadcast batch axis of the inputs. */
const elementwiseOut = (c: OpContext, name: string): ExportedOutput[] => [
  { name, batchAxis: broadcastAxis(c.inputs, c.outputs[0]!.shape.length) },
];

/** The inputs cast to the op's result dtype (@nn promotes inside kernels; ONNX wants equal types). */
const castInputs = (c: OpContext): string[] => {
  const dtype = (c.attrs as unknown as ElementwiseAttrs).dtype;
  return c.inputs.map((v) => c.g.cast(v, dtype));
};

/** An elementwise op that is one ONNX op of the same arity. */
const direct =
  (opType: string): OpExporter =>
  (c) =>
    elementwiseOut(c, c.g.node1(opType, castInputs(c)));

/** A comparison or logical op: inputs promoted to one type, a bool result. */
const compare =
  (opType: string, negate = false): OpExporter =>
  (c) => {
    const dtype = opType === 'And' || opType === 'Or' || opType === 'Xor' ? 'bool' : promoted(c.inputs);
    const out = c.g.node1(
      opType,
      c.inputs.map((v) => c.g.cast(v, dtype)),
    );
    return elementwiseOut(c, negate ? c.g.node1('Not', [out]) : out);
  };

/** An elementwise op built from a few ONNX ops: `build(g, castInputs, dtype)` returns the result's name. */
const composed =
  (
    build: (
      g: GraphBuilder,
      x: string[],
      dtype: DType,
      scalar: number | undefined,
      scalar2: number | undefined,
    ) => string,
  ): OpExporter =>
  (c) => {
    const a = c.attrs as unknown as ElementwiseAttrs;
    return elementwiseOut(c, build(c.g, castInputs(c), a.dtype, a.scalar, a.scalar2));
  };

/** A unary op that is one ONNX op with float attributes computed from the op's numbers. */
const withFloats =
  (opType: string, floats: (scalar: number, scalar2: number) => Record<string, number>): OpExporter =>
  (c) => {
    const a = c.attrs as unknown as ElementwiseAttrs;
    const values = Object.entries(floats(a.scalar ?? 0, a.scalar2 ?? 0));
    const attrs = Object.fromEntries(values.map(([k, v]) => [k, { float: v }]));
    return elementwiseOut(c, c.g.node1(opType, castInputs(c), attrs));
  };

/** add/sub with `alpha`: `a op alpha * b`. */
const withAlpha =
  (opType: string): OpExporter =>
  (c) => {
    const a = c.attrs as unknown as ElementwiseAttrs;
    const [x, y] = castInputs(c) as [string, string];
    const scaled =
      a.scalar === undefined || a.scalar === 1 ? y : c.g.node1('Mul', [y, c.g.scalar(a.scalar, a.dtype)]);
    return elementwiseOut(c, c.g.node1(opType, [x, scaled]));
  };

/** A value whose batch axis stays where it is (conv, pooling, softmax, casts). */
const same = (c: OpContext, name: string): ExportedOutput[] => [{ name, batchAxis: c.inputs[0]!.batchAxis }];

const convAttrs = (a: ConvAttrs, rank2: boolean) => ({
  strides: rank2 ? [a.strideH, a.strideW] : [a.strideW],
  pads: [a.padTop, a.padLeft, a.padBottom, a.padRight],
  dilations: [a.dilationH, a.dilationW],
  group: a.groups,
});

/** The `ceil_mode` that gives the traced output size (PyTorch resolves it into `outputSize`). */
function ceilMode(inputSize: number, a: PoolAttrs, axis: 0 | 1): number {
  const span = inputSize + 2 * a.padding[axis] - a.dilation[axis] * (a.kernelSize[axis] - 1) - 1;
  return Math.floor(span / a.stride[axis]) + 1 === a.outputSize[axis] ? 0 : 1;
}

function poolAttrs(c: OpContext) {
  const a = c.attrs as unknown as PoolAttrs;
  const [, , h, w] = c.inputs[0]!.shape as [number, number, number, number];
  const ceil = Math.max(ceilMode(h, a, 0), ceilMode(w, a, 1));
  return {
    kernel_shape: [...a.kernelSize],
    strides: [...a.stride],
    pads: [a.padding[0], a.padding[1], a.padding[0], a.padding[1]],
    ceil_mode: ceil,
  };
}

/** Reduction axes: an attribute up to opset 17 (ReduceSum: input from 13), an input from 18. */
function reduce(c: OpContext, opType: string, dims: readonly number[], keepdim: boolean, x: string): string {
  const asInput = opType === 'ReduceSum' ? c.opset >= 13 : c.opset >= 18;
  return asInput
    ? c.g.node1(opType, [x, c.g.int64(dims)], { keepdims: keepdim ? 1 : 0 })
    : c.g.node1(opType, [x], { axes: [...dims], keepdims: keepdim ? 1 : 0 });
}

const reduction =
  (opType: string): OpExporter =>
  (c) => {
    const a = c.attrs as unknown as ReduceAttrs & { dtype?: DType };
    const x = a.dtype ? c.g.cast(c.inputs[0]!, a.dtype) : c.inputs[0]!.name;
    const dims = a.dims.length === 0 ? c.inputs[0]!.shape.map((_, i) => i) : a.dims;
    return [
      {
        name: reduce(c, opType, dims, a.keepdim, x),
        batchAxis: reducedAxis(c.inputs[0]!.batchAxis, dims, a.keepdim),
      },
    ];
  };

/** max/min along a dim: values and int32 indices. */
const dimReduction =
  (reduceType: string, argType: string): OpExporter =>
  (c) => {
    const a = c.attrs as unknown as DimReduceAttrs;
    const x = c.inputs[0]!;
    const axis = reducedAxis(x.batchAxis, [a.dim], a.keepdim);
    const values = reduce(c, reduceType, [a.dim], a.keepdim, x.name);
    const indices = c.g.node1(argType, [x.name], { axis: a.dim, keepdims: a.keepdim ? 1 : 0 });
    return [
      { name: values, batchAxis: axis },
      { name: c.g.node1('Cast', [indices], { to: onnxDataType('int32') }), batchAxis: axis },
    ];
  };

const argReduction =
  (argType: string): OpExporter =>
  (c) => {
    const a = c.attrs as { dim: number | null; keepdim: boolean };
    const x = c.inputs[0]!;
    const flat = a.dim === null ? c.g.node1('Reshape', [x.name, c.g.int64([-1])]) : x.name;
    const dim = a.dim ?? 0;
    const out = c.g.node1(argType, [flat], { axis: dim, keepdims: a.keepdim ? 1 : 0 });
    const axis = a.dim === null ? null : reducedAxis(x.batchAxis, [dim], a.keepdim);
    return [{ name: c.g.node1('Cast', [out], { to: onnxDataType('int32') }), batchAxis: axis }];
  };

const LN2 = Math.LN2;

/** ONNX ops for every @nn op that has a mapping, by op name (typed by the op table: no stale names). */
export const opExporters: Partial<Record<OpName, OpExporter>> = {
  // ---- elementwise ----
  neg: direct('Neg'),
  abs: direct('Abs'),
  sign: direct('Sign'),
  exp: direct('Exp'),
  log: direct('Log'),
  sqrt: direct('Sqrt'),
  reciprocal: direct('Reciprocal'),
  sin: direct('Sin'),
  cos: direct('Cos'),
  tan: direct('Tan'),
  tanh: direct('Tanh'),
  sigmoid: direct('Sigmoid'),
  relu: direct('Relu'),
  erf: direct('Erf'),
  asin: direct('Asin'),
  acos: direct('Acos'),
  atan: direct('Atan'),
  asinh: direct('Asinh'),
  acosh: direct('Acosh'),
  atanh: direct('Atanh'),
  floor: direct('Floor'),
  ceil: direct('Ceil'),
  round: direct('Round'),
  mul: direct('Mul'),
  div: direct('Div'),
  pow: direct('Pow'),
  minimum: direct('Min'),
  maximum: direct('Max'),
  fmod: composed((g, [x, y]) => g.node1('Mod', [x!, y!], { fmod: 1 })),
  softsign: direct('Softsign'),
  hardswish: direct('HardSwish'),
  hardsigmoid: withFloats('HardSigmoid', () => ({ alpha: 1 / 6, beta: 0.5 })),
  celu: withFloats('Celu', (alpha) => ({ alpha })),
  leakyRelu: withFloats('LeakyRelu', (alpha) => ({ alpha })),
  elu: withFloats('Elu', (alpha) => ({ alpha })),
  selu: withFloats('Selu', () => ({ alpha: SELU_ALPHA, gamma: SELU_SCALE })),
  hardshrink: withFloats('Shrink', (lambd) => ({ lambd, bias: 0 })),
  softshrink: withFloats('Shrink', (lambd) => ({ lambd, bias: lambd })),
  hardtanh: composed((g, [x], dtype, lo = -1, hi = 1) =>
    g.node1('Clip', [x!, g.scalar(lo, dtype), g.scalar(hi, dtype)]),
  ),
  threshold: composed((g, [x], dtype, threshold = 0, value = 0) =>
    g.node1('Where', [g.node1('LessOrEqual', [x!, g.scalar(threshold, dtype)]), g.scalar(value, dtype), x!]),
  ),
  tanhshrink: composed((g, [x]) => g.node1('Sub', [x!, g.node1('Tanh', [x!])])),
  // 0.5 x (1 + erf(x / sqrt 2)), or the tanh approximation (form 1); ONNX's own Gelu needs opset 20
  gelu: composed((g, [x], dtype, form = 0) => {
    const mul = (a: string, b: string) => g.node1('Mul', [a, b]);
    const inner =
      form === 0
        ? g.node1('Erf', [mul(x!, g.scalar(Math.SQRT1_2, dtype))])
        : g.node1('Tanh', [
            mul(
              g.node1('Add', [x!, mul(mul(mul(x!, x!), x!), g.scalar(0.044715, dtype))]),
              g.scalar(Math.sqrt(2 / Math.PI), dtype),
            ),
          ]);
    return mul(mul(x!, g.scalar(0.5, dtype)), g.node1('Add', [inner, g.scalar(1, dtype)]));
  }),
  logsigmoid: composed((g, [x]) => g.node1('Neg', [g.node1('Softplus', [g.node1('Neg', [x!])])])),
  silu: composed((g, [x]) => g.node1('Mul', [x!, g.node1('Sigmoid', [x!])])),
  mish: composed((g, [x]) => g.node1('Mul', [x!, g.node1('Tanh', [g.node1('Softplus', [x!])])])),
  // ONNX's Softplus has no beta or threshold: log(1 + exp(beta x)) / beta, with x where beta x > threshold
  softplus: composed((g, [x], dtype, beta = 1, threshold = 20) => {
    const scaled = beta === 1 ? x! : g.node1('Mul', [x!, g.scalar(beta, dtype)]);
    const smooth = g.node1('Softplus', [scaled]);
    const divided = beta === 1 ? smooth : g.node1('Div', [smooth, g.scalar(beta, dtype)]);
    return g.node1('Where', [g.node1('Greater', [scaled, g.scalar(threshold, dtype)]), x!, divided]);
  }),
  rsqrt: composed((g, [x]) => g.node1('Reciprocal', [g.node1('Sqrt', [x!])])),
  square: composed((g, [x]) => g.node1('Mul', [x!, x!])),
  expm1: composed((g, [x], dtype) => g.node1('Sub', [g.node1('Exp', [x!]), g.scalar(1, dtype)])),
  log1p: composed((g, [x], dtype) => g.node1('Log', [g.node1('Add', [x!, g.scalar(1, dtype)])])),
  exp2: composed((g, [x], dtype) => g.node1('Pow', [g.scalar(2, dtype), x!])),
  log2: composed((g, [x], dtype) => g.node1('Div', [g.node1('Log', [x!]), g.scalar(LN2, dtype)])),
  lerp: composed((g, [s, e, w]) => g.node1('Add', [s!, g.node1('Mul', [w!, g.node1('Sub', [e!, s!])])])),
  addcmul: composed((g, [x, a, b], dtype, v = 1) =>
    g.node1('Add', [x!, g.node1('Mul', [g.node1('Mul', [a!, b!]), g.scalar(v, dtype)])]),
  ),
  addcdiv: composed((g, [x, a, b], dtype, v = 1) =>
    g.node1('Add', [x!, g.node1('Mul', [g.node1('Div', [a!, b!]), g.scalar(v, dtype)])]),
  ),
  add: withAlpha('Add'),
  sub: withAlpha('Sub'),
  isnan: compare('IsNaN'),
  logicalNot: (c) => elementwiseOut(c, c.g.node1('Not', [c.g.cast(c.inputs[0]!, 'bool')])),
  eq: compare('Equal'),
  ne: compare('Equal', true),
  lt: compare('Less'),
  le: compare('LessOrEqual'),
  gt: compare('Greater'),
  ge: compare('GreaterOrEqual'),
  logicalAnd: compare('And'),
  logicalOr: compare('Or'),
  logicalXor: compare('Xor'),
  where: (c) => {
    const dtype = (c.attrs as unknown as ElementwiseAttrs).dtype;
    const [cond, x, y] = c.inputs as [GraphValue, GraphValue, GraphValue];
    return elementwiseOut(
      c,
      c.g.node1('Where', [c.g.cast(cond, 'bool'), c.g.cast(x, dtype), c.g.cast(y, dtype)]),
    );
  },
  clamp: (c) => {
    // Missing bounds arrive as infinite scalars; Clip takes an empty name for "none".
    const dtype = (c.attrs as unknown as ElementwiseAttrs).dtype;
    const [x, lo, hi] = c.inputs as [GraphValue, GraphValue, GraphValue];
    const bound = (v: GraphValue, i: number) => {
      const t = c.tensors[i]!;
      return t.numel() === 1 && !Number.isFinite(t.item() as number) ? '' : c.g.cast(v, dtype);
    };
    return elementwiseOut(c, c.g.node1('Clip', [c.g.cast(x, dtype), bound(lo, 1), bound(hi, 2)]));
  },
  cast: (c) => same(c, c.g.cast(c.inputs[0]!, (c.attrs as { dtype: DType }).dtype)),
  clone: (c) => same(c, c.g.node1('Identity', [c.inputs[0]!.name])),

  // ---- views and shapes ----
  view: (c) => {
    const x = c.inputs[0]!;
    const shape = (c.attrs as { shape: number[] }).shape;
    const axis = reshapedAxis(x, shape);
    if (x.batchAxis !== null && axis === null) {
      throw new NNError(
        'exportOnnx',
        `view/reshape [${x.shape.join(',')}] -> [${shape.join(',')}] mixes the batch axis (${x.batchAxis}) ` +
          'with the dims before it, so it cannot be written for any batch size; export with dynamicBatch: false',
      );
    }
    return [{ name: c.g.node1('Reshape', [x.name, c.g.int64(openShape(shape, axis))]), batchAxis: axis }];
  },
  permute: (c) => {
    const dims = (c.attrs as { dims: number[] }).dims;
    const x = c.inputs[0]!;
    const axis = x.batchAxis === null ? null : dims.indexOf(x.batchAxis);
    return [{ name: c.g.node1('Transpose', [x.name], { perm: [...dims] }), batchAxis: axis }];
  },
  expand: (c) => {
    const x = c.inputs[0]!;
    const shape = (c.attrs as { shape: number[] }).shape;
    const axis = broadcastAxis([x], shape.length);
    // Expand broadcasts both ways: 1 on the batch axis keeps the input's own (any) size.
    const target = shape.map((d, i) => (i === axis ? 1 : d));
    return [{ name: c.g.node1('Expand', [x.name, c.g.int64(target)]), batchAxis: axis }];
  },
  slice: (c) => {
    const a = c.attrs as { dim: number; start: number; length: number; step: number };
    const x = c.inputs[0]!;
    const whole = a.start === 0 && a.step === 1 && a.length === x.shape[a.dim];
    const end = whole ? Number.MAX_SAFE_INTEGER : a.start + (a.length - 1) * a.step + 1;
    const axis = x.batchAxis === a.dim && !whole ? null : x.batchAxis;
    const name = c.g.node1('Slice', [
      x.name,
      c.g.int64([a.start]),
      c.g.int64([end]),
      c.g.int64([a.dim]),
      c.g.int64([a.step]),
    ]);
    return [{ name, batchAxis: axis }];
  },
  select: (c) => {
    const a = c.attrs as { dim: number; index: number };
    const x = c.inputs[0]!;
    const axis = reducedAxis(x.batchAxis, [a.dim], false);
    return [
      { name: c.g.node1('Gather', [x.name, c.g.int64([a.index], true)], { axis: a.dim }), batchAxis: axis },
    ];
  },
  cat: (c) => {
    const a = c.attrs as unknown as CatAttrs;
    const axis = c.inputs.find((v) => v.batchAxis !== null)?.batchAxis ?? null;
    const name = c.g.node1(
      'Concat',
      c.inputs.map((v) => c.g.cast(v, a.dtype)),
      { axis: a.dim },
    );
    return [{ name, batchAxis: axis }];
  },
  pad: (c) => {
    const a = c.attrs as unknown as PadAttrs;
    const modes: Record<string, string> = { constant: 'constant', reflect: 'reflect', replicate: 'edge' };
    const mode = modes[a.mode];
    if (!mode)
      throw new NNError(
        'exportOnnx',
        `pad: mode '${a.mode}' has no ONNX mapping (constant, reflect, replicate do)`,
      );
    const x = c.inputs[0]!;
    const inputs = [x.name, c.g.int64([...a.before, ...a.after])];
    if (a.mode === 'constant') inputs.push(c.g.scalar(a.value, x.dtype));
    return same(c, c.g.node1('Pad', inputs, { mode }));
  },

  // ---- linear algebra, convolution, pooling ----
  matmul: (c) => {
    const [a, b] = c.inputs as [GraphValue, GraphValue];
    const rank = c.outputs[0]!.shape.length;
    const axis =
      a.batchAxis !== null && a.batchAxis < a.shape.length - 1
        ? a.batchAxis
        : b.batchAxis === b.shape.length - 1
          ? rank - 1
          : b.batchAxis !== null && b.batchAxis < b.shape.length - 2
            ? b.batchAxis
            : null;
    return [{ name: c.g.node1('MatMul', [a.name, b.name]), batchAxis: axis }];
  },
  // The op's input is 2-d (linear() folds leading dims into rows first): one Gemm, as torch exports F.linear.
  linear: (c) =>
    same(
      c,
      c.g.node1(
        'Gemm',
        c.inputs.map((v) => v.name),
        { transB: 1 },
      ),
    ),
  conv2d: (c) =>
    same(
      c,
      c.g.node1(
        'Conv',
        c.inputs.map((v) => v.name),
        convAttrs(c.attrs as unknown as ConvAttrs, true),
      ),
    ),
  convTranspose2d: (c) => {
    const a = c.attrs as unknown as ConvTransposeAttrs;
    return same(
      c,
      c.g.node1(
        'ConvTranspose',
        c.inputs.map((v) => v.name),
        { ...convAttrs(a, true), output_padding: [a.outputPaddingH, a.outputPaddingW] },
      ),
    );
  },
  maxPool2d: (c) => {
    const a = c.attrs as unknown as PoolAttrs;
    const name = c.g.node1('MaxPool', [c.inputs[0]!.name], { ...poolAttrs(c), dilations: [...a.dilation] });
    return [...same(c, name), GraphBuilder.unusable('maxPool2d', 'indices')];
  },
  avgPool2d: (c) => {
    const a = c.attrs as unknown as PoolAttrs;
    if (a.divisorOverride !== undefined) {
      throw new NNError(
        'exportOnnx',
        'avgPool2d: divisorOverride has no ONNX mapping (AveragePool divides by the window)',
      );
    }
    const name = c.g.node1('AveragePool', [c.inputs[0]!.name], {
      ...poolAttrs(c),
      count_include_pad: a.countIncludePad === false ? 0 : 1,
    });
    return same(c, name);
  },
  adaptiveAvgPool2d: (c) => {
    const [oh, ow] = (c.attrs as { outputSize: [number, number] }).outputSize;
    const x = c.inputs[0]!;
    const [, , h, w] = x.shape as [number, number, number, number];
    if (oh === 1 && ow === 1) return same(c, c.g.node1('GlobalAveragePool', [x.name]));
    if (h % oh !== 0 || w % ow !== 0) {
      throw new NNError(
        'exportOnnx',
        `adaptiveAvgPool2d: output size [${oh},${ow}] does not divide input [${h},${w}]: its uneven windows ` +
          'have no ONNX mapping (use an input size divisible by the output size)',
      );
    }
    const k = [h / oh, w / ow];
    return same(c, c.g.node1('AveragePool', [x.name], { kernel_shape: k, strides: k }));
  },
  softmax: (c) =>
    same(c, c.g.node1('Softmax', [c.inputs[0]!.name], { axis: (c.attrs as unknown as DimAttrs).dim })),
  logSoftmax: (c) =>
    same(c, c.g.node1('LogSoftmax', [c.inputs[0]!.name], { axis: (c.attrs as unknown as DimAttrs).dim })),

  // ---- reductions ----
  sum: reduction('ReduceSum'),
  mean: reduction('ReduceMean'),
  prod: reduction('ReduceProd'),
  amax: reduction('ReduceMax'),
  amin: reduction('ReduceMin'),
  max: dimReduction('ReduceMax', 'ArgMax'),
  min: dimReduction('ReduceMin', 'ArgMin'),
  argmax: argReduction('ArgMax'),
  argmin: argReduction('ArgMin'),

  // ---- indexing ----
  indexSelect: (c) => {
    const dim = (c.attrs as unknown as DimAttrs).dim;
    const [x, index] = c.inputs as [GraphValue, GraphValue];
    const axis = index.batchAxis !== null ? dim : x.batchAxis === dim ? null : x.batchAxis;
    return [{ name: c.g.node1('Gather', [x.name, index.name], { axis: dim }), batchAxis: axis }];
  },
  gather: (c) => {
    const dim = (c.attrs as unknown as DimAttrs).dim;
    const [x, index] = c.inputs as [GraphValue, GraphValue];
    return [
      { name: c.g.node1('GatherElements', [x.name, index.name], { axis: dim }), batchAxis: index.batchAxis },
    ];
  },

  // ---- attention ----
  scaledDotProductAttention,
};
