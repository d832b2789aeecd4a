/** adaptiveMaxPool2d: the output's height and width. */
export interface AdaptiveMaxPoolAttrs {
  outputSize: [number, number];
}

/**
 * im2col (F.unfold) and col2im (F.fold): the sliding blocks over an `[N, C, H, W]` image, per spatial dim
 * (height, width). `imageSize` is the image's `[H, W]` (col2im's output size; im2col reads it off its input).
 */
export interface SlidingBlockAttrs {
  kernelSize: [number, number];
  dilation: [number, number];
  padding: [number, number];
  stride: [number, number];
  imageSize: [number, number];
}
