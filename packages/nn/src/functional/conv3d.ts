import { checkOptions, conv2d, fmtShape, pad, ShapeError, type Tensor, ValueError } from '@nn/tensor';
import { CONV3D_KEYS } from '../utils/spatial-option-keys';
import { asOp } from './as-op';
import { as5d, type Size3, triple } from './spatial-args';

/** Options of {@link conv3d}, as `torch.nn.functional.conv3d`'s. */
export interface Conv3dOptions {
  /** Step of the kernel over the input (default 1). */
  stride?: Size3;
  /** Zero padding per side, or `'valid'` (none) or `'same'` (output size = input size; stride 1 only). */
  padding?: Size3 | 'same' | 'valid';
  /** Spacing between kernel taps (default 1). */
  dilation?: Size3;
  /** Split channels into this many groups convolved separately (default 1). */
  groups?: number;
}
/**
 * 3-D convolution of `[N, C, D, H, W]` (or `[C, D, H, W]`) input with weight `[out, C / groups, kD, kH, kW]`
 * (`torch.nn.functional.conv3d`). Built on the 2-D kernel: for each kernel depth `kd`, the input slices that
 * tap reads (every output depth at once, folded into the batch) are convolved with `weight[:, :, kd]` and
 * the kD results summed, the same multiply-adds as a direct 3-D convolution, on conv2d's GEMM path and its
 * gradients.
 */
export function conv3d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv3dOptions = {}): Tensor {
  checkOptions('conv3d', options, CONV3D_KEYS);
  const [x5, added] = as5d('conv3d', x);
  if (weight.ndim !== 5) {
    throw new ShapeError(
      'conv3d',
      `expected 5-D weight [out, in/groups, kD, kH, kW], got ${fmtShape(weight.shape)}`,
    );
  }
  const [n, , depth, h, w] = x5.shape as [number, number, number, number, number];
  const [outChannels, , kd] = weight.shape as [number, number, number];
  const stride = triple('conv3d', 'stride', options.stride ?? 1);
  const dilation = triple('conv3d', 'dilation', options.dilation ?? 1);
  if ([...stride, ...dilation].some((v) => v === 0)) {
    throw new ValueError(
      'conv3d',
      `stride and dilation must be positive, got stride ${fmtShape(stride)}, dilation ${fmtShape(dilation)}`,
    );
  }
  const padding = options.padding ?? 0;
  let depthPad: [number, number];
  let planePadding: [number, number] | 'same' | 'valid';
  if (padding === 'same') {
    if (stride.some((s) => s !== 1)) {
      throw new ValueError('conv3d', "padding='same' is not supported for strided convolutions");
    }
    const total = dilation[0] * (kd - 1);
    depthPad = [Math.floor(total / 2), total - Math.floor(total / 2)];
    planePadding = 'same';
  } else if (padding === 'valid') {
    depthPad = [0, 0];
    planePadding = 'valid';
  } else {
    const p = triple('conv3d', 'padding', padding);
    depthPad = [p[0], p[0]];
    planePadding = [p[1], p[2]];
  }
  const paddedDepth = depth + depthPad[0] + depthPad[1];
  const outDepth = Math.floor((paddedDepth - dilation[0] * (kd - 1) - 1) / stride[0]) + 1;
  if (outDepth < 1) {
    throw new ShapeError(
      'conv3d',
      `calculated padded input depth ${paddedDepth} is smaller than the dilated kernel depth ` +
        `${dilation[0] * (kd - 1) + 1} (input ${fmtShape(x5.shape)}, weight ${fmtShape(weight.shape)}); pad the input or use a smaller kernel`,
    );
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== outChannels)) {
    throw new ShapeError('conv3d', `expected bias of shape [${outChannels}], got ${fmtShape(bias.shape)}`);
  }
  const input = depthPad[0] + depthPad[1] > 0 ? pad(x5, [0, 0, 0, 0, ...depthPad]) : x5;
  const out = asOp('conv3d', () => {
    let sum: Tensor | undefined;
    for (let t = 0; t < kd; t++) {
      const first = t * dilation[0];
      const slices = input
        .slice(2, first, first + (outDepth - 1) * stride[0] + 1, stride[0])
        .transpose(1, 2)
        .reshape([n * outDepth, x5.shape[1]!, h, w]);
      const term = conv2d(slices, weight.select(2, t), undefined, {
        stride: [stride[1], stride[2]],
        padding: planePadding,
        dilation: [dilation[1], dilation[2]],
        groups: options.groups ?? 1,
      });
      sum = sum ? sum.add(term) : term;
    }
    const [oh, ow] = sum!.shape.slice(2) as [number, number];
    const volume = sum!.reshape([n, outDepth, outChannels, oh, ow]).transpose(1, 2);
    return bias ? volume.add(bias.reshape([outChannels, 1, 1, 1])) : volume.contiguous();
  });
  return added ? out.squeeze(0) : out;
}
