import type { Tensor } from '@nn/tensor';
import { pixelShuffle, pixelUnshuffle } from '../functional/pixel-shuffle';
import { Module } from '../module/module';

/**
 * Rearranges `[*, C * r^2, H, W]` into `[*, C, H * r, W * r]` (`torch.nn.PixelShuffle`), the upsampling
 * step of sub-pixel convolution networks.
 *
 * @example
 * ```ts
 * import { PixelShuffle } from '@nn/nn';
 * import { randn } from '@nn/tensor';
 *
 * console.log(new PixelShuffle(3).call(randn([1, 9, 4, 4])).shape); // [ 1, 1, 12, 12 ]
 * ```
 */
export class PixelShuffle extends Module {
  constructor(
    /** The factor r each spatial dim grows by. */
    readonly upscaleFactor: number,
  ) {
    super();
  }

  override forward(x: Tensor): Tensor {
    return pixelShuffle(x, this.upscaleFactor);
  }

  override extraRepr(): string {
    return `upscale_factor=${this.upscaleFactor}`;
  }
}

/** Rearranges `[*, C, H * r, W * r]` into `[*, C * r^2, H, W]` (`torch.nn.PixelUnshuffle`). */
export class PixelUnshuffle extends Module {
  constructor(
    /** The factor r each spatial dim shrinks by. */
    readonly downscaleFactor: number,
  ) {
    super();
  }

  override forward(x: Tensor): Tensor {
    return pixelUnshuffle(x, this.downscaleFactor);
  }

  override extraRepr(): string {
    return `downscale_factor=${this.downscaleFactor}`;
  }
}
