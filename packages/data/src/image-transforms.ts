import {
  checkOptions,
  defaultGenerator,
  type Generator,
  type OptionKeys,
  randn,
  type Tensor,
  tensor,
} from '@nn/tensor';
import { roundHalfEven } from './image/chw';
import { adjustBrightness, adjustContrast, adjustHue, adjustSaturation } from './image/color';
import { centerCrop, erase, type Interpolation, resize, resizedCrop, rotate } from './image/geometry';
import type { Transform } from './transforms';

// torchvision.transforms' image transforms for float CHW tensors, built on the functional ops in
// ./image (exported as `TF`). Random draws come from `generator` (default: the global one), so they
// are reproducible in @nn, though not the same numbers as torch's generator.

type Size = number | readonly [number, number];
const uniform = (g: Generator, lo: number, hi: number) => lo + (hi - lo) * g.random();

/** Options of {@link Resize}. */
export interface ResizeOptions {
  /** `'bilinear'` (default) or `'nearest'`. */
  interpolation?: Interpolation;
  /** With an int size: the longer edge is capped at this. */
  maxSize?: number;
  /** Only `false` (torchvision's default for tensors in 0.14): antialiased downsampling is not implemented. */
  antialias?: false;
}
const RESIZE_KEYS: OptionKeys<ResizeOptions> = { interpolation: true, maxSize: true, antialias: true };

/**
 * Resizes a CHW image (torchvision's Resize): an int `size` sets the smaller edge keeping the aspect
 * ratio, `[h, w]` sets both. Bilinear or nearest as torch's interpolate (align_corners false).
 *
 * @example
 * ```ts
 * import { Resize } from '@nn/data';
 * import { rand } from '@nn/tensor';
 *
 * console.log(Resize(16)(rand([3, 32, 48])).shape); // [ 3, 16, 24 ]
 * ```
 */
export function Resize(size: Size, options: ResizeOptions = {}): Transform<Tensor, Tensor> {
  const {
    interpolation = 'bilinear',
    maxSize,
    antialias = false,
  } = checkOptions('Resize', options, RESIZE_KEYS);
  if (antialias !== false)
    throw new RangeError('Resize: antialias: true is not supported; resize without it');
  return (x) => resize(x, size, interpolation, maxSize);
}

/** Crops the centre `size` window of a CHW image, zero-padding images smaller than it (torchvision's CenterCrop). */
export function CenterCrop(size: Size): Transform<Tensor, Tensor> {
  return (x) => centerCrop(x, size);
}

/** Options of {@link RandomResizedCrop}. */
export interface RandomResizedCropOptions {
  /** Range of the crop's area as a fraction of the image's (default [0.08, 1]). */
  scale?: readonly [number, number];
  /** Range of the crop's aspect ratio w/h, drawn log-uniformly (default [3/4, 4/3]). */
  ratio?: readonly [number, number];
  /** `'bilinear'` (default) or `'nearest'`. */
  interpolation?: Interpolation;
  /** Random stream (default: the global generator). */
  generator?: Generator;
}
const RANDOM_RESIZED_CROP_KEYS: OptionKeys<RandomResizedCropOptions> = {
  scale: true,
  ratio: true,
  interpolation: true,
  generator: true,
};

/**
 * torchvision's RandomResizedCrop.get_params: up to 10 draws of area and aspect ratio, then a central
 * crop of the closest admissible ratio. Returns `[top, left, height, width]`.
 */
export function randomResizedCropParams(
  height: number,
  width: number,
  scale: readonly [number, number],
  ratio: readonly [number, number],
  g: Generator,
): [number, number, number, number] {
  const area = height * width;
  const [logLo, logHi] = [Math.log(ratio[0]), Math.log(ratio[1])];
  for (let attempt = 0; attempt < 10; attempt++) {
    const target = area * uniform(g, scale[0], scale[1]);
    const aspect = Math.exp(uniform(g, logLo, logHi));
    const w = roundHalfEven(Math.sqrt(target * aspect));
    const h = roundHalfEven(Math.sqrt(target / aspect));
    if (w > 0 && w <= width && h > 0 && h <= height) {
      return [g.integer(0, height - h + 1), g.integer(0, width - w + 1), h, w];
    }
  }
  const inRatio = width / height;
  let [h, w] = [height, width];
  if (inRatio < Math.min(...ratio)) h = roundHalfEven(w / Math.min(...ratio));
  else if (inRatio > Math.max(...ratio)) w = roundHalfEven(h * Math.max(...ratio));
  return [Math.floor((height - h) / 2), Math.floor((width - w) / 2), h, w];
}

function checkRange(op: string, name: string, range: readonly [number, number]): void {
  if (!(range[0] <= range[1])) {
    throw new RangeError(`${op}: ${name} should be of kind (min, max), got [${range.join(', ')}]`);
  }
}

/** Crops a random area and aspect ratio, then resizes to `size` (torchvision's RandomResizedCrop). */
export function RandomResizedCrop(
  size: Size,
  options: RandomResizedCropOptions = {},
): Transform<Tensor, Tensor> {
  const {
    scale = [0.08, 1],
    ratio = [3 / 4, 4 / 3],
    interpolation = 'bilinear',
    generator,
  } = checkOptions('RandomResizedCrop', options, RANDOM_RESIZED_CROP_KEYS);
  checkRange('RandomResizedCrop', 'scale', scale);
  checkRange('RandomResizedCrop', 'ratio', ratio);
  const out: [number, number] = typeof size === 'number' ? [size, size] : [size[0], size[1]];
  return (x) => {
    const [H, W] = x.shape.slice(-2) as [number, number];
    const [top, left, h, w] = randomResizedCropParams(H, W, scale, ratio, generator ?? defaultGenerator);
    return resizedCrop(x, top, left, h, w, out, interpolation);
  };
}

/** Options of {@link RandomRotation}. */
export interface RandomRotationOptions {
  /** `'nearest'` (default, as torchvision) or `'bilinear'`. */
  interpolation?: Interpolation;
  /** Grow the output to hold the whole rotated image (default false). */
  expand?: boolean;
  /** Centre of rotation `[x, y]` in pixels (default: the image centre). */
  center?: readonly [number, number];
  /** Value outside the rotated image (default 0). */
  fill?: number | readonly number[];
  /** Random stream (default: the global generator). */
  generator?: Generator;
}
const RANDOM_ROTATION_KEYS: OptionKeys<RandomRotationOptions> = {
  interpolation: true,
  expand: true,
  center: true,
  fill: true,
  generator: true,
};

/** Rotates by an angle drawn uniformly from `[-degrees, degrees]` (or `[min, max]`) (torchvision's RandomRotation). */
export function RandomRotation(
  degrees: number | readonly [number, number],
  options: RandomRotationOptions = {},
): Transform<Tensor, Tensor> {
  const { generator, ...rotateOptions } = checkOptions('RandomRotation', options, RANDOM_ROTATION_KEYS);
  if (typeof degrees === 'number' && degrees < 0) {
    throw new RangeError('RandomRotation: If degrees is a single number, it must be positive.');
  }
  const range: [number, number] =
    typeof degrees === 'number' ? [-degrees, degrees] : [degrees[0], degrees[1]];
  checkRange('RandomRotation', 'degrees', range);
  return (x) => rotate(x, uniform(generator ?? defaultGenerator, range[0], range[1]), rotateOptions);
}

/** Options of {@link ColorJitter}: each a factor `f` (drawn from `[max(0, 1 - f), 1 + f]`) or a `[min, max]` range. */
export interface ColorJitterOptions {
  /** Brightness factor spread (default 0: unchanged). */
  brightness?: number | readonly [number, number];
  /** Contrast factor spread (default 0). */
  contrast?: number | readonly [number, number];
  /** Saturation factor spread (default 0). */
  saturation?: number | readonly [number, number];
  /** Hue shift `h` in [0, 0.5], drawn from `[-h, h]`, or a range within [-0.5, 0.5] (default 0). */
  hue?: number | readonly [number, number];
  /** Random stream (default: the global generator). */
  generator?: Generator;
}
const COLOR_JITTER_KEYS: OptionKeys<ColorJitterOptions> = {
  brightness: true,
  contrast: true,
  saturation: true,
  hue: true,
  generator: true,
};

function jitterRange(
  name: string,
  value: number | readonly [number, number] | undefined,
  center: number,
  bounds: readonly [number, number],
  clipFirst: boolean,
): [number, number] | undefined {
  if (value === undefined) return undefined;
  let range: [number, number];
  if (typeof value === 'number') {
    if (value < 0)
      throw new RangeError(`ColorJitter: If ${name} is a single number, it must be non negative.`);
    range = [center - value, center + value];
    if (clipFirst) range[0] = Math.max(range[0], 0);
  } else {
    range = [value[0], value[1]];
  }
  if (!(bounds[0] <= range[0] && range[0] <= range[1] && range[1] <= bounds[1])) {
    throw new RangeError(
      `ColorJitter: ${name} values should be between [${bounds.join(', ')}], but got [${range.join(', ')}].`,
    );
  }
  // a range that is the single neutral value changes nothing (torchvision's None)
  return range[0] === center && range[1] === center ? undefined : range;
}

/**
 * Randomly changes brightness, contrast, saturation and hue, in a random order (torchvision's
 * ColorJitter) on a float CHW image in [0, 1].
 */
export function ColorJitter(options: ColorJitterOptions = {}): Transform<Tensor, Tensor> {
  const o = checkOptions('ColorJitter', options, COLOR_JITTER_KEYS);
  const ranges = [
    jitterRange('brightness', o.brightness, 1, [0, Number.POSITIVE_INFINITY], true),
    jitterRange('contrast', o.contrast, 1, [0, Number.POSITIVE_INFINITY], true),
    jitterRange('saturation', o.saturation, 1, [0, Number.POSITIVE_INFINITY], true),
    jitterRange('hue', o.hue, 0, [-0.5, 0.5], false),
  ];
  const adjust = [adjustBrightness, adjustContrast, adjustSaturation, adjustHue];
  return (x) => {
    const g = o.generator ?? defaultGenerator;
    // torchvision: a random order (randperm(4)), then one factor per adjustment that is on
    const order = [0, 1, 2, 3];
    for (let i = 3; i > 0; i--) {
      const j = g.integer(0, i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const factors = ranges.map((r) => (r ? uniform(g, r[0], r[1]) : undefined));
    let out = x;
    for (const k of order) if (factors[k] !== undefined) out = adjust[k]!(out, factors[k]);
    return out;
  };
}

/** Options of {@link RandomErasing}. */
export interface RandomErasingOptions {
  /** Probability of erasing (default 0.5). */
  p?: number;
  /** Range of the erased area as a fraction of the image's (default [0.02, 0.33]). */
  scale?: readonly [number, number];
  /** Range of the erased rectangle's aspect ratio h/w, drawn log-uniformly (default [0.3, 3.3]). */
  ratio?: readonly [number, number];
  /** Fill value: a number, one per channel, or `'random'` for standard normal noise (default 0). */
  value?: number | readonly number[] | 'random';
  /** Random stream (default: the global generator). */
  generator?: Generator;
}
const RANDOM_ERASING_KEYS: OptionKeys<RandomErasingOptions> = {
  p: true,
  scale: true,
  ratio: true,
  value: true,
  generator: true,
};

/**
 * Erases a random rectangle of a CHW tensor with probability `p` (torchvision's RandomErasing; apply it
 * after normalization). When 10 draws find no rectangle that fits, the image is returned unchanged.
 * The input is never modified (torchvision's `inplace=False`).
 */
export function RandomErasing(options: RandomErasingOptions = {}): Transform<Tensor, Tensor> {
  const {
    p = 0.5,
    scale = [0.02, 0.33],
    ratio = [0.3, 3.3],
    value = 0,
    generator,
  } = checkOptions('RandomErasing', options, RANDOM_ERASING_KEYS);
  if (!(p >= 0 && p <= 1))
    throw new RangeError(`RandomErasing: Random erasing probability should be between 0 and 1, got ${p}`);
  if (!(scale[0] >= 0 && scale[1] <= 1))
    throw new RangeError('RandomErasing: Scale should be between 0 and 1');
  checkRange('RandomErasing', 'scale', scale);
  checkRange('RandomErasing', 'ratio', ratio);
  return (x) => {
    const g = generator ?? defaultGenerator;
    if (!(g.random() < p)) return x;
    if (x.ndim !== 3) {
      throw new RangeError(`RandomErasing: expected a [C, H, W] tensor, got shape [${x.shape.join(', ')}]`);
    }
    const [C, H, W] = x.shape as [number, number, number];
    if (Array.isArray(value) && value.length !== C) {
      throw new RangeError(
        `RandomErasing: If value is a sequence, it should have either a single value or ${C} (number of input channels)`,
      );
    }
    const [logLo, logHi] = [Math.log(ratio[0]), Math.log(ratio[1])];
    for (let attempt = 0; attempt < 10; attempt++) {
      const area = H * W * uniform(g, scale[0], scale[1]);
      const aspect = Math.exp(uniform(g, logLo, logHi));
      const h = roundHalfEven(Math.sqrt(area * aspect));
      const w = roundHalfEven(Math.sqrt(area / aspect));
      if (!(h < H && w < W)) continue;
      const v =
        value === 'random'
          ? randn([C, h, w], { generator: g })
          : tensor(typeof value === 'number' ? [value] : [...(value as readonly number[])]).reshape([
              -1, 1, 1,
            ]);
      const top = g.integer(0, H - h + 1);
      const left = g.integer(0, W - w + 1);
      return erase(x, top, left, h, w, v);
    }
    return x;
  };
}
