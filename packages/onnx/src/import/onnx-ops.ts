import { F } from '@nn/nn';
import {
  adaptiveAvgPool2d,
  avgPool2d,
  cat,
  type DType,
  full,
  maxPool2d,
  pad,
  type Tensor,
  tensor,
  ValueError,
  where,
} from '@nn/tensor';
import { OnnxDataType } from '../proto/onnx-schema';
import { nnDtype } from '../proto/tensor-proto';
import type { OnnxOp, OpCall } from './onnx-op';
import { recurrentOps } from './recurrent-ops';

export type { OnnxOp, OpCall } from './onnx-op';

const fail = (c: OpCall, message: string): never => {
  throw new ValueError('importOnnx', `${c.where}: ${message}`);
};

/** The values of an int tensor input (shapes, axes, pads), as numbers. */
const ints = (t: Tensor | undefined): number[] =>
  t ? Array.from(t.dataSync() as ArrayLike<number>, Number) : [];

const input = (c: OpCall, i: number): Tensor => c.inputs[i] ?? fail(c, `input ${i} is required`);

const norm = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

const unary =
  (fn: (x: Tensor) => Tensor): OnnxOp =>
  (c) =>
    fn(input(c, 0));
const binary =
  (fn: (x: Tensor, y: Tensor) => Tensor): OnnxOp =>
  (c) =>
    fn(input(c, 0), input(c, 1));
/** Min/Max/Sum/Mean take any number of inputs. */
const variadic =
  (fn: (x: Tensor, y: Tensor) => Tensor): OnnxOp =>
  (c) =>
    (c.inputs as Tensor[]).reduce((acc, t) => fn(acc, t));

/** Reduction axes: an input (ReduceSum from opset 13, the others from 18) or the `axes` attribute. */
function reduceAxes(c: OpCall, axesAsInput: boolean): number[] | undefined {
  const axes = axesAsInput ? ints(c.inputs[1]) : c.a.ints('axes', []);
  if (axes.length > 0) return axes;
  return c.a.int('noop_with_empty_axes', 0) === 1 ? [] : undefined;
}

const reduction =
  (fn: (x: Tensor, dims: number[], keepdim: boolean) => Tensor, inputFrom: number): OnnxOp =>
  (c) => {
    const x = input(c, 0);
    const axes = reduceAxes(c, c.opset >= inputFrom);
    if (axes?.length === 0) return x;
    const dims = (axes ?? x.shape.map((_, i) => i)).map((d) => norm(d, x.ndim));
    return fn(x, dims, c.a.int('keepdims', 1) === 1);
  };

/** ONNX pads `[x1_begin, x2_begin, ..., x1_end, x2_end]` of the spatial dims as symmetric sizes, or an error. */
function symmetricPads(c: OpCall, spatial: number): number[] {
  if (c.a.string('auto_pad', 'NOTSET') !== 'NOTSET') {
    fail(c, `auto_pad '${c.a.string('auto_pad')}' is not supported; export the model with explicit pads`);
  }
  const pads = c.a.ints('pads', new Array<number>(2 * spatial).fill(0));
  const begin = pads.slice(0, spatial);
  const end = pads.slice(spatial);
  return begin.every((p, i) => p === end[i]) ? begin : [];
}

/** The input padded explicitly (asymmetric pads), then the op runs without padding. */
function withPads(c: OpCall, x: Tensor, spatial: number, value: number): { x: Tensor; padding: number[] } {
  const symmetric = symmetricPads(c, spatial);
  if (symmetric.length > 0) return { x, padding: symmetric };
  const pads = c.a.ints('pads');
  const torchPads: number[] = [];
  for (let d = spatial - 1; d >= 0; d--) torchPads.push(pads[d]!, pads[spatial + d]!);
  return { x: pad(x, torchPads, 'constant', value), padding: new Array<number>(spatial).fill(0) };
}

function conv(c: OpCall): Tensor {
  const weight = input(c, 1);
  const bias = c.inputs[2];
  const spatial = weight.ndim - 2;
  if (spatial !== 1 && spatial !== 2)
    fail(c, `only 1-d and 2-d convolutions are supported, got a ${spatial}-d kernel`);
  const { x, padding } = withPads(c, input(c, 0), spatial, 0);
  const ones = new Array<number>(spatial).fill(1);
  const options = {
    stride: c.a.ints('strides', ones),
    dilation: c.a.ints('dilations', ones),
    groups: c.a.int('group', 1),
  };
  if (spatial === 1) {
    return F.conv1d(x, weight, bias, {
      ...options,
      stride: options.stride[0]!,
      dilation: options.dilation[0]!,
      padding: padding[0]!,
    });
  }
  return F.conv2d(x, weight, bias, {
    stride: options.stride as [number, number],
    dilation: options.dilation as [number, number],
    groups: options.groups,
    padding: padding as [number, number],
  });
}

function convTranspose(c: OpCall): Tensor {
  const weight = input(c, 1);
  if (weight.ndim !== 4)
    fail(c, `only 2-d transposed convolutions are supported, got a ${weight.ndim - 2}-d kernel`);
  if (c.a.has('output_shape'))
    fail(c, "attribute 'output_shape' is not supported; give pads and output_padding");
  const padding = symmetricPads(c, 2);
  if (padding.length === 0) fail(c, 'asymmetric pads are not supported for ConvTranspose');
  return F.convTranspose2d(input(c, 0), weight, c.inputs[2], {
    stride: c.a.ints('strides', [1, 1]) as [number, number],
    padding: padding as [number, number],
    outputPadding: c.a.ints('output_padding', [0, 0]) as [number, number],
    dilation: c.a.ints('dilations', [1, 1]) as [number, number],
    groups: c.a.int('group', 1),
  });
}

function pool(c: OpCall, kind: 'max' | 'avg'): Tensor {
  const kernel = c.a.ints('kernel_shape');
  if (kernel.length !== 2) fail(c, `only 2-d pooling is supported, got kernel_shape [${kernel.join(',')}]`);
  if (kind === 'max' && c.a.int('storage_order', 0) !== 0) fail(c, 'storage_order 1 is not supported');
  const padding = symmetricPads(c, 2);
  if (padding.length === 0) fail(c, 'asymmetric pads are not supported for pooling');
  const options = {
    stride: c.a.ints('strides', [1, 1]) as [number, number],
    padding: padding as [number, number],
    ceilMode: c.a.int('ceil_mode', 0) === 1,
  };
  if (kind === 'max') {
    return maxPool2d(input(c, 0), kernel as [number, number], {
      ...options,
      dilation: c.a.ints('dilations', [1, 1]) as [number, number],
    });
  }
  return avgPool2d(input(c, 0), kernel as [number, number], {
    ...options,
    countIncludePad: c.a.int('count_include_pad', 0) === 1,
  });
}

/** Softmax-like ops: along `axis` from opset 13, over the dims from `axis` on (as 2-d) before it. */
const alongAxis =
  (fn: (x: Tensor, dim: number) => Tensor): OnnxOp =>
  (c) => {
    const x = input(c, 0);
    if (c.opset >= 13) return fn(x, norm(c.a.int('axis', -1), x.ndim));
    const axis = norm(c.a.int('axis', 1), x.ndim);
    const rows = x.shape.slice(0, axis).reduce((p, d) => p * d, 1);
    return fn(x.reshape([rows, -1]), 1).reshape(x.shape);
  };

/** ONNX Reshape's target: 0 copies the input's dim (allowzero 0), one -1 is inferred. */
function reshapeTarget(c: OpCall, x: Tensor, shape: number[]): number[] {
  if (c.a.int('allowzero', 0) === 1 && shape.includes(0))
    fail(c, 'allowzero 1 with a 0 in the shape is not supported');
  return shape.map((d, i) => (d === 0 ? x.shape[i]! : d));
}

function gather(c: OpCall): Tensor {
  const x = input(c, 0);
  const index = input(c, 1);
  const axis = norm(c.a.int('axis', 0), x.ndim);
  const size = x.shape[axis]!;
  const positive = where(index.lt(0), index.add(size), index).to('int32');
  if (positive.ndim === 0) return x.select(axis, positive.item() as number);
  const picked = x.indexSelect(axis, positive.reshape([-1]));
  return picked.reshape([...x.shape.slice(0, axis), ...index.shape, ...x.shape.slice(axis + 1)]);
}

function slice(c: OpCall): Tensor {
  let x = input(c, 0);
  const starts = ints(c.inputs[1]);
  const ends = ints(c.inputs[2]);
  const axes = c.inputs[3] ? ints(c.inputs[3]) : starts.map((_, i) => i);
  const steps = c.inputs[4] ? ints(c.inputs[4]) : starts.map(() => 1);
  axes.forEach((axis, i) => {
    const dim = norm(axis, x.ndim);
    const n = x.shape[dim]!;
    if (steps[i]! <= 0) fail(c, `negative or zero steps are not supported, got ${steps[i]}`);
    const clampTo = (v: number) => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
    const start = clampTo(starts[i]!);
    const end = Math.max(clampTo(ends[i]!), start);
    x = x.slice(dim, start, end, steps[i]!);
  });
  return x;
}

function padOp(c: OpCall): Tensor {
  const x = input(c, 0);
  const pads = c.opset >= 11 ? ints(c.inputs[1]) : c.a.ints('pads');
  const value = c.opset >= 11 ? (c.inputs[2] ? (c.inputs[2].item() as number) : 0) : c.a.float('value', 0);
  const modes: Record<string, 'constant' | 'reflect' | 'replicate'> = {
    constant: 'constant',
    reflect: 'reflect',
    edge: 'replicate',
  };
  const mode =
    modes[c.a.string('mode', 'constant')] ?? fail(c, `mode '${c.a.string('mode')}' is not supported`);
  const torchPads: number[] = [];
  for (let d = x.ndim - 1; d >= 0; d--) torchPads.push(pads[d]!, pads[x.ndim + d]!);
  return pad(x, torchPads, mode, value);
}

function castTo(c: OpCall): Tensor {
  const to = c.a.int('to');
  const dtype: DType = to === OnnxDataType.INT64 ? 'int32' : nnDtype(to, c.where);
  return input(c, 0).to(dtype);
}

function constant(c: OpCall): Tensor {
  if (c.a.has('value')) return c.a.tensor('value');
  if (c.a.has('value_float')) return tensor(c.a.float('value_float'));
  if (c.a.has('value_int')) return tensor(c.a.int('value_int'), { dtype: 'int32' });
  if (c.a.has('value_ints')) return tensor(c.a.ints('value_ints'), { dtype: 'int32' });
  return fail(c, 'only value, value_float, value_int and value_ints constants are supported');
}

function gemm(c: OpCall): Tensor {
  let a = input(c, 0);
  let b = input(c, 1);
  if (c.a.int('transA', 0) === 1) a = a.t();
  if (c.a.int('transB', 0) === 1) b = b.t();
  const alpha = c.a.float('alpha', 1);
  const beta = c.a.float('beta', 1);
  let y = a.matmul(b);
  if (alpha !== 1) y = y.mul(alpha);
  const bias = c.inputs[2];
  if (bias) y = y.add(beta === 1 ? bias : bias.mul(beta));
  return y;
}

function clip(c: OpCall): Tensor {
  const x = input(c, 0);
  const lo = c.opset >= 11 ? c.inputs[1] : c.a.has('min') ? tensor(c.a.float('min')) : undefined;
  const hi = c.opset >= 11 ? c.inputs[2] : c.a.has('max') ? tensor(c.a.float('max')) : undefined;
  if (!lo && !hi) return x;
  return x.clamp(lo?.item() as number | undefined, hi?.item() as number | undefined);
}

function unsqueeze(c: OpCall): Tensor {
  let x = input(c, 0);
  const axes = c.opset >= 13 ? ints(c.inputs[1]) : c.a.ints('axes');
  const rank = x.ndim + axes.length;
  for (const axis of axes.map((a) => norm(a, rank)).sort((p, q) => p - q)) x = x.unsqueeze(axis);
  return x;
}

function squeeze(c: OpCall): Tensor {
  const x = input(c, 0);
  const axes = c.opset >= 13 ? ints(c.inputs[1]) : c.a.ints('axes', []);
  return axes.length === 0 ? x.squeeze() : x.squeeze(axes.map((a) => norm(a, x.ndim)));
}

function shape(c: OpCall): Tensor {
  const dims = input(c, 0).shape;
  const start = norm(c.a.int('start', 0), dims.length);
  const end = c.a.has('end') ? norm(c.a.int('end'), dims.length) : dims.length;
  return tensor(dims.slice(start, end), { dtype: 'int32' });
}

function layerNormalization(c: OpCall): Tensor {
  const x = input(c, 0);
  const axis = norm(c.a.int('axis', -1), x.ndim);
  return F.layerNorm(x, x.shape.slice(axis), input(c, 1), c.inputs[2], c.a.float('epsilon', 1e-5));
}

function batchNormalization(c: OpCall): Tensor {
  if (c.a.int('training_mode', 0) === 1)
    fail(c, 'training_mode 1 is not supported (import runs inference statistics)');
  return F.batchNorm(input(c, 0), input(c, 3), input(c, 4), {
    weight: input(c, 1),
    bias: input(c, 2),
    eps: c.a.float('epsilon', 1e-5),
  });
}

function argReduce(c: OpCall, largest: boolean): Tensor {
  if (c.a.int('select_last_index', 0) === 1) fail(c, 'select_last_index 1 is not supported');
  const x = input(c, 0);
  const dim = norm(c.a.int('axis', 0), x.ndim);
  const keepdim = c.a.int('keepdims', 1) === 1;
  return largest ? x.argmax(dim, { keepdim }) : x.argmin(dim, { keepdim });
}

function flatten(c: OpCall): Tensor {
  const x = input(c, 0);
  const axis = norm(c.a.int('axis', 1), x.ndim);
  const rows = x.shape.slice(0, axis).reduce((p, d) => p * d, 1);
  return x.reshape([rows, -1]);
}

/** The ONNX ops importOnnx runs, by op type (default domain). */
export const onnxOps: Record<string, OnnxOp> = {
  Identity: unary((x) => x),
  Dropout: (c) => input(c, 0), // inference: identity (its optional mask output is not supported)
  Constant: constant,
  Cast: castTo,
  Add: binary((x, y) => x.add(y)),
  Sub: binary((x, y) => x.sub(y)),
  Mul: binary((x, y) => x.mul(y)),
  Div: binary((x, y) => x.div(y)),
  Pow: binary((x, y) => x.pow(y)),
  Mod: (c) => (c.a.int('fmod', 0) === 1 ? input(c, 0).fmod(input(c, 1)) : input(c, 0).remainder(input(c, 1))),
  Neg: unary((x) => x.neg()),
  Abs: unary((x) => x.abs()),
  Sign: unary((x) => x.sign()),
  Exp: unary((x) => x.exp()),
  Log: unary((x) => x.log()),
  Sqrt: unary((x) => x.sqrt()),
  Reciprocal: unary((x) => x.reciprocal()),
  Sin: unary((x) => x.sin()),
  Cos: unary((x) => x.cos()),
  Tan: unary((x) => x.tan()),
  Asin: unary((x) => x.asin()),
  Acos: unary((x) => x.acos()),
  Atan: unary((x) => x.atan()),
  Asinh: unary((x) => x.asinh()),
  Acosh: unary((x) => x.acosh()),
  Atanh: unary((x) => x.atanh()),
  Tanh: unary((x) => x.tanh()),
  Sigmoid: unary((x) => x.sigmoid()),
  Relu: unary((x) => x.relu()),
  Erf: unary((x) => x.erf()),
  Floor: unary((x) => x.floor()),
  Ceil: unary((x) => x.ceil()),
  Round: unary((x) => x.round()),
  IsNaN: unary((x) => x.isnan()),
  Not: unary((x) => x.logicalNot()),
  LeakyRelu: (c) => F.leakyRelu(input(c, 0), c.a.float('alpha', 0.01)),
  Elu: (c) => F.elu(input(c, 0), c.a.float('alpha', 1)),
  Selu: (c) => {
    const alpha = c.a.float('alpha', 1.6732631921768188);
    const gamma = c.a.float('gamma', 1.0507010221481323);
    return F.elu(input(c, 0), alpha).mul(gamma);
  },
  Softplus: unary((x) => F.softplus(x)),
  Softsign: unary((x) => F.softsign(x)),
  HardSwish: unary((x) => F.hardswish(x)),
  HardSigmoid: (c) => {
    const [alpha, beta] = [c.a.float('alpha', 0.2), c.a.float('beta', 0.5)];
    // torch's hardsigmoid is ONNX's with alpha 1/6 (written so by exportOnnx)
    const x = input(c, 0);
    return Math.abs(alpha - 1 / 6) < 1e-7 && beta === 0.5
      ? F.hardsigmoid(x)
      : x.mul(alpha).add(beta).clamp(0, 1);
  },
  Celu: (c) => F.celu(input(c, 0), c.a.float('alpha', 1)),
  Shrink: (c) => {
    const [lambd, bias] = [c.a.float('lambd', 0.5), c.a.float('bias', 0)];
    const x = input(c, 0);
    if (bias === 0) return F.hardshrink(x, lambd);
    if (bias === lambd) return F.softshrink(x, lambd);
    return x.add(bias).where(x.lt(-lambd), x.sub(bias).where(x.gt(lambd), 0));
  },
  Gelu: (c) => F.gelu(input(c, 0), { approximate: c.a.string('approximate', 'none') as 'none' | 'tanh' }),
  Clip: clip,
  Min: variadic((x, y) => x.minimum(y)),
  Max: variadic((x, y) => x.maximum(y)),
  Sum: variadic((x, y) => x.add(y)),
  Equal: binary((x, y) => x.eq(y)),
  Less: binary((x, y) => x.lt(y)),
  LessOrEqual: binary((x, y) => x.le(y)),
  Greater: binary((x, y) => x.gt(y)),
  GreaterOrEqual: binary((x, y) => x.ge(y)),
  And: binary((x, y) => x.logicalAnd(y)),
  Or: binary((x, y) => x.logicalOr(y)),
  Xor: binary((x, y) => x.logicalXor(y)),
  Where: (c) => where(input(c, 0), input(c, 1), input(c, 2)),
  MatMul: binary((x, y) => x.matmul(y)),
  Gemm: gemm,
  Conv: conv,
  ConvTranspose: convTranspose,
  MaxPool: (c) => pool(c, 'max'),
  AveragePool: (c) => pool(c, 'avg'),
  GlobalAveragePool: (c) => {
    const x = input(c, 0);
    if (x.ndim !== 4)
      return x.mean(
        x.shape.slice(2).map((_, i) => i + 2),
        { keepdim: true },
      );
    return adaptiveAvgPool2d(x, [1, 1]);
  },
  BatchNormalization: batchNormalization,
  LayerNormalization: layerNormalization,
  Softmax: alongAxis((x, dim) => x.softmax(dim)),
  LogSoftmax: alongAxis((x, dim) => x.logSoftmax(dim)),
  Gather: gather,
  GatherElements: (c) => {
    const x = input(c, 0);
    return x.gather(norm(c.a.int('axis', 0), x.ndim), input(c, 1).to('int32'));
  },
  Reshape: (c) => {
    const x = input(c, 0);
    return x.reshape(reshapeTarget(c, x, ints(c.inputs[1])));
  },
  Flatten: flatten,
  Transpose: (c) => {
    const x = input(c, 0);
    return x.permute(
      c.a.ints(
        'perm',
        x.shape.map((_, i) => x.ndim - 1 - i),
      ),
    );
  },
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  Concat: (c) => {
    const xs = c.inputs.filter((t): t is Tensor => t !== undefined && t.numel() > 0);
    return cat(xs, norm(c.a.int('axis'), xs[0]!.ndim));
  },
  Slice: slice,
  Expand: (c) => {
    const x = input(c, 0);
    const target = ints(c.inputs[1]);
    const rank = Math.max(x.ndim, target.length);
    const padded = [...new Array<number>(rank - target.length).fill(1), ...target];
    const own = [...new Array<number>(rank - x.ndim).fill(1), ...x.shape];
    return x.reshape(own).expand(padded.map((d, i) => (d === 1 ? own[i]! : d)));
  },
  Shape: shape,
  Pad: padOp,
  ConstantOfShape: (c) => {
    const value = c.a.has('value') ? c.a.tensor('value') : tensor([0]);
    return full(ints(c.inputs[0]), value.reshape([-1]).item() as number, { dtype: value.dtype });
  },
  ReduceSum: reduction((x, d, k) => x.sum(d, { keepdim: k }), 13),
  ReduceMean: reduction((x, d, k) => x.mean(d, { keepdim: k }), 18),
  ReduceProd: reduction((x, d, k) => x.prod(d, { keepdim: k }), 18),
  ReduceMax: reduction((x, d, k) => x.amax(d, { keepdim: k }), 18),
  ReduceMin: reduction((x, d, k) => x.amin(d, { keepdim: k }), 18),
  ArgMax: (c) => argReduce(c, true),
  ArgMin: (c) => argReduce(c, false),
  ...recurrentOps,
};
