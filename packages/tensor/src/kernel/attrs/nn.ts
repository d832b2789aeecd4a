/**
 * Attributes of the conv kernels: everything but the tensors' own sizes. Padding is per side so
 * `'same'` with even kernels needs no input copy.
 */
export interface ConvAttrs {
  /** Vertical stride. */
  strideH: number;
  /** Horizontal stride. */
  strideW: number;
  /** Zero rows added above. */
  padTop: number;
  /** Zero rows added below. */
  padBottom: number;
  /** Zero columns added on the left. */
  padLeft: number;
  /** Zero columns added on the right. */
  padRight: number;
  /** Vertical spacing between kernel taps. */
  dilationH: number;
  /** Horizontal spacing between kernel taps. */
  dilationW: number;
  /** Channel groups convolved separately. */
  groups: number;
}

/** conv2dBackwardInput: the conv's attributes plus the input's shape. */
export interface ConvBackwardInputAttrs extends ConvAttrs {
  inputShape: number[];
}

/** conv2dBackwardWeight: the conv's attributes plus the weight's shape. */
export interface ConvBackwardWeightAttrs extends ConvAttrs {
  weightShape: number[];
}

/** convTranspose2d: the conv's attributes plus the extra rows/columns added at the bottom/right. */
export interface ConvTransposeAttrs extends ConvAttrs {
  outputPaddingH: number;
  outputPaddingW: number;
}

/** Attributes of the pooling kernels, with every size already resolved per dim. */
export interface PoolAttrs {
  /** Window height and width. */
  kernelSize: [number, number];
  /** Window step per dim. */
  stride: [number, number];
  /** Implicit padding per side, per dim. */
  padding: [number, number];
  /** Spacing between window taps per dim. */
  dilation: [number, number];
  /** Output height and width. */
  outputSize: [number, number];
  /** Average pooling: count padding in the divisor. */
  countIncludePad?: boolean;
  /** Average pooling: divide by this instead of the window size. */
  divisorOverride?: number;
}

/** avgPool2dBackward: the pooling attributes plus the input's shape. */
export interface PoolBackwardAttrs extends PoolAttrs {
  inputShape: number[];
}

/** adaptiveAvgPool2d: the output's height and width. */
export interface AdaptivePoolAttrs {
  outputSize: [number, number];
}

/** adaptiveAvgPool2dBackward: the output size plus the input's shape. */
export interface AdaptivePoolBackwardAttrs extends AdaptivePoolAttrs {
  inputShape: number[];
}

/** Fused cross-entropy over logits `[N, C]` and int32 targets `[N]`. */
export interface CrossEntropyAttrs {
  ignoreIndex: number;
}

/** CTC loss over log-probabilities `[T, N, C]` (ctcLoss and ctcLossBackward). */
export interface CtcLossAttrs {
  /** The blank label, in [0, C). */
  blank: number;
  /** Whether the backward zeroes the gradient of infinite losses (the forward leaves them to the caller). */
  zeroInfinity: boolean;
}
