import {
  adaptiveAvgPool2d,
  avgPool2d,
  type ConvAttrs,
  conv1d,
  conv2d,
  convTranspose2d,
  crossEntropyLoss,
  ctcLoss,
  maxPool2dWithIndices,
  type PoolAttrs,
  runKernel,
  type Tensor,
  tensor,
} from '../..';
import { type ConformanceCase, defineCase, valuesIndices } from '../conformance-case';

/** Pooling forwards (max with its indices, average, adaptive) over 4-D and unbatched 3-D inputs. */
function poolingCases(): ConformanceCase[] {
  return [
    defineCase({
      name: 'maxPool2d/k=2',
      kernels: ['maxPool2d'],
      inputs: (s) => [s.float([2, 3, 6, 6])],
      run: ([x]) => valuesIndices(maxPool2dWithIndices(x!, 2)),
    }),
    defineCase({
      name: 'maxPool2d/k=3-stride=2-padding=1-ceil',
      kernels: ['maxPool2d'],
      inputs: (s) => [s.float([2, 3, 8, 7])],
      run: ([x]) => valuesIndices(maxPool2dWithIndices(x!, 3, { stride: 2, padding: 1, ceilMode: true })),
    }),
    defineCase({
      name: 'maxPool2d/dilation=2-unbatched',
      kernels: ['maxPool2d'],
      inputs: (s) => [s.float([3, 7, 7])],
      run: ([x]) => valuesIndices(maxPool2dWithIndices(x!, [2, 3], { stride: 1, dilation: 2 })),
    }),
    defineCase({
      name: 'avgPool2d/k=2',
      kernels: ['avgPool2d'],
      inputs: (s) => [s.float([2, 3, 6, 6])],
      run: ([x]) => avgPool2d(x!, 2),
    }),
    defineCase({
      name: 'avgPool2d/k=3-stride=2-padding=1-exclude-pad-ceil',
      kernels: ['avgPool2d'],
      inputs: (s) => [s.float([2, 3, 8, 7])],
      run: ([x]) => avgPool2d(x!, 3, { stride: 2, padding: 1, countIncludePad: false, ceilMode: true }),
    }),
    defineCase({
      name: 'avgPool2d/divisor-override-float64',
      kernels: ['avgPool2d'],
      inputs: (s) => [s.of('float64', [2, 2, 5, 5])],
      run: ([x]) => avgPool2d(x!, [2, 3], { stride: [1, 2], padding: [1, 1], divisorOverride: 4 }),
    }),
    defineCase({
      name: 'adaptiveAvgPool2d/uneven-windows',
      kernels: ['adaptiveAvgPool2d'],
      inputs: (s) => [s.float([2, 3, 7, 9])],
      run: ([x]) => adaptiveAvgPool2d(x!, [3, 4]),
    }),
    defineCase({
      name: 'adaptiveAvgPool2d/global-unbatched',
      kernels: ['adaptiveAvgPool2d'],
      inputs: (s) => [s.float([3, 5, 6])],
      run: ([x]) => adaptiveAvgPool2d(x!, 1),
    }),
  ];
}

const POOL_3X3: PoolAttrs = {
  kernelSize: [3, 3],
  stride: [2, 2],
  padding: [1, 1],
  dilation: [1, 1],
  outputSize: [4, 4],
  countIncludePad: false,
};

/** The fused backward kernels autograd calls for pooling (no public op: reached through runKernel). */
function poolingBackwardCases(): ConformanceCase[] {
  return [
    defineCase({
      // Arbitrary in-plane positions, repeats included: the kernel must accumulate, not overwrite.
      name: 'maxPool2dBackward',
      kernels: ['maxPool2dBackward'],
      inputs: (s) => [s.float([2, 3, 3, 3]), s.index([2, 3, 3, 3], 36)],
      run: ([grad, indices]) =>
        runKernel('maxPool2dBackward', [grad!, indices!], { inputShape: [2, 3, 6, 6] }),
    }),
    defineCase({
      name: 'avgPool2dBackward/exclude-pad',
      kernels: ['avgPool2dBackward'],
      inputs: (s) => [s.float([2, 3, 4, 4])],
      run: ([grad]) => runKernel('avgPool2dBackward', [grad!], { ...POOL_3X3, inputShape: [2, 3, 7, 7] }),
    }),
    defineCase({
      name: 'avgPool2dBackward/include-pad-divisor-override',
      kernels: ['avgPool2dBackward'],
      inputs: (s) => [s.float([2, 3, 4, 4])],
      run: ([grad]) =>
        runKernel('avgPool2dBackward', [grad!], {
          ...POOL_3X3,
          countIncludePad: true,
          divisorOverride: 5,
          inputShape: [2, 3, 7, 7],
        }),
    }),
    defineCase({
      name: 'adaptiveAvgPool2dBackward',
      kernels: ['adaptiveAvgPool2dBackward'],
      inputs: (s) => [s.float([2, 3, 3, 4])],
      run: ([grad]) =>
        runKernel('adaptiveAvgPool2dBackward', [grad!], { outputSize: [3, 4], inputShape: [2, 3, 7, 9] }),
    }),
  ];
}

/** stride 2, padding 1: [2,4,7,7] * [6,4,3,3] -> [2,6,4,4]. */
const STRIDED: ConvAttrs = {
  strideH: 2,
  strideW: 2,
  padTop: 1,
  padBottom: 1,
  padLeft: 1,
  padRight: 1,
  dilationH: 1,
  dilationW: 1,
  groups: 1,
};

/** groups 2, dilation 2, padding 2: [2,4,8,8] * [6,2,3,3] -> [2,6,8,8]. */
const GROUPED: ConvAttrs = {
  ...STRIDED,
  strideH: 1,
  strideW: 1,
  padTop: 2,
  padBottom: 2,
  padLeft: 2,
  padRight: 2,
  dilationH: 2,
  dilationW: 2,
  groups: 2,
};

/** Convolutions (im2col + GEMM on the CPU) and the two gradient kernels autograd calls. */
function convCases(): ConformanceCase[] {
  return [
    defineCase({
      name: 'conv2d/bias-stride=2-padding=1',
      kernels: ['conv2d'],
      inputs: (s) => [s.float([2, 4, 7, 7]), s.float([6, 4, 3, 3]), s.float([6])],
      run: ([x, w, b]) => conv2d(x!, w!, b!, { stride: 2, padding: 1 }),
    }),
    defineCase({
      name: 'conv2d/groups=2-dilation=2-same',
      kernels: ['conv2d'],
      inputs: (s) => [s.float([2, 4, 8, 8]), s.float([6, 2, 3, 3])],
      run: ([x, w]) => conv2d(x!, w!, undefined, { groups: 2, dilation: 2, padding: 'same' }),
    }),
    defineCase({
      name: 'conv2d/pointwise-float64',
      kernels: ['conv2d'],
      inputs: (s) => [s.of('float64', [2, 3, 5, 5]), s.of('float64', [4, 3, 1, 1]), s.of('float64', [4])],
      run: ([x, w, b]) => conv2d(x!, w!, b!),
    }),
    defineCase({
      name: 'conv1d/stride=2-padding=1',
      kernels: ['conv2d'],
      inputs: (s) => [s.float([2, 3, 10]), s.float([4, 3, 3]), s.float([4])],
      run: ([x, w, b]) => conv1d(x!, w!, b!, { stride: 2, padding: 1 }),
    }),
    defineCase({
      name: 'convTranspose2d/stride=2-output-padding=1',
      kernels: ['convTranspose2d'],
      inputs: (s) => [s.float([2, 4, 5, 5]), s.float([4, 3, 3, 3]), s.float([3])],
      run: ([x, w, b]) => convTranspose2d(x!, w!, b!, { stride: 2, padding: 1, outputPadding: 1 }),
    }),
    defineCase({
      name: 'convTranspose2d/groups=2-dilation=2',
      kernels: ['convTranspose2d'],
      inputs: (s) => [s.float([2, 4, 4, 4]), s.float([4, 2, 2, 2])],
      run: ([x, w]) => convTranspose2d(x!, w!, undefined, { groups: 2, dilation: 2 }),
    }),
    defineCase({
      name: 'conv2dBackwardInput/strided',
      kernels: ['conv2dBackwardInput'],
      inputs: (s) => [s.float([2, 6, 4, 4]), s.float([6, 4, 3, 3])],
      run: ([g, w]) => runKernel('conv2dBackwardInput', [g!, w!], { ...STRIDED, inputShape: [2, 4, 7, 7] }),
    }),
    defineCase({
      name: 'conv2dBackwardInput/grouped-dilated',
      kernels: ['conv2dBackwardInput'],
      inputs: (s) => [s.float([2, 6, 8, 8]), s.float([6, 2, 3, 3])],
      run: ([g, w]) => runKernel('conv2dBackwardInput', [g!, w!], { ...GROUPED, inputShape: [2, 4, 8, 8] }),
    }),
    defineCase({
      name: 'conv2dBackwardWeight/strided',
      kernels: ['conv2dBackwardWeight'],
      inputs: (s) => [s.float([2, 4, 7, 7]), s.float([2, 6, 4, 4])],
      run: ([x, g]) => runKernel('conv2dBackwardWeight', [x!, g!], { ...STRIDED, weightShape: [6, 4, 3, 3] }),
    }),
    defineCase({
      name: 'conv2dBackwardWeight/grouped-dilated',
      kernels: ['conv2dBackwardWeight'],
      inputs: (s) => [s.float([2, 4, 8, 8]), s.float([2, 6, 8, 8])],
      run: ([x, g]) => runKernel('conv2dBackwardWeight', [x!, g!], { ...GROUPED, weightShape: [6, 2, 3, 3] }),
    }),
  ];
}

/** The fused cross-entropy and its gradient; targets drawn from [-1, C) so some rows are ignored. */
function crossEntropyCases(): ConformanceCase[] {
  return [
    defineCase({
      name: 'crossEntropyLoss/ignore=-1',
      kernels: ['crossEntropyLoss'],
      inputs: (s) => [s.float([7, 5]), s.index([7], 5, -1)],
      run: ([x, target]) => crossEntropyLoss(x!, target!, { ignoreIndex: -1 }),
    }),
    defineCase({
      // an ignored class inside [0, C), as PyTorch allows
      name: 'crossEntropyLoss/float64-ignore=2',
      kernels: ['crossEntropyLoss'],
      inputs: (s) => [s.of('float64', [6, 4]), s.index([6], 4)],
      run: ([x, target]) => crossEntropyLoss(x!, target!, { ignoreIndex: 2 }),
    }),
    defineCase({
      name: 'crossEntropyLossBackward/ignore=-1',
      kernels: ['crossEntropyLossBackward'],
      inputs: (s) => [s.float([7]), s.float([7, 5]), s.index([7], 5, -1)],
      run: ([grad, x, target]) =>
        runKernel('crossEntropyLossBackward', [grad!, x!, target!], { ignoreIndex: -1 }),
    }),
  ];
}

/** int32 lengths on the device of `like`. */
const ctcLengths = (like: Tensor, values: number[]): Tensor =>
  tensor(values, { dtype: 'int32', device: like.device });

/** CTC over padded and concatenated targets (blank = the last class, so drawn labels never hit it). */
function ctcCases(): ConformanceCase[] {
  const attrs = { blank: 4, zeroInfinity: false };
  return [
    defineCase({
      name: 'ctcLoss/padded',
      kernels: ['ctcLoss'],
      inputs: (s) => [s.float([6, 3, 5]), s.index([3, 3], 4)],
      run: ([lp, targets]) => ctcLoss(lp!, targets!, [6, 5, 4], [3, 2, 0], { blank: 4 }),
    }),
    defineCase({
      name: 'ctcLoss/float64-concatenated',
      kernels: ['ctcLoss'],
      inputs: (s) => [s.of('float64', [5, 2, 4]), s.index([4], 3)],
      run: ([lp, targets]) => ctcLoss(lp!, targets!, [5, 4], [3, 1], { blank: 3 }),
    }),
    defineCase({
      name: 'ctcLossBackward/padded',
      kernels: ['ctcLossBackward'],
      inputs: (s) => [s.float([3]), s.float([6, 3, 5]), s.index([3, 3], 4)],
      run: ([grad, lp, targets]) => {
        const inputLengths = ctcLengths(lp!, [6, 5, 4]);
        const targetLengths = ctcLengths(lp!, [3, 2, 0]);
        const loss = runKernel('ctcLoss', [lp!, targets!, inputLengths, targetLengths], attrs);
        return runKernel('ctcLossBackward', [grad!, lp!, targets!, inputLengths, targetLengths, loss], attrs);
      },
    }),
  ];
}

/** Neural-net kernels: pooling, convolution, cross-entropy, CTC and their backward kernels. */
export function nnCases(): ConformanceCase[] {
  return [
    ...poolingCases(),
    ...poolingBackwardCases(),
    ...convCases(),
    ...crossEntropyCases(),
    ...ctcCases(),
  ];
}
