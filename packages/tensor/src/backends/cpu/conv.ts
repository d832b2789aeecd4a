import type { ConvAttrs } from '../../kernel/attrs/nn';
import { allocate, allocateUninitialized } from '../../kernel/dtype';
import { registerKernel } from '../../kernel/registry';
import { shapeSize } from '../../kernel/shape';
import { hostView, numel, type TensorView } from '../../kernel/view';
import { convTranspose2d, convTranspose2dOutputSize } from './conv/conv-transpose2d';
import { conv2d } from './conv/conv2d';
import { conv2dBackwardInput } from './conv/conv2d-backward-input';
import { conv2dBackwardWeight } from './conv/conv2d-backward-weight';
import type { Conv2dGeometry } from './conv/geometry';
import { contiguousCpu } from './elementwise';
import type { FloatArray } from './gemm/types';

/** Contiguous float data of a tensor as the conv kernels read it. */
export function dense(t: TensorView): FloatArray {
  const c = contiguousCpu(t);
  const data = c.storage.data as FloatArray;
  return c.offset === 0 && data.length === numel(c)
    ? data
    : (data.subarray(c.offset, c.offset + numel(c)) as FloatArray);
}

/** The kernels' geometry from an input shape [N,C,H,W], a weight shape [O,C/g,kH,kW] and the attributes. */
function geometry(input: readonly number[], weight: readonly number[], attrs: ConvAttrs): Conv2dGeometry {
  return {
    batch: input[0]!,
    inChannels: input[1]!,
    inHeight: input[2]!,
    inWidth: input[3]!,
    outChannels: weight[0]!,
    kernelHeight: weight[2]!,
    kernelWidth: weight[3]!,
    ...attrs,
  };
}

function outputSize(g: Conv2dGeometry): [number, number] {
  const h =
    Math.floor(
      (g.inHeight + g.padTop! + g.padBottom! - g.dilationH! * (g.kernelHeight - 1) - 1) / g.strideH!,
    ) + 1;
  const w =
    Math.floor((g.inWidth + g.padLeft! + g.padRight! - g.dilationW! * (g.kernelWidth - 1) - 1) / g.strideW!) +
    1;
  return [h, w];
}

/** Registers conv2d, its two gradient kernels and convTranspose2d on the CPU (im2col + the blocked GEMM). */
export function registerCpuConv(): void {
  registerKernel('conv2d', 'cpu', ([x, w, b], attrs) => {
    const g = geometry(x!.shape, w!.shape, attrs);
    const [oh, ow] = outputSize(g);
    // Every path (direct GEMM, Winograd) writes every output element, so no zeroing (torch.empty).
    const out = allocateUninitialized(x!.dtype, g.batch * g.outChannels * oh * ow) as FloatArray;
    conv2d(g, dense(x!), dense(w!), b ? dense(b) : undefined, out);
    return hostView(out, [g.batch, g.outChannels, oh, ow], x!.dtype);
  });
  registerKernel('conv2dBackwardInput', 'cpu', ([gradOut, w], attrs) => {
    const g = geometry(attrs.inputShape, w!.shape, attrs);
    const out = allocate(gradOut!.dtype, shapeSize(attrs.inputShape)) as FloatArray;
    conv2dBackwardInput(g, dense(gradOut!), dense(w!), out);
    return hostView(out, attrs.inputShape, gradOut!.dtype);
  });
  registerKernel('conv2dBackwardWeight', 'cpu', ([x, gradOut], attrs) => {
    const g = geometry(x!.shape, attrs.weightShape, attrs);
    const out = allocate(gradOut!.dtype, shapeSize(attrs.weightShape)) as FloatArray;
    conv2dBackwardWeight(g, dense(x!), dense(gradOut!), out);
    return hostView(out, attrs.weightShape, gradOut!.dtype);
  });
  registerKernel('convTranspose2d', 'cpu', ([x, w, b], attrs) => {
    const groups = attrs.groups;
    const g = { ...geometry(x!.shape, w!.shape, attrs), outChannels: w!.shape[1]! * groups };
    const { outHeight, outWidth } = convTranspose2dOutputSize(g);
    const out = allocate(x!.dtype, g.batch * g.outChannels * outHeight * outWidth) as FloatArray;
    convTranspose2d(g, dense(x!), dense(w!), b ? dense(b) : undefined, out);
    return hostView(out, [g.batch, g.outChannels, outHeight, outWidth], x!.dtype);
  });
}
