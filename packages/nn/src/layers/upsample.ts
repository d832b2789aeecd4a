import { checkOptions, type Tensor } from '@nn/tensor';
import { type InterpolateMode, type InterpolateOptions, interpolate } from '../functional/interpolate';
import { Module } from '../module/module';
import { pyFloat } from '../module/repr';
import { UPSAMPLE_KEYS } from '../utils/spatial-option-keys';

const pySizes = (v: number | readonly number[], spell: (n: number) => string) =>
  typeof v === 'number' ? spell(v) : `(${v.map(spell).join(', ')})`;

/** Options of {@link Upsample}: {@link interpolate}'s but `antialias`, which `torch.nn.Upsample` lacks too. */
export type UpsampleOptions = Omit<InterpolateOptions, 'antialias'>;

/**
 * Resizes `[N, C, ...spatial]` input to `size` or by `scaleFactor` (`torch.nn.Upsample`; see
 * {@link interpolate} for the modes).
 *
 * @example
 * ```ts
 * import { Upsample } from '@nn/nn';
 * import { randn } from '@nn/tensor';
 *
 * const up = new Upsample({ scaleFactor: 2, mode: 'bilinear' });
 * console.log(up.call(randn([1, 3, 8, 8])).shape); // [ 1, 3, 16, 16 ]
 * console.log(String(up)); // Upsample(scale_factor=2.0, mode=bilinear)
 * ```
 */
export class Upsample extends Module {
  /** Output spatial size, if given. */
  readonly size: number | readonly number[] | undefined;
  /** Spatial multiplier, if given. */
  readonly scaleFactor: number | readonly number[] | undefined;
  /** Interpolation mode. */
  readonly mode: InterpolateMode;
  /** Whether corner pixels' centres are aligned (linear modes). */
  readonly alignCorners: boolean | undefined;
  /** Whether the output size is computed first and the scale recomputed from it. */
  readonly recomputeScaleFactor: boolean | undefined;

  constructor(options: UpsampleOptions = {}) {
    checkOptions('Upsample', options, UPSAMPLE_KEYS);
    super();
    this.size = options.size;
    this.scaleFactor = options.scaleFactor;
    this.mode = options.mode ?? 'nearest';
    this.alignCorners = options.alignCorners;
    this.recomputeScaleFactor = options.recomputeScaleFactor;
  }

  override forward(x: Tensor): Tensor {
    return interpolate(x, {
      mode: this.mode,
      ...(this.size === undefined ? {} : { size: this.size }),
      ...(this.scaleFactor === undefined ? {} : { scaleFactor: this.scaleFactor }),
      ...(this.alignCorners === undefined ? {} : { alignCorners: this.alignCorners }),
      ...(this.recomputeScaleFactor === undefined ? {} : { recomputeScaleFactor: this.recomputeScaleFactor }),
    });
  }

  override extraRepr(): string {
    const what =
      this.scaleFactor !== undefined
        ? `scale_factor=${pySizes(this.scaleFactor, pyFloat)}`
        : `size=${pySizes(this.size ?? [], String)}`;
    return `${what}, mode=${this.mode}`;
  }
}

/** Nearest-neighbour 2-D upsampling (`torch.nn.UpsamplingNearest2d`): `Upsample` with mode `'nearest'`. */
export class UpsamplingNearest2d extends Upsample {
  constructor(options: { size?: number | readonly number[]; scaleFactor?: number | readonly number[] } = {}) {
    checkOptions('UpsamplingNearest2d', options, { size: true, scaleFactor: true });
    super({ ...options, mode: 'nearest' });
  }
}

/**
 * Bilinear 2-D upsampling with aligned corners (`torch.nn.UpsamplingBilinear2d`): `Upsample` with mode
 * `'bilinear'` and `alignCorners: true`.
 */
export class UpsamplingBilinear2d extends Upsample {
  constructor(options: { size?: number | readonly number[]; scaleFactor?: number | readonly number[] } = {}) {
    checkOptions('UpsamplingBilinear2d', options, { size: true, scaleFactor: true });
    super({ ...options, mode: 'bilinear', alignCorners: true });
  }
}
