/**
 * Turns a drawing (grey levels 0-1 on a square grid, ink = 1) into a 28×28 MNIST-style image: the ink's
 * bounding box scaled to fit 20×20 (aspect kept, area-averaged), then placed so its centre of mass sits at
 * the centre of the 28×28 field, as the MNIST digits were prepared.
 */
export function toMnistImage(ink: Float32Array, size: number): Float32Array {
  let top = size;
  let bottom = -1;
  let left = size;
  let right = -1;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (ink[y * size + x]! > 0.05) {
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
        left = Math.min(left, x);
        right = Math.max(right, x);
      }
    }
  }
  const out = new Float32Array(28 * 28);
  if (bottom < 0) return out;
  const boxH = bottom - top + 1;
  const boxW = right - left + 1;
  const scale = 20 / Math.max(boxH, boxW);
  const h = Math.max(1, Math.round(boxH * scale));
  const w = Math.max(1, Math.round(boxW * scale));
  // area-average the box into h×w cells
  const small = new Float32Array(h * w);
  for (let y = 0; y < boxH; y++) {
    for (let x = 0; x < boxW; x++) {
      const cell =
        Math.min(h - 1, Math.floor((y * h) / boxH)) * w + Math.min(w - 1, Math.floor((x * w) / boxW));
      small[cell]! += ink[(top + y) * size + left + x]!;
    }
  }
  const perCell = (boxH / h) * (boxW / w);
  let mass = 0;
  let cy = 0;
  let cx = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = Math.min(1, small[y * w + x]! / perCell);
      small[y * w + x] = v;
      mass += v;
      cy += v * y;
      cx += v * x;
    }
  }
  const offY = Math.round(14 - cy / mass - 0.5);
  const offX = Math.round(14 - cx / mass - 0.5);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const ty = y + offY;
      const tx = x + offX;
      if (ty >= 0 && ty < 28 && tx >= 0 && tx < 28) out[ty * 28 + tx] = small[y * w + x]!;
    }
  }
  return out;
}
