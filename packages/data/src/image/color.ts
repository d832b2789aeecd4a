import type { Tensor } from '@nn/tensor';
import { emptyLike, readPlanes, toTensor } from './chw';

// torchvision's colour adjustments on float CHW tensors in [0, 1] (functional_tensor.py, 0.14).

/** `ratio * a + (1 - ratio) * b`, clamped to [0, 1] (torchvision's `_blend` for float images). */
function blend(a: Tensor, b: Tensor | number, ratio: number): Tensor {
  const other = typeof b === 'number' ? b * (1 - ratio) : b.mul(1 - ratio);
  return a.mul(ratio).add(other).clamp(0, 1);
}

function checkChannels(op: string, x: Tensor, allowed: readonly number[]): number {
  const c = x.ndim === 3 ? x.shape[0]! : 1;
  if (!allowed.includes(c)) {
    throw new RangeError(
      `${op}: expected an image with ${allowed.join(' or ')} channels, got ${c} (shape [${x.shape.join(', ')}])`,
    );
  }
  return c;
}

/** Luma `0.2989 r + 0.587 g + 0.114 b` as a [1, H, W] image (torchvision's rgb_to_grayscale). */
export function rgbToGrayscale(x: Tensor): Tensor {
  checkChannels('rgbToGrayscale', x, [3]);
  const [r, g, b] = x.unbind(-3) as [Tensor, Tensor, Tensor];
  return r.mul(0.2989).add(g.mul(0.587)).add(b.mul(0.114)).unsqueeze(-3);
}

/** Scales brightness by `factor` (0 gives black, 1 the original). */
export function adjustBrightness(x: Tensor, factor: number): Tensor {
  checkChannels('adjustBrightness', x, [1, 3]);
  return blend(x, 0, factor);
}

/** Blends with the mean grey level: `factor` 0 gives a solid grey image, 1 the original. */
export function adjustContrast(x: Tensor, factor: number): Tensor {
  const c = checkChannels('adjustContrast', x, [1, 3]);
  const mean = (c === 3 ? rgbToGrayscale(x) : x).mean([-3, -2, -1], { keepdim: true });
  return blend(x, mean, factor);
}

/** Blends with the greyscale image: `factor` 0 gives grey, 1 the original, 2 doubles the saturation. */
export function adjustSaturation(x: Tensor, factor: number): Tensor {
  const c = checkChannels('adjustSaturation', x, [1, 3]);
  return c === 1 ? x : blend(x, rgbToGrayscale(x), factor);
}

/** Shifts the hue by `factor` in [-0.5, 0.5] of a turn (through HSV, as torchvision). */
export function adjustHue(x: Tensor, factor: number): Tensor {
  if (!(factor >= -0.5 && factor <= 0.5)) {
    throw new RangeError(`adjustHue: hue factor (${factor}) is not in [-0.5, 0.5]`);
  }
  const c = checkChannels('adjustHue', x, [1, 3]);
  if (c === 1) return x;
  const p = readPlanes('adjustHue', x);
  const out = emptyLike(p, p.height, p.width);
  const n = p.height * p.width;
  const f32 = p.dtype === 'float32' ? Math.fround : (v: number) => v;
  for (let k = 0; k < n; k++) {
    const [r, g, b] = [p.data[k]!, p.data[n + k]!, p.data[2 * n + k]!];
    // _rgb2hsv
    const maxc = Math.max(r, g, b);
    const minc = Math.min(r, g, b);
    const eqc = maxc === minc;
    const cr = f32(maxc - minc);
    const s = f32(cr / (eqc ? 1 : maxc));
    const div = eqc ? 1 : cr;
    const [rc, gc, bc] = [f32(f32(maxc - r) / div), f32(f32(maxc - g) / div), f32(f32(maxc - b) / div)];
    const hr = maxc === r ? f32(bc - gc) : 0;
    const hg = maxc === g && maxc !== r ? f32(f32(2 + rc) - bc) : 0;
    const hb = maxc !== g && maxc !== r ? f32(f32(4 + gc) - rc) : 0;
    let h = f32(f32(f32(hr + hg) + hb) / 6);
    h = f32(h + 1) % 1;
    h = f32(f32(h + factor) % 1);
    if (h < 0) h = f32(h + 1);
    // _hsv2rgb
    const v = maxc;
    const h6 = f32(h * 6);
    const i = Math.floor(h6);
    const fr = f32(h6 - i);
    const clamp = (t: number) => Math.min(1, Math.max(0, t));
    const pp = clamp(f32(v * f32(1 - s)));
    const q = clamp(f32(v * f32(1 - f32(s * fr))));
    const t = clamp(f32(v * f32(1 - f32(s * f32(1 - fr)))));
    const sector = ((i % 6) + 6) % 6;
    const rgb = [
      [v, t, pp],
      [q, v, pp],
      [pp, v, t],
      [pp, q, v],
      [t, pp, v],
      [v, pp, q],
    ][sector]!;
    out.data[k] = rgb[0]!;
    out.data[n + k] = rgb[1]!;
    out.data[2 * n + k] = rgb[2]!;
  }
  return toTensor(out);
}
