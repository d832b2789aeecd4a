import { describe, expect, it } from 'vitest';
import { toMnistImage } from '../src/digit-image';

/** Ink (1) in rows [top, bottom) and columns [left, right) of a size×size drawing. */
function block(size: number, top: number, bottom: number, left: number, right: number): Float32Array {
  const ink = new Float32Array(size * size);
  for (let y = top; y < bottom; y++) ink.fill(1, y * size + left, y * size + right);
  return ink;
}

function inkBox(image: Float32Array): { rows: number; cols: number; cy: number; cx: number } {
  let mass = 0;
  let cy = 0;
  let cx = 0;
  const rows = new Set<number>();
  const cols = new Set<number>();
  image.forEach((v, i) => {
    if (v <= 0) return;
    const [y, x] = [Math.floor(i / 28), i % 28];
    rows.add(y);
    cols.add(x);
    mass += v;
    cy += v * y;
    cx += v * x;
  });
  return { rows: rows.size, cols: cols.size, cy: cy / mass, cx: cx / mass };
}

describe('toMnistImage (the drawing as MNIST prepared its digits)', () => {
  it('scales the ink into a 20-pixel box, keeping its aspect, centred on its centre of mass', () => {
    // a tall bar in the top-left corner of a 112×112 pad: 40 high, 12 wide
    const image = toMnistImage(block(112, 0, 40, 0, 12), 112);
    const box = inkBox(image);
    expect(box.rows).toBe(20);
    expect(box.cols).toBe(6);
    expect(Math.abs(box.cy - 13.5)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(box.cx - 13.5)).toBeLessThanOrEqual(0.5);
    expect(Math.max(...image)).toBe(1);
  });

  it('gives an empty image for an empty drawing', () => {
    expect(toMnistImage(new Float32Array(56 * 56), 56).every((v) => v === 0)).toBe(true);
  });
});
