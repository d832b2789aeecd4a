import { describe, expect, it } from 'vitest';
import { maxPool2dWithIndices, tensor } from '../src';

// MaxPool2d(2) on float32 takes a WebAssembly SIMD kernel; every other case the JS loop (float64 input
// has the same windows there, so the two paths can be compared on the same data).

/** Values with ties, NaN in every position of a window, infinities and signed zeros, seeded. */
function awkwardPlanes(planes: number, h: number, w: number): Float32Array {
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const specials = [Number.NaN, Infinity, -Infinity, 0, -0, 1, 1];
  return Float32Array.from({ length: planes * h * w }, () =>
    random() < 0.15 ? specials[Math.floor(random() * specials.length)]! : Math.round(random() * 8) - 4,
  );
}

/** The first largest of each window in row-major order, a NaN winning: the JS reference. */
function reference(x: Float32Array, planes: number, h: number, w: number) {
  const [oh, ow] = [h >> 1, w >> 1];
  const values: number[] = [];
  const indices: number[] = [];
  for (let p = 0; p < planes; p++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        let at = 2 * i * w + 2 * j;
        let best = x[p * h * w + at]!;
        for (const q of [at + 1, at + w, at + w + 1]) {
          const v = x[p * h * w + q]!;
          if (!Number.isNaN(best) && (v > best || Number.isNaN(v))) [best, at] = [v, q];
        }
        values.push(best);
        indices.push(at);
      }
    }
  }
  return { values, indices };
}

describe('MaxPool2d(2) in SIMD', () => {
  for (const [n, c, h, w] of [
    [2, 3, 28, 28], // ow = 14: rows end mid-vector
    [1, 1, 7, 9], // odd sizes floor away the last row and column
    [3, 70, 14, 14], // many planes: several calls
    [1, 2, 2, 2],
    [1, 1, 200, 150], // one plane per call
    [1, 1, 200, 200], // a plane too large for one call: the JS loop
  ] as const) {
    it(`matches the first-largest rule on [${n}, ${c}, ${h}, ${w}] with NaN, ties and signed zeros`, () => {
      const data = awkwardPlanes(n * c, h, w);
      const { values, indices } = maxPool2dWithIndices(tensor(data).reshape([n, c, h, w]), 2);
      const want = reference(data, n * c, h, w);
      expect([...values.dataSync()]).toEqual(want.values);
      expect([...indices.dataSync()].map(Number)).toEqual(want.indices);
    });
  }

  it('gives the bits of the JS loop on the same windows', () => {
    const data = awkwardPlanes(8, 28, 28);
    const x = tensor(data).reshape([2, 4, 28, 28]);
    const simd = maxPool2dWithIndices(x, 2);
    const js = maxPool2dWithIndices(x.double(), 2);
    const jsValues = Float32Array.from(js.values.dataSync() as Float64Array);
    expect(Buffer.from(simd.values.dataSync().buffer)).toEqual(Buffer.from(jsValues.buffer));
    expect([...simd.indices.dataSync()]).toEqual([...js.indices.dataSync()]);
  });
});
