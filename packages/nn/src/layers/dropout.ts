import { type Tensor, ValueError } from '@nn/tensor';
import { alphaDropout, dropout, dropout2d, featureAlphaDropout } from '../functional/dropout';
import { Module } from '../module/module';
import { pyBool, pyFloat } from '../module/repr';

abstract class DropoutBase extends Module {
  /** Probability of zeroing an element (or a channel, for Dropout2d). */
  readonly p: number;

  constructor(p: number) {
    super();
    if (!(p >= 0 && p <= 1)) {
      throw new ValueError(
        this.constructor.name,
        `dropout probability has to be between 0 and 1, but got ${p}`,
      );
    }
    this.p = p;
  }

  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=${pyBool(false)}`;
  }
}

/**
 * In training mode zeroes each element with probability `p` (default 0.5) and scales the rest by
 * `1 / (1 - p)`; the identity in eval mode (`torch.nn.Dropout`).
 *
 * @example
 * ```ts
 * import { Dropout } from '@nn/nn';
 * import { ones } from '@nn/tensor';
 *
 * const drop = new Dropout(0.5);
 * console.log(drop.call(ones([8])).tolist()); // training: about half zeros, the rest 2
 * drop.eval();
 * console.log(drop.call(ones([8])).tolist()); // evaluation: unchanged
 * ```
 */
export class Dropout extends DropoutBase {
  constructor(p = 0.5) {
    super(p);
  }

  override forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training);
  }
}

/**
 * In training mode zeroes whole channels of `[N, C, H, W]` input with probability `p` (default 0.5),
 * scaling the rest by `1 / (1 - p)`; the identity in eval mode (`torch.nn.Dropout2d`).
 */
export class Dropout2d extends DropoutBase {
  constructor(p = 0.5) {
    super(p);
  }

  override forward(x: Tensor): Tensor {
    return dropout2d(x, this.p, this.training);
  }
}

/**
 * Alpha dropout for self-normalising (SELU) networks (`torch.nn.AlphaDropout`): in training mode drops
 * elements with probability `p` (default 0.5) to SELU's saturation value and rescales so that the input's
 * mean and variance are kept; the identity in eval mode.
 */
export class AlphaDropout extends DropoutBase {
  constructor(p = 0.5) {
    super(p);
  }

  override forward(x: Tensor): Tensor {
    return alphaDropout(x, this.p, this.training);
  }
}

/** Alpha dropout of whole channels of `[N, C, ...]` input (`torch.nn.FeatureAlphaDropout`). */
export class FeatureAlphaDropout extends DropoutBase {
  constructor(p = 0.5) {
    super(p);
  }

  override forward(x: Tensor): Tensor {
    return featureAlphaDropout(x, this.p, this.training);
  }
}
