// `TF`: torchvision.transforms.functional's image ops for float CHW tensors.
export { adjustBrightness, adjustContrast, adjustHue, adjustSaturation, rgbToGrayscale } from './color';
export {
  centerCrop,
  crop,
  erase,
  type Interpolation,
  type RotateOptions,
  resize,
  resizedCrop,
  rotate,
} from './geometry';
