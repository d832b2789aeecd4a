import type { DimAttrs } from '../attrs/indexing';
import type {
  AdaptivePoolAttrs,
  AdaptivePoolBackwardAttrs,
  ConvAttrs,
  ConvBackwardInputAttrs,
  ConvBackwardWeightAttrs,
  ConvTransposeAttrs,
  CrossEntropyAttrs,
  CtcLossAttrs,
  PoolAttrs,
  PoolBackwardAttrs,
} from '../attrs/nn';
import { defineOp, sameAs, type TensorMeta } from '../op-def';

/** Output height and width of conv2d on an `[N, C, H, W]` input with `[O, C/g, kh, kw]` weights. */
export function convOutputSize(
  input: readonly number[],
  weight: readonly number[],
  a: ConvAttrs,
): [number, number] {
  const size = (n: number, pad: number, dilation: number, kernel: number, stride: number) =>
    Math.floor((n + pad - dilation * (kernel - 1) - 1) / stride) + 1;
  return [
    size(input[2]!, a.padTop + a.padBottom, a.dilationH, weight[2]!, a.strideH),
    size(input[3]!, a.padLeft + a.padRight, a.dilationW, weight[3]!, a.strideW),
  ];
}

/** Output height and width of convTranspose2d (conv2d's input size for its output size). */
export function convTransposeOutputSize(
  input: readonly number[],
  weight: readonly number[],
  a: ConvTransposeAttrs,
): [number, number] {
  const size = (n: number, stride: number, pad: number, dilation: number, kernel: number, extra: number) =>
    (n - 1) * stride - pad + dilation * (kernel - 1) + extra + 1;
  return [
    size(input[2]!, a.strideH, a.padTop + a.padBottom, a.dilationH, weight[2]!, a.outputPaddingH),
    size(input[3]!, a.strideW, a.padLeft + a.padRight, a.dilationW, weight[3]!, a.outputPaddingW),
  ];
}

const pooled = (x: TensorMeta, [h, w]: readonly [number, number]) => [x.shape[0]!, x.shape[1]!, h, w];
const like = (shape: readonly number[], of: TensorMeta): TensorMeta[] => [{ shape, dtype: of.dtype }];

/** Linear algebra, convolution, pooling, softmax and the fused loss. */
export const nnOps = {
  matmul: defineOp({
    summary: 'matrix product of 2-d operands or equal-batch 3-d operands',
    inputs: ['input', 'other'],
    outputs: ['out'],
    dtypeRule: 'the input dtype',
    meta: ([a, b]) => like([...a!.shape.slice(0, -1), b!.shape[b!.shape.length - 1]!], a!),
    differentiable: true,
  }),
  linear: defineOp({
    summary: '`input @ weight^T + bias` for 2-d `input [m, in]`, `weight [out, in]` and `bias [out]`',
    inputs: ['input', 'weight', 'bias?'],
    outputs: ['out'],
    dtypeRule: 'the input dtype',
    meta: ([x, w]) => like([x!.shape[0]!, w!.shape[0]!], x!),
    differentiable: true,
  }),
  conv2d: defineOp<ConvAttrs>({
    summary: '2-d convolution (cross-correlation) of `[N, C, H, W]` with `[O, C/groups, kh, kw]`',
    inputs: ['input', 'weight', 'bias?'],
    outputs: ['out'],
    dtypeRule: 'the input dtype',
    meta: ([x, w], a) => like([x!.shape[0]!, w!.shape[0]!, ...convOutputSize(x!.shape, w!.shape, a)], x!),
    differentiable: true,
  }),
  conv2dBackwardInput: defineOp<ConvBackwardInputAttrs>({
    summary: "conv2d's gradient with respect to its input",
    inputs: ['gradOut', 'weight'],
    outputs: ['gradInput'],
    dtypeRule: "the gradient's dtype",
    meta: ([g], a) => like(a.inputShape, g!),
    differentiable: true,
  }),
  conv2dBackwardWeight: defineOp<ConvBackwardWeightAttrs>({
    summary: "conv2d's gradient with respect to its weight",
    inputs: ['input', 'gradOut'],
    outputs: ['gradWeight'],
    dtypeRule: "the gradient's dtype",
    meta: ([, g], a) => like(a.weightShape, g!),
    differentiable: true,
  }),
  convTranspose2d: defineOp<ConvTransposeAttrs>({
    summary: '2-d transposed convolution of `[N, C, H, W]` with `[C, O/groups, kh, kw]`',
    inputs: ['input', 'weight', 'bias?'],
    outputs: ['out'],
    dtypeRule: 'the input dtype',
    meta: ([x, w], a) =>
      like([x!.shape[0]!, w!.shape[1]! * a.groups, ...convTransposeOutputSize(x!.shape, w!.shape, a)], x!),
    differentiable: true,
  }),
  maxPool2d: defineOp<PoolAttrs>({
    summary: 'max pooling over `[N, C, H, W]`, with flat indices into each H*W plane',
    inputs: ['input'],
    outputs: ['values', 'indices'],
    dtypeRule: 'the input dtype; indices int32',
    meta: ([x], a) => [
      { shape: pooled(x!, a.outputSize), dtype: x!.dtype },
      { shape: pooled(x!, a.outputSize), dtype: 'int32' },
    ],
    differentiable: true,
  }),
  maxPool2dBackward: defineOp<{ inputShape: number[] }>({
    summary: "maxPool2d's gradient: `grad` scattered to the winners' indices",
    inputs: ['grad', 'indices'],
    outputs: ['gradInput'],
    dtypeRule: "the gradient's dtype",
    meta: ([g], a) => like(a.inputShape, g!),
    differentiable: true,
  }),
  avgPool2d: defineOp<PoolAttrs>({
    summary: 'average pooling over `[N, C, H, W]`',
    inputs: ['input'],
    outputs: ['out'],
    dtypeRule: 'the input dtype',
    meta: ([x], a) => like(pooled(x!, a.outputSize), x!),
    differentiable: true,
  }),
  avgPool2dBackward: defineOp<PoolBackwardAttrs>({
    summary: "avgPool2d's gradient",
    inputs: ['grad'],
    outputs: ['gradInput'],
    dtypeRule: "the gradient's dtype",
    meta: ([g], a) => like(a.inputShape, g!),
    differentiable: true,
  }),
  adaptiveAvgPool2d: defineOp<AdaptivePoolAttrs>({
    summary: 'average pooling of `[N, C, H, W]` to a given output size',
    inputs: ['input'],
    outputs: ['out'],
    dtypeRule: 'the input dtype',
    meta: ([x], a) => like(pooled(x!, a.outputSize), x!),
    differentiable: true,
  }),
  adaptiveAvgPool2dBackward: defineOp<AdaptivePoolBackwardAttrs>({
    summary: "adaptiveAvgPool2d's gradient",
    inputs: ['grad'],
    outputs: ['gradInput'],
    dtypeRule: "the gradient's dtype",
    meta: ([g], a) => like(a.inputShape, g!),
    differentiable: true,
  }),
  softmax: defineOp<DimAttrs>({
    summary: 'softmax along `dim`',
    inputs: ['input'],
    outputs: ['out'],
    dtypeRule: 'the input dtype',
    meta: sameAs(0),
    differentiable: true,
  }),
  logSoftmax: defineOp<DimAttrs>({
    summary: 'log-softmax along `dim`',
    inputs: ['input'],
    outputs: ['out'],
    dtypeRule: 'the input dtype',
    meta: sameAs(0),
    differentiable: true,
  }),
  crossEntropyLoss: defineOp<CrossEntropyAttrs>({
    summary: 'per-row cross-entropy of logits `[N, C]` against int32 class targets `[N]`',
    inputs: ['logits', 'target'],
    outputs: ['loss'],
    dtypeRule: "the logits' dtype",
    meta: ([logits]) => like([logits!.shape[0]!], logits!),
    differentiable: true,
  }),
  crossEntropyLossBackward: defineOp<CrossEntropyAttrs>({
    summary: "crossEntropyLoss's gradient with respect to the logits",
    inputs: ['grad', 'logits', 'target'],
    outputs: ['gradLogits'],
    dtypeRule: "the logits' dtype",
    meta: ([, logits]) => like(logits!.shape, logits!),
    differentiable: true,
  }),
  ctcLoss: defineOp<CtcLossAttrs>({
    summary:
      'per-sample CTC negative log-likelihood of log-probabilities `[T, N, C]` against int32 targets ' +
      '(`[N, S]` padded or 1-d concatenated) with int32 input and target lengths `[N]`',
    inputs: ['logProbs', 'targets', 'inputLengths', 'targetLengths'],
    outputs: ['loss'],
    dtypeRule: "the log-probabilities' dtype",
    meta: ([logProbs]) => like([logProbs!.shape[1]!], logProbs!),
    differentiable: true,
  }),
  ctcLossBackward: defineOp<CtcLossAttrs>({
    summary: "ctcLoss's gradient with respect to the log-probabilities (alpha-beta recursion)",
    inputs: ['grad', 'logProbs', 'targets', 'inputLengths', 'targetLengths', 'loss'],
    outputs: ['gradLogProbs'],
    dtypeRule: "the log-probabilities' dtype",
    meta: ([, logProbs]) => like(logProbs!.shape, logProbs!),
    // as PyTorch, CTC has no double backward
    differentiable: false,
  }),
};
