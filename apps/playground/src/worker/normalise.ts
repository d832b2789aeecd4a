// The usual MNIST normalisation (mean and std of the training pixels), as apps/mnist trains with: the
// pretrained weights expect it.
const MEAN = 0.1307;
const STD = 0.3081;

/** Pixels 0-255 (or 0-1 with `scale` 1) to the normalised values the models see. */
export function normalise(pixels: ArrayLike<number>, scale = 255): Float32Array {
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = (pixels[i]! / scale - MEAN) / STD;
  return out;
}
