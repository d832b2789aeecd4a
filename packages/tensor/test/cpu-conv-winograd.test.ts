import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { conv2d, directConv2d } from '../src/backends/cpu/conv/conv2d';
import { type Conv2dGeometry, resolveConv2d } from '../src/backends/cpu/conv/geometry';
import { usesWinograd, winogradConv2d } from '../src/backends/cpu/conv/winograd';
import { gemmSettings } from '../src/backends/cpu/gemm/settings';
import { gemmThreads } from '../src/backends/cpu/gemm/wasm-engine';

function fill(out: Float32Array, seed: number): Float32Array {
  let s = seed * 2654435761;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x9e3779b9) | 0;
    out[i] = ((s >>> 8) / (1 << 24)) * 2 - 1;
  }
  return out;
}

/**
 * The stated accuracy of the Winograd path: within 4e-6 of the direct GEMM path, relative to the
 * largest |output| (at least 1). Measured: about 3e-7 on these shapes, the direct path's own error
 * against float64 being of the same order.
 */
const TOLERANCE = 4e-6;

const square = (batch: number, channels: number, size: number, outChannels: number, pad: number) => ({
  batch,
  inChannels: channels,
  inHeight: size,
  inWidth: size,
  outChannels,
  kernelHeight: 3,
  kernelWidth: 3,
  padTop: pad,
  padBottom: pad,
  padLeft: pad,
  padRight: pad,
});

/** Output sizes odd and even, narrower and wider than a vector group, units splitting images. */
const shapes: Conv2dGeometry[] = [
  square(32, 32, 14, 64, 1), // the bench shape
  square(1, 16, 18, 16, 0),
  square(3, 17, 13, 33, 1),
  square(2, 2, 9, 5, 2),
  square(5, 8, 7, 13, 1),
  square(2, 24, 30, 19, 1),
  { ...square(2, 16, 4, 16, 0), inWidth: 40, padTop: 2, padBottom: 1, padLeft: 3, padRight: 0 },
  { ...square(4, 6, 11, 7, 0), inWidth: 6, padTop: 0, padBottom: 1, padLeft: 1, padRight: 2 },
  { ...square(24, 3, 5, 9, 1), inWidth: 3, padLeft: 0 },
];

/** Big enough to run in several runs of images. */
const runs = square(3, 8, 256, 8, 1);

beforeAll(async () => {
  const deadline = Date.now() + 3000;
  while (gemmThreads() < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
});

afterEach(() => {
  gemmSettings({ engine: 'auto', maxThreads: Number.POSITIVE_INFINITY });
});

function compare(geometry: Conv2dGeometry, index: number): void {
  const g = resolveConv2d(geometry);
  expect(usesWinograd(g, new Float32Array(1))).toBe(true);
  const x = fill(new Float32Array(g.batch * g.inChannels * g.inHeight * g.inWidth), 1 + index);
  const w = fill(new Float32Array(g.outChannels * g.patch), 2 + index);
  const bias = index % 2 === 0 ? fill(new Float32Array(g.outChannels), 3 + index) : undefined;
  const want = new Float32Array(g.batch * g.outChannels * g.pixels);
  directConv2d(g, x, w, bias, want);
  const got = new Float32Array(want.length).fill(Number.NaN);
  winogradConv2d(g, x, w, bias, got);
  let scale = 1;
  for (const v of want) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs((got[i] as number) - (want[i] as number)) <= TOLERANCE * scale)) {
      throw new Error(`shape #${index} [${i}]: winograd ${got[i]}, direct ${want[i]}`);
    }
  }
}

describe('conv2d by Winograd F(2x2, 3x3)', () => {
  for (const [label, maxThreads] of [
    ['threaded', Number.POSITIVE_INFINITY],
    ['one thread', 1],
  ] as const) {
    it(`matches the direct GEMM path (${label})`, () => {
      gemmSettings({ maxThreads });
      for (const [index, geometry] of shapes.entries()) compare(geometry, index);
    });
  }

  it('matches the direct GEMM path when the batch runs in several runs', () => {
    compare(runs, shapes.length);
  });

  it('is the path conv2d takes for the bench shape', () => {
    const geometry = shapes[0] as Conv2dGeometry;
    const g = resolveConv2d(geometry);
    const x = fill(new Float32Array(g.batch * g.inChannels * g.inHeight * g.inWidth), 5);
    const w = fill(new Float32Array(g.outChannels * g.patch), 6);
    const bias = fill(new Float32Array(g.outChannels), 7);
    const [viaConv2d, winograd, direct] = [0, 1, 2].map(
      () => new Float32Array(g.batch * g.outChannels * g.pixels),
    );
    conv2d(geometry, x, w, bias, viaConv2d as Float32Array);
    winogradConv2d(g, x, w, bias, winograd as Float32Array);
    directConv2d(g, x, w, bias, direct as Float32Array);
    // Both paths are deterministic and round differently, so bit equality tells which one ran.
    const differences = (a: Float32Array, b: Float32Array) => a.filter((v, i) => !Object.is(v, b[i])).length;
    expect(differences(viaConv2d as Float32Array, winograd as Float32Array)).toBe(0);
    expect(differences(viaConv2d as Float32Array, direct as Float32Array)).toBeGreaterThan(0);
  });

  it("leaves inputs with infinities or NaN to the direct path (PyTorch's non-finite results)", () => {
    const geometry = shapes[0] as Conv2dGeometry;
    const g = resolveConv2d(geometry);
    const x = fill(new Float32Array(g.batch * g.inChannels * g.inHeight * g.inWidth), 8);
    const w = fill(new Float32Array(g.outChannels * g.patch), 9);
    for (const [array, value] of [
      [x, Number.POSITIVE_INFINITY],
      [x, Number.NaN],
      [w, Number.NEGATIVE_INFINITY],
    ] as const) {
      const saved = array[5] as number;
      array[5] = value;
      const [viaConv2d, direct] = [0, 1].map(() => new Float32Array(g.batch * g.outChannels * g.pixels));
      conv2d(geometry, x, w, undefined, viaConv2d as Float32Array);
      directConv2d(g, x, w, undefined, direct as Float32Array);
      expect(Buffer.from(viaConv2d!.buffer).equals(Buffer.from(direct!.buffer))).toBe(true);
      array[5] = saved;
    }
  });

  it('is not used where it does not apply or does not pay', () => {
    const bench = shapes[0] as Conv2dGeometry;
    const f32 = new Float32Array(1);
    const not = (geometry: Conv2dGeometry, out: Float32Array | Float64Array = f32) =>
      expect(usesWinograd(resolveConv2d(geometry), out)).toBe(false);
    not(bench, new Float64Array(1));
    not({ ...bench, strideH: 2 });
    not({ ...bench, dilationW: 2 });
    not({ ...bench, groups: 2 });
    not({ ...bench, kernelWidth: 5 });
    not({ ...bench, inChannels: 1, outChannels: 32, inHeight: 28, inWidth: 28 }); // the first bench row
    not({ ...bench, batch: 1, inHeight: 7, inWidth: 7 }); // 16 tiles
    not({ ...bench, outChannels: 0 });
    not({ ...bench, inWidth: 0, padLeft: 8 });
    gemmSettings({ engine: 'js' });
    not(bench);
  });
});
