import { checkOptions, DTypeError, fmtShape, ShapeError, type Tensor, tensor, ValueError } from '@nn/tensor';
import { INTERPOLATE_KEYS } from '../utils/spatial-option-keys';
import { antialiasTaps } from './antialias';
import { asOp } from './as-op';
import { adaptiveAvgPool2d } from './pooling';

/** How {@link interpolate} computes each output value (PyTorch's `mode`). */
export type InterpolateMode =
  | 'nearest'
  | 'nearest-exact'
  | 'linear'
  | 'bilinear'
  | 'bicubic'
  | 'trilinear'
  | 'area';

/** Options of {@link interpolate}, as `torch.nn.functional.interpolate`'s keyword arguments. */
export interface InterpolateOptions {
  /** Output spatial size: one number for every spatial dim, or one per dim. Give this or `scaleFactor`. */
  size?: number | readonly number[];
  /** Multiplier of each spatial size (the output size is floored). Give this or `size`. */
  scaleFactor?: number | readonly number[];
  /** Interpolation (default `'nearest'`). */
  mode?: InterpolateMode;
  /**
   * Linear modes only: map the corner pixels' centres onto each other (`true`) instead of the corners of
   * the image (`false`, the default).
   */
  alignCorners?: boolean;
  /**
   * With `scaleFactor`: compute the output size first and interpolate for that size (`true`) instead of
   * with the given scale (the default), as PyTorch.
   */
  recomputeScaleFactor?: boolean;
  /**
   * `'bilinear'` and `'bicubic'` on 4-D input only: when downsampling, widen the filter by the downscale
   * factor so every input pixel contributes (as Pillow's resize; bicubic then uses A = -0.5), instead of
   * sampling and aliasing (`false`, the default). PyTorch's `antialias`.
   */
  antialias?: boolean;
}
const MODES: readonly InterpolateMode[] = [
  'nearest',
  'nearest-exact',
  'linear',
  'bilinear',
  'bicubic',
  'trilinear',
  'area',
];
/** The modes that need a given number of spatial dims. */
const SPATIAL_DIMS: Partial<Record<InterpolateMode, number>> = {
  linear: 1,
  bilinear: 2,
  bicubic: 2,
  trilinear: 3,
};

/** One tap of a separable 1-D resampling: output `i` adds `weights[i] * input[index[i]]` (no weights: 1). */
interface Tap {
  index: number[];
  weights?: number[];
}

/** PyTorch's `compute_scales_value`: the given 1 / scale, or input / output size. */
const scaleValue = (scale: number | undefined, input: number, output: number) =>
  scale !== undefined && scale > 0 ? 1 / scale : input / output;

/** PyTorch's `area_pixel_compute_scale`. */
function areaScale(input: number, output: number, alignCorners: boolean, scale: number | undefined): number {
  if (alignCorners) return output > 1 ? (input - 1) / (output - 1) : 0;
  return scaleValue(scale, input, output);
}

/**
 * The taps of one spatial dim, computed as PyTorch's CPU kernels do (in float32 arithmetic for float32
 * input, where the choice of a source index can depend on it).
 */
function taps(
  mode: InterpolateMode,
  input: number,
  output: number,
  scale: number | undefined,
  alignCorners: boolean,
  round: (v: number) => number,
): Tap[] {
  const out = Array.from({ length: output }, (_, i) => i);
  if (mode === 'nearest' || mode === 'nearest-exact') {
    // torch's nearest_idx / nearest_exact_idx compute in float32 whatever the input dtype.
    const f = Math.fround;
    const s = f(scaleValue(scale, input, output));
    const index = out.map((i) => {
      if (mode === 'nearest') {
        if (output === input) return i;
        if (output === 2 * input) return i >> 1;
        return Math.min(Math.floor(f(i * s)), input - 1);
      }
      return Math.min(Math.floor(f((i + 0.5) * s)), input - 1);
    });
    return [{ index }];
  }
  const s = round(areaScale(input, output, alignCorners, scale));
  const cubic = mode === 'bicubic';
  const source = out.map((i) => {
    if (alignCorners) return round(s * i);
    const src = round(s * (i + 0.5) - 0.5);
    return !cubic && src < 0 ? 0 : src;
  });
  if (!cubic) {
    const i0 = source.map((src) => Math.min(Math.floor(src), input - 1));
    const lambda1 = source.map((src, i) => Math.min(Math.max(round(src - i0[i]!), 0), 1));
    return [
      { index: i0, weights: lambda1.map((l) => round(1 - l)) },
      { index: i0.map((i) => (i < input - 1 ? i + 1 : i)), weights: lambda1 },
    ];
  }
  // Keys' cubic convolution with A = -0.75 over the 4 neighbours, clamped at the border, as PyTorch.
  const A = -0.75;
  const near = (x: number) => round(((A + 2) * x - (A + 3)) * x * x + 1);
  const far = (x: number) => round(((A * x - 5 * A) * x + 8 * A) * x - 4 * A);
  const floor = source.map(Math.floor);
  const t = source.map((src, i) => round(src - floor[i]!));
  const coefficients = [
    (x: number) => far(round(x + 1)),
    near,
    (x: number) => near(round(1 - x)),
    (x: number) => far(round(round(1 - x) + 1)),
  ];
  return coefficients.map((c, k) => ({
    index: floor.map((f) => Math.max(Math.min(f - 1 + k, input - 1), 0)),
    weights: t.map(c),
  }));
}

/**
 * `x` resampled along `dim` by `steps`: index selects, combined by fused elementwise ops (one `lerp` for the
 * two linear taps, `addcmul` for more: cubic, antialiased) so each dim costs few passes; autograd differentiates them.
 */
function resample(x: Tensor, dim: number, steps: readonly Tap[]): Tensor {
  const trailing = Array<number>(x.ndim - dim - 1).fill(1);
  const select = (index: number[]) => x.indexSelect(dim, tensor(index, { dtype: 'int32', device: x.device }));
  const weight = (w: number[]) =>
    tensor(w, { dtype: x.dtype, device: x.device }).reshape([w.length, ...trailing]);
  const [first, ...rest] = steps;
  if (!first!.weights) return select(first!.index);
  // Linear: x0 + λ1 (x1 - x0), the first tap's weight being 1 - λ1.
  if (rest.length === 1) return select(first!.index).lerp(select(rest[0]!.index), weight(rest[0]!.weights!));
  let out = select(first!.index).mul(weight(first!.weights));
  for (const { index, weights } of rest) out = out.addcmul(select(index), weight(weights!));
  return out;
}

/** Adaptive average pooling of `[N, C, ...spatial]` (1 to 3 spatial dims) to `size`: PyTorch's `'area'` mode. */
function area(x: Tensor, size: readonly number[]): Tensor {
  const [n, c] = x.shape as [number, number];
  if (size.length === 1) return adaptiveAvgPool2d(x.unsqueeze(2), [1, size[0]!]).squeeze(2);
  if (size.length === 2) return adaptiveAvgPool2d(x, [size[0]!, size[1]!]);
  // Adaptive windows and their means are separable: pool height and width per depth slice, then depth.
  const [d, h, w] = x.shape.slice(2) as [number, number, number];
  const planes = adaptiveAvgPool2d(x.reshape([n, c * d, h, w]), [size[1]!, size[2]!]);
  return adaptiveAvgPool2d(planes.reshape([n, c, d, size[1]! * size[2]!]), [
    size[0]!,
    size[1]! * size[2]!,
  ]).reshape([n, c, ...size]);
}

function perDim(name: string, v: number | readonly number[], dims: number, x: Tensor): number[] {
  const values = typeof v === 'number' ? Array<number>(dims).fill(v) : [...v];
  if (values.length !== dims) {
    throw new ShapeError(
      'interpolate',
      `Input and ${name} must have the same number of spatial dimensions, but got input with spatial dimensions of ` +
        `${fmtShape(x.shape.slice(2))} and ${name} ${fmtShape(values)}. Please provide input tensor in ` +
        `(N, C, d1, d2, ...,dK) format and ${name} in (o1, o2, ...,oK) format`,
    );
  }
  return values;
}

/**
 * Resizes `[N, C, ...spatial]` input (1, 2 or 3 spatial dims) to `size` or by `scaleFactor`
 * (`torch.nn.functional.interpolate`): nearest neighbour (`'nearest'`, PyTorch's legacy rounding, or
 * `'nearest-exact'`), (bi/tri)linear, bicubic (4 px wide Keys kernel, A = -0.75) or `'area'` (adaptive
 * average pooling). Index and weights follow PyTorch's kernels, so results and gradients match theirs.
 *
 * @example
 * ```ts
 * import { F } from '@nn/nn';
 * import { arange } from '@nn/tensor';
 *
 * const x = arange(4).reshape([1, 1, 2, 2]).float();
 * console.log(F.interpolate(x, { scaleFactor: 2 }).shape); // [ 1, 1, 4, 4 ]
 * console.log(F.interpolate(x, { size: 3, mode: 'bilinear', alignCorners: true }).tolist());
 * ```
 */
export function interpolate(x: Tensor, options: InterpolateOptions = {}): Tensor {
  checkOptions('interpolate', options, INTERPOLATE_KEYS);
  const mode = options.mode ?? 'nearest';
  if (!MODES.includes(mode)) {
    throw new ValueError(
      'interpolate',
      `mode must be one of ${MODES.map((m) => `'${m}'`).join(', ')}, got '${mode}'`,
    );
  }
  const interpolating = SPATIAL_DIMS[mode] !== undefined;
  if (!interpolating && options.alignCorners !== undefined) {
    throw new ValueError(
      'interpolate',
      'align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear',
    );
  }
  const alignCorners = options.alignCorners ?? false;
  const dims = x.ndim - 2;
  if (dims < 1 || dims > 3) {
    throw new ShapeError(
      'interpolate',
      `Input Error: Only 3D, 4D and 5D input Tensors supported (got ${x.ndim}D ${fmtShape(x.shape)}) for the modes: ` +
        `nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got ${mode}); add a batch dim with unsqueeze(0)`,
    );
  }
  if (options.antialias && !((mode === 'bilinear' || mode === 'bicubic') && x.ndim === 4)) {
    throw new ValueError(
      'interpolate',
      `Anti-alias option is only supported for bilinear and bicubic modes (got mode '${mode}' with ${x.ndim}D ` +
        `input ${fmtShape(x.shape)}; they need 4D [N, C, H, W] input)`,
    );
  }
  const needs = SPATIAL_DIMS[mode];
  if (needs !== undefined && needs !== dims) {
    throw new ShapeError(
      'interpolate',
      `Got ${x.ndim}D input ${fmtShape(x.shape)}, but ${mode} mode needs ${needs + 2}D input`,
    );
  }
  if (interpolating && x.dtype !== 'float32' && x.dtype !== 'float64') {
    throw new DTypeError(
      'interpolate',
      `${mode} mode is not implemented for ${x.dtype} input; convert with .float()`,
    );
  }
  const { size, scaleFactor } = options;
  if (size !== undefined && scaleFactor !== undefined) {
    throw new ValueError('interpolate', 'only one of size or scale_factor should be defined');
  }
  if (size === undefined && scaleFactor === undefined) {
    throw new ValueError('interpolate', 'either size or scale_factor should be defined');
  }
  if (options.recomputeScaleFactor && size !== undefined) {
    throw new ValueError('interpolate', 'recompute_scale_factor is not meaningful with an explicit size.');
  }
  const input = x.shape.slice(2);
  let scales = scaleFactor === undefined ? undefined : perDim('scale_factor', scaleFactor, dims, x);
  const output =
    size === undefined
      ? input.map((s, d) => Math.floor(s * scales![d]!))
      : perDim('output size', size, dims, x);
  // 'area' always pools to the computed size; otherwise recomputing drops the given scales.
  if (options.recomputeScaleFactor || mode === 'area') scales = undefined;
  if (output.some((s) => !Number.isInteger(s) || s <= 0) || input.some((s) => s <= 0)) {
    throw new ValueError(
      'interpolate',
      `Input and output sizes should be positive integers, but got input ${fmtShape(input)} output ${fmtShape(output)}`,
    );
  }
  if (mode === 'area') return asOp('interpolate', () => area(x, output));
  const round = x.dtype === 'float32' ? Math.fround : (v: number) => v;
  if (options.antialias && (mode === 'bilinear' || mode === 'bicubic')) {
    // Width first, as torch; an axis whose size is kept is still filtered unless its scale is exactly 1.
    let out = x;
    for (const d of [1, 0]) {
      const scale = round(areaScale(input[d]!, output[d]!, alignCorners, scales?.[d]));
      if (output[d] === input[d] && scale === 1) continue;
      out = resample(out, 2 + d, antialiasTaps(mode, input[d]!, output[d]!, scale, round));
    }
    return out;
  }
  let out = x;
  for (let d = 0; d < dims; d++) {
    if (output[d] === input[d] && (mode === 'nearest' || (scales === undefined && !alignCorners))) continue;
    out = resample(out, 2 + d, taps(mode, input[d]!, output[d]!, scales?.[d], alignCorners, round));
  }
  return out;
}
