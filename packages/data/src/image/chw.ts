import { isFloating, type Tensor, tensor } from '@nn/tensor';

/** A CHW (or HW) float image's values, read once for the pixel loops of the image transforms. */
export interface Planes {
  data: Float32Array | Float64Array;
  channels: number;
  height: number;
  width: number;
  dtype: 'float32' | 'float64';
  /** The leading shape to give the result back (`[C]`, or `[]` for an HW image). */
  lead: number[];
}

/** Reads a float CHW/HW tensor, naming the transform in errors. */
export function readPlanes(op: string, x: Tensor): Planes {
  if (!isFloating(x.dtype) || (x.dtype !== 'float32' && x.dtype !== 'float64')) {
    throw new TypeError(
      `${op}: expected a float32 or float64 image tensor, got ${x.dtype}; convert with ToTensor() or .float()`,
    );
  }
  if (x.ndim !== 3 && x.ndim !== 2) {
    throw new RangeError(
      `${op}: expected a [C, H, W] (or [H, W]) image tensor, got shape [${x.shape.join(', ')}]`,
    );
  }
  const [height, width] = x.shape.slice(-2) as [number, number];
  const channels = x.ndim === 3 ? x.shape[0]! : 1;
  return {
    data: x.contiguous().dataSync() as Float32Array | Float64Array,
    channels,
    height,
    width,
    dtype: x.dtype,
    lead: x.ndim === 3 ? [channels] : [],
  };
}

/** A new planes buffer of the same dtype and channel count, `height x width`. */
export function emptyLike(p: Planes, height: number, width: number): Planes {
  const size = p.channels * height * width;
  return {
    ...p,
    height,
    width,
    data: p.dtype === 'float32' ? new Float32Array(size) : new Float64Array(size),
  };
}

/** The planes as a tensor (CHW, or HW when the input was). */
export function toTensor(p: Planes): Tensor {
  return tensor(p.data, { dtype: p.dtype }).reshape([...p.lead, p.height, p.width]);
}

/** Python's `round` (half to even), which torchvision's parameter draws use. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
