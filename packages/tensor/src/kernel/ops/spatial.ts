import type { AdaptiveMaxPoolAttrs, SlidingBlockAttrs } from '../attrs/spatial';
import { defineOp, type TensorMeta } from '../op-def';

/** How many sliding blocks fit along each spatial dim (`[blocksH, blocksW]`). */
export function slidingBlockCounts(a: SlidingBlockAttrs): [number, number] {
  const count = (d: 0 | 1) =>
    Math.floor(
      (a.imageSize[d] + 2 * a.padding[d] - a.dilation[d] * (a.kernelSize[d] - 1) - 1) / a.stride[d],
    ) + 1;
  return [count(0), count(1)];
}

const blocks = (x: TensorMeta, a: SlidingBlockAttrs): TensorMeta => {
  const [bh, bw] = slidingBlockCounts(a);
  return { shape: [x.shape[0]!, x.shape[1]! * a.kernelSize[0] * a.kernelSize[1], bh * bw], dtype: x.dtype };
};

/** Adaptive max pooling and the sliding-block (im2col / col2im) pair behind F.unfold and F.fold. */
export const spatialOps = {
  adaptiveMaxPool2d: defineOp<AdaptiveMaxPoolAttrs>({
    summary: 'max pooling of `[N, C, H, W]` to a given output size, with flat indices into each H*W plane',
    inputs: ['input'],
    outputs: ['values', 'indices'],
    dtypeRule: 'the input dtype; indices int32',
    meta: ([x], a) => {
      const shape = [x!.shape[0]!, x!.shape[1]!, ...a.outputSize];
      return [
        { shape, dtype: x!.dtype },
        { shape, dtype: 'int32' },
      ];
    },
    differentiable: true,
  }),
  im2col: defineOp<SlidingBlockAttrs>({
    summary: 'the sliding blocks of `[N, C, H, W]` as columns `[N, C*kh*kw, L]` (F.unfold)',
    inputs: ['input'],
    outputs: ['out'],
    dtypeRule: 'the input dtype',
    meta: ([x], a) => [blocks(x!, a)],
    differentiable: true,
  }),
  col2im: defineOp<SlidingBlockAttrs>({
    summary:
      'columns `[N, C*kh*kw, L]` summed back into `[N, C, H, W]` images (F.fold, the adjoint of im2col)',
    inputs: ['input'],
    outputs: ['out'],
    dtypeRule: 'the input dtype',
    meta: ([x], a) => [
      {
        shape: [x!.shape[0]!, x!.shape[1]! / (a.kernelSize[0] * a.kernelSize[1]), ...a.imageSize],
        dtype: x!.dtype,
      },
    ],
    differentiable: true,
  }),
};
