import { pad, type Tensor } from '@nn/tensor';
import { emptyLike, type Planes, readPlanes, roundHalfEven, toTensor } from './chw';

/** How pixels are sampled: torchvision's InterpolationMode names. */
export type Interpolation = 'nearest' | 'bilinear';

function checkInterpolation(op: string, mode: string): void {
  if (mode !== 'nearest' && mode !== 'bilinear') {
    throw new RangeError(`${op}: interpolation must be 'nearest' or 'bilinear', got '${mode}'`);
  }
}

/** torch's `upsample_*2d` source index (align_corners=False), in float32 as torch's CPU kernel. */
function resampleAxis(inSize: number, outSize: number, mode: Interpolation) {
  const scale = Math.fround(inSize / outSize);
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const w1 = new Float64Array(outSize);
  for (let d = 0; d < outSize; d++) {
    if (mode === 'nearest') {
      i0[d] = Math.min(Math.floor(Math.fround(d * scale)), inSize - 1);
      i1[d] = i0[d]!;
      continue;
    }
    const src = Math.max(0, Math.fround(Math.fround(scale * (d + 0.5)) - 0.5));
    const lo = Math.floor(src);
    i0[d] = lo;
    i1[d] = lo < inSize - 1 ? lo + 1 : lo;
    w1[d] = Math.fround(src - lo);
  }
  return { i0, i1, w1 };
}

/** Resamples planes to `height x width` (torch's interpolate, align_corners=False, no antialias). */
function resamplePlanes(p: Planes, height: number, width: number, mode: Interpolation): Planes {
  const out = emptyLike(p, height, width);
  const ys = resampleAxis(p.height, height, mode);
  const xs = resampleAxis(p.width, width, mode);
  for (let c = 0; c < p.channels; c++) {
    const src = c * p.height * p.width;
    const dst = c * height * width;
    for (let y = 0; y < height; y++) {
      const r0 = src + ys.i0[y]! * p.width;
      const r1 = src + ys.i1[y]! * p.width;
      const wy = ys.w1[y]!;
      for (let x = 0; x < width; x++) {
        const [a, b, wx] = [xs.i0[x]!, xs.i1[x]!, xs.w1[x]!];
        const top = (1 - wx) * p.data[r0 + a]! + wx * p.data[r0 + b]!;
        const bottom = (1 - wx) * p.data[r1 + a]! + wx * p.data[r1 + b]!;
        out.data[dst + y * width + x] = (1 - wy) * top + wy * bottom;
      }
    }
  }
  return out;
}

/** An int size is the smaller edge (torchvision's rule, with `maxSize` capping the longer one); a pair is [h, w]. */
export function resizedSize(
  op: string,
  height: number,
  width: number,
  size: number | readonly [number, number],
  maxSize?: number,
): [number, number] {
  if (typeof size !== 'number') return [size[0], size[1]];
  const [short, long] = width <= height ? [width, height] : [height, width];
  let [newShort, newLong] = [size, Math.floor((size * long) / short)];
  if (maxSize !== undefined) {
    if (maxSize <= size) {
      throw new RangeError(
        `${op}: maxSize = ${maxSize} must be strictly greater than the requested size for the smaller edge size = ${size}`,
      );
    }
    if (newLong > maxSize) [newShort, newLong] = [Math.floor((maxSize * newShort) / newLong), maxSize];
  }
  return width <= height ? [newLong, newShort] : [newShort, newLong];
}

/** Resizes a CHW image (torchvision's F.resize on tensors, antialias off). */
export function resize(
  x: Tensor,
  size: number | readonly [number, number],
  interpolation: Interpolation = 'bilinear',
  maxSize?: number,
): Tensor {
  checkInterpolation('resize', interpolation);
  const p = readPlanes('resize', x);
  const [h, w] = resizedSize('resize', p.height, p.width, size, maxSize);
  if (!(h > 0 && w > 0)) throw new RangeError(`resize: the output size must be positive, got ${h}x${w}`);
  if (h === p.height && w === p.width) return x;
  return toTensor(resamplePlanes(p, h, w, interpolation));
}

/** The `[h, w]` window at (`top`, `left`) (torchvision's F.crop; parts outside the image are zeros). */
export function crop(x: Tensor, top: number, left: number, height: number, width: number): Tensor {
  const H = x.shape[x.ndim - 2]!;
  const W = x.shape[x.ndim - 1]!;
  const [padTop, padLeft] = [Math.max(0, -top), Math.max(0, -left)];
  const [padBottom, padRight] = [Math.max(0, top + height - H), Math.max(0, left + width - W)];
  const padded =
    padTop || padLeft || padBottom || padRight ? pad(x, [padLeft, padRight, padTop, padBottom]) : x;
  return padded
    .narrow(-2, top + padTop, height)
    .narrow(-1, left + padLeft, width)
    .contiguous();
}

/** The central `size` window (torchvision's F.center_crop: zero-padded when larger than the image). */
export function centerCrop(x: Tensor, size: number | readonly [number, number]): Tensor {
  const [ch, cw] = typeof size === 'number' ? [size, size] : size;
  let img = x;
  let H = img.shape[img.ndim - 2]!;
  let W = img.shape[img.ndim - 1]!;
  if (ch > H || cw > W) {
    const l = cw > W ? Math.floor((cw - W) / 2) : 0;
    const t = ch > H ? Math.floor((ch - H) / 2) : 0;
    const r = cw > W ? Math.floor((cw - W + 1) / 2) : 0;
    const b = ch > H ? Math.floor((ch - H + 1) / 2) : 0;
    img = pad(img, [l, r, t, b]);
    H = img.shape[img.ndim - 2]!;
    W = img.shape[img.ndim - 1]!;
    if (ch === H && cw === W) return img;
  }
  return crop(img, roundHalfEven((H - ch) / 2), roundHalfEven((W - cw) / 2), ch, cw);
}

/** Crop, then resize to `size` (torchvision's F.resized_crop). */
export function resizedCrop(
  x: Tensor,
  top: number,
  left: number,
  height: number,
  width: number,
  size: number | readonly [number, number],
  interpolation: Interpolation = 'bilinear',
): Tensor {
  return resize(crop(x, top, left, height, width), size, interpolation);
}

/** torchvision's `_get_inverse_affine_matrix` for a pure rotation about `center` (offsets from the middle). */
function inverseRotation(center: readonly [number, number], angle: number): number[] {
  const rot = (angle * Math.PI) / 180;
  const [a, b, c, d] = [Math.cos(rot), -Math.sin(rot), Math.sin(rot), Math.cos(rot)];
  const m = [d, -b, 0, -c, a, 0];
  const [cx, cy] = center;
  m[2]! += m[0]! * -cx + m[1]! * -cy;
  m[5]! += m[3]! * -cx + m[4]! * -cy;
  m[2]! += cx;
  m[5]! += cy;
  return m;
}

/** The output size that holds the whole rotated image (torchvision's `_compute_affine_output_size`). */
function expandedSize(m: readonly number[], w: number, h: number): [number, number] {
  const pts = [
    [-0.5 * w, -0.5 * h],
    [-0.5 * w, 0.5 * h],
    [0.5 * w, 0.5 * h],
    [0.5 * w, -0.5 * h],
  ];
  // corners shifted to [0, w] x [0, h], then rounded out at 1e-4 precision (as torchvision)
  const xs = pts.map(([x, y]) => Math.fround(Math.fround(m[0]! * x! + m[1]! * y! + m[2]!) + w * 0.5));
  const ys = pts.map(([x, y]) => Math.fround(Math.fround(m[3]! * x! + m[4]! * y! + m[5]!) + h * 0.5));
  const tol = 1e-4;
  const span = (v: number[]) =>
    Math.ceil(Math.fround(Math.trunc(Math.fround(Math.max(...v) / tol)) * tol)) -
    Math.floor(Math.fround(Math.trunc(Math.fround(Math.min(...v) / tol)) * tol));
  return [Math.trunc(span(xs)), Math.trunc(span(ys))];
}

/** Options of {@link rotate}. */
export interface RotateOptions {
  /** How pixels are sampled (default `'nearest'`, as torchvision). */
  interpolation?: Interpolation;
  /** Grow the output to hold the whole rotated image (default false). */
  expand?: boolean;
  /** Centre of rotation `[x, y]` in pixels (default: the image centre). */
  center?: readonly [number, number];
  /** Value for the area outside the rotated image: one for all channels or one per channel (default 0). */
  fill?: number | readonly number[];
}

/**
 * Rotates a CHW image by `angle` degrees counter-clockwise (torchvision's F.rotate on tensors: an affine
 * grid sampled with zeros outside, then blended with `fill` through a sampled mask, exactly as it does).
 */
export function rotate(x: Tensor, angle: number, options: RotateOptions = {}): Tensor {
  const { interpolation = 'nearest', expand = false, center, fill = 0 } = options;
  checkInterpolation('rotate', interpolation);
  const p = readPlanes('rotate', x);
  const { width: w, height: h } = p;
  const centerF: [number, number] = center ? [center[0] - w * 0.5, center[1] - h * 0.5] : [0, 0];
  const m = inverseRotation(centerF, -angle).map(Math.fround);
  const [ow, oh] = expand ? expandedSize(m, w, h) : [w, h];
  const fills = typeof fill === 'number' ? new Array<number>(p.channels).fill(fill) : [...fill];
  if (fills.length !== p.channels) {
    throw new RangeError(`rotate: fill has ${fills.length} values but the image has ${p.channels} channels`);
  }
  const out = emptyLike(p, oh, ow);
  // torchvision's affine grid and grid_sample's unnormalization (align_corners=False), in float32 as
  // torch computes them, so nearest sampling rounds the same way
  const f = Math.fround;
  const [ax, bxw, cx] = [f(m[0]! / (0.5 * w)), f(m[1]! / (0.5 * w)), f(m[2]! / (0.5 * w))];
  const [ay, byh, cy] = [f(m[3]! / (0.5 * h)), f(m[4]! / (0.5 * h)), f(m[5]! / (0.5 * h))];
  const unnormalize = (g: number, size: number) => f(f(f(f(g + 1) * size) - 1) / 2);
  for (let y = 0; y < oh; y++) {
    const by = -oh * 0.5 + 0.5 + y;
    for (let xo = 0; xo < ow; xo++) {
      const bx = -ow * 0.5 + 0.5 + xo;
      const sx = unnormalize(f(f(f(bx * ax) + f(by * bxw)) + cx), w);
      const sy = unnormalize(f(f(f(bx * ay) + f(by * byh)) + cy), h);
      for (let c = 0; c < p.channels; c++) {
        const plane = c * h * w;
        const at = (yy: number, xx: number) => (yy >= 0 && yy < h && xx >= 0 && xx < w ? 1 : 0);
        const value = (yy: number, xx: number) => (at(yy, xx) ? p.data[plane + yy * w + xx]! : 0);
        let v: number;
        if (interpolation === 'nearest') {
          const [ny, nx] = [roundHalfEven(sy), roundHalfEven(sx)];
          v = at(ny, nx) ? value(ny, nx) : fills[c]!;
        } else {
          const [x0, y0] = [Math.floor(sx), Math.floor(sy)];
          const [fx, fy] = [sx - x0, sy - y0];
          const weights = [
            [y0, x0, (1 - fx) * (1 - fy)],
            [y0, x0 + 1, fx * (1 - fy)],
            [y0 + 1, x0, (1 - fx) * fy],
            [y0 + 1, x0 + 1, fx * fy],
          ] as const;
          let sampled = 0;
          let mask = 0;
          for (const [yy, xx, wt] of weights) {
            sampled += wt * value(yy, xx);
            mask += wt * at(yy, xx);
          }
          v = sampled * mask + (1 - mask) * fills[c]!;
        }
        out.data[c * oh * ow + y * ow + xo] = v;
      }
    }
  }
  return toTensor(out);
}

/** Fills the `[h, w]` window at (`top`, `left`) with `value` (torchvision's F.erase; a new tensor). */
export function erase(
  x: Tensor,
  top: number,
  left: number,
  height: number,
  width: number,
  value: Tensor,
): Tensor {
  const out = x.clone();
  out
    .narrow(-2, top, height)
    .narrow(-1, left, width)
    .copy_(value.to(x.dtype).expand([...x.shape.slice(0, -2), height, width]));
  return out;
}
