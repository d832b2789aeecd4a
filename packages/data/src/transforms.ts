import { checkOptions, defaultGenerator, type Generator, oneHot, pad, type Tensor, tensor } from '@nn/tensor';

/** A callable transform of one sample, composable with {@link Compose}. */
export type Transform<I, O> = (input: I) => O;

/** Applies transforms in order. */
export function Compose<A, B>(transforms: [Transform<A, B>]): Transform<A, B>;
export function Compose<A, B, C>(transforms: [Transform<A, B>, Transform<B, C>]): Transform<A, C>;
export function Compose<A, B, C, D>(
  transforms: [Transform<A, B>, Transform<B, C>, Transform<C, D>],
): Transform<A, D>;
export function Compose(transforms: Transform<unknown, unknown>[]): Transform<unknown, unknown>;
export function Compose(transforms: Transform<unknown, unknown>[]): Transform<unknown, unknown> {
  return (input) => transforms.reduce((x, t) => t(x), input);
}

/** Wraps any function as a transform (torchvision's Lambda). */
export function Lambda<I, O>(fn: (input: I) => O): Transform<I, O> {
  return fn;
}

/** A uint8 image: `data` in row-major `[H, W]` (grayscale) or `[H, W, C]` order, as decoded files give. */
export interface ImageBytes {
  /** Pixel bytes, row-major, channels interleaved (HWC). */
  data: Uint8Array;
  /** Rows. */
  height: number;
  /** Columns. */
  width: number;
  /** Channels per pixel (default 1). */
  channels?: number;
}

/** uint8 image (HWC) -> float32 tensor in [0, 1], CHW, as torchvision's ToTensor. */
export function ToTensor(): Transform<ImageBytes, Tensor> {
  return ({ data, height, width, channels = 1 }) => {
    if (data.length !== height * width * channels) {
      throw new RangeError(
        `ToTensor: ${data.length} bytes do not make a ${height}x${width}x${channels} image`,
      );
    }
    const out = new Float32Array(data.length);
    const plane = height * width;
    for (let p = 0; p < plane; p++)
      for (let c = 0; c < channels; c++) out[c * plane + p] = data[p * channels + c]! / 255;
    return tensor(out).reshape(channels, height, width);
  };
}

/** `(x - mean[c]) / std[c]` per channel of a CHW tensor. */
export function Normalize(mean: readonly number[], std: readonly number[]): Transform<Tensor, Tensor> {
  if (std.some((s) => s === 0))
    throw new RangeError(
      `Normalize: std evaluated to zero after conversion to float32, leading to division by zero (std=${std.join(',')})`,
    );
  const m = tensor(mean.map(Number)).float().reshape(-1, 1, 1);
  const s = tensor(std.map(Number)).float().reshape(-1, 1, 1);
  return (x) => x.sub(m).div(s);
}

/** Options of {@link RandomCrop}. */
export interface RandomCropOptions {
  /** Zero padding added on every side before cropping. */
  padding?: number;
  /** Random stream for the crop position (default: the global generator). */
  generator?: Generator;
}

/** Crops a random `size` window of a CHW tensor (after optional zero padding). */
export function RandomCrop(
  size: number | readonly [number, number],
  options: RandomCropOptions = {},
): Transform<Tensor, Tensor> {
  checkOptions('RandomCrop', options, { padding: true, generator: true });
  const [h, w] = typeof size === 'number' ? [size, size] : size;
  const g = options.generator ?? defaultGenerator;
  const padding = options.padding ?? 0;
  return (x) => {
    const padded = padding > 0 ? pad(x, [padding, padding, padding, padding]) : x;
    const H = padded.shape[padded.ndim - 2]!;
    const W = padded.shape[padded.ndim - 1]!;
    if (H < h || W < w)
      throw new RangeError(
        `RandomCrop: required crop size ${h}x${w} is larger than input image size ${H}x${W}`,
      );
    const top = g.integer(0, H - h + 1);
    const left = g.integer(0, W - w + 1);
    return padded.narrow(-2, top, h).narrow(-1, left, w).contiguous();
  };
}

/** Flips a CHW tensor left-right with probability `p`. */
export function RandomHorizontalFlip(
  p = 0.5,
  options: { generator?: Generator } = {},
): Transform<Tensor, Tensor> {
  checkOptions('RandomHorizontalFlip', options, { generator: true });
  const g = options.generator ?? defaultGenerator;
  return (x) => (g.random() < p ? x.flip([-1]) : x);
}

/** Class index -> one-hot float32 vector of `numClasses`. */
export function OneHot(numClasses: number): Transform<number | Tensor, Tensor> {
  return (label) =>
    oneHot(typeof label === 'number' ? tensor([label]) : label, numClasses)
      .float()
      .squeeze(0);
}
