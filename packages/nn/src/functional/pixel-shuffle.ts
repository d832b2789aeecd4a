import { fmtShape, ShapeError, type Tensor, ValueError } from '@nn/tensor';

function checkFactor(op: string, name: string, factor: number): void {
  if (!Number.isInteger(factor) || factor < 1) {
    throw new ValueError(op, `${name} must be a positive integer, got ${factor}`);
  }
}

function checkRank(op: string, x: Tensor): void {
  if (x.ndim < 3) {
    throw new ShapeError(
      op,
      `expects input to have at least 3 dimensions, but got input with ${x.ndim} dimension(s) ${fmtShape(x.shape)}`,
    );
  }
}

/**
 * Rearranges `[*, C * r^2, H, W]` into `[*, C, H * r, W * r]` (`torch.nn.functional.pixel_shuffle`,
 * sub-pixel convolution's upsampling): a reshape and a permute.
 */
export function pixelShuffle(x: Tensor, upscaleFactor: number): Tensor {
  checkFactor('pixelShuffle', 'upscale_factor', upscaleFactor);
  checkRank('pixelShuffle', x);
  const r = upscaleFactor;
  const batch = x.shape.slice(0, -3);
  const [c, h, w] = x.shape.slice(-3) as [number, number, number];
  if (c % (r * r) !== 0) {
    throw new ShapeError(
      'pixelShuffle',
      `expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but ` +
        `input.size(-3)=${c} is not divisible by ${r * r} (input ${fmtShape(x.shape)})`,
    );
  }
  const b = batch.length;
  const out = c / (r * r);
  return x
    .reshape([...batch, out, r, r, h, w])
    .permute([...batch.keys(), b, b + 3, b + 1, b + 4, b + 2])
    .reshape([...batch, out, h * r, w * r]);
}

/**
 * Rearranges `[*, C, H * r, W * r]` into `[*, C * r^2, H, W]` (`torch.nn.functional.pixel_unshuffle`),
 * the inverse of {@link pixelShuffle}.
 */
export function pixelUnshuffle(x: Tensor, downscaleFactor: number): Tensor {
  checkFactor('pixelUnshuffle', 'downscale_factor', downscaleFactor);
  checkRank('pixelUnshuffle', x);
  const r = downscaleFactor;
  const batch = x.shape.slice(0, -3);
  const [c, h, w] = x.shape.slice(-3) as [number, number, number];
  if (h % r !== 0 || w % r !== 0) {
    throw new ShapeError(
      'pixelUnshuffle',
      `expects height and width to be divisible by downscale_factor, but input ${fmtShape(x.shape)} has ` +
        `height ${h} and width ${w} for downscale_factor=${r}`,
    );
  }
  const b = batch.length;
  return x
    .reshape([...batch, c, h / r, r, w / r, r])
    .permute([...batch.keys(), b, b + 2, b + 4, b + 1, b + 3])
    .reshape([...batch, c * r * r, h / r, w / r]);
}
