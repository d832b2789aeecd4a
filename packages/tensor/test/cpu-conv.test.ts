import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { convTranspose2d, convTranspose2dOutputSize } from '../src/backends/cpu/conv/conv-transpose2d';
import { conv2d } from '../src/backends/cpu/conv/conv2d';
import { conv2dBackwardInput } from '../src/backends/cpu/conv/conv2d-backward-input';
import { conv2dBackwardWeight } from '../src/backends/cpu/conv/conv2d-backward-weight';
import { type Conv2dGeometry, type ResolvedConv2d, resolveConv2d } from '../src/backends/cpu/conv/geometry';
import { type GemmSettings, gemmSettings } from '../src/backends/cpu/gemm/settings';
import type { FloatArray } from '../src/backends/cpu/gemm/types';
import { gemmThreads } from '../src/backends/cpu/gemm/wasm-engine';

function fill<T extends FloatArray>(out: T, seed: number): T {
  let s = seed * 2654435761;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x9e3779b9) | 0;
    out[i] = ((s >>> 8) / (1 << 24)) * 2 - 1;
  }
  return out;
}

/**
 * The definition, in float64: visits every (image, output channel, output pixel, input channel of the
 * group, kernel tap) once and accumulates the forward output and, given gradOut, both gradients.
 */
function naive(
  g: ResolvedConv2d,
  x: FloatArray,
  w: FloatArray,
  bias: FloatArray | undefined,
  gy: FloatArray,
) {
  const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW, kernelHeight: KH, kernelWidth: KW } = g;
  const y = new Float64Array(g.batch * g.outChannels * OH * OW);
  const gx = new Float64Array(x.length);
  const gw = new Float64Array(w.length);
  for (let n = 0; n < g.batch; n++) {
    for (let o = 0; o < g.outChannels; o++) {
      const group = Math.floor(o / g.groupOut);
      for (let oh = 0; oh < OH; oh++) {
        for (let ow = 0; ow < OW; ow++) {
          const yi = ((n * g.outChannels + o) * OH + oh) * OW + ow;
          let sum = bias ? (bias[o] as number) : 0;
          for (let ci = 0; ci < g.groupIn; ci++) {
            const c = group * g.groupIn + ci;
            for (let kh = 0; kh < KH; kh++) {
              const ih = oh * g.strideH - g.padTop + kh * g.dilationH;
              if (ih < 0 || ih >= H) continue;
              for (let kw = 0; kw < KW; kw++) {
                const iw = ow * g.strideW - g.padLeft + kw * g.dilationW;
                if (iw < 0 || iw >= W) continue;
                const xi = ((n * g.inChannels + c) * H + ih) * W + iw;
                const wi = ((o * g.groupIn + ci) * KH + kh) * KW + kw;
                sum += (x[xi] as number) * (w[wi] as number);
                gx[xi] = (gx[xi] as number) + (gy[yi] as number) * (w[wi] as number);
                gw[wi] = (gw[wi] as number) + (gy[yi] as number) * (x[xi] as number);
              }
            }
          }
          y[yi] = sum;
        }
      }
    }
  }
  return { y, gx, gw };
}

function expectClose(got: FloatArray, want: Float64Array, tol: number, what: string): void {
  expect(got.length).toBe(want.length);
  let scale = 1;
  for (const v of want) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs((got[i] as number) - (want[i] as number)) <= tol * scale)) {
      throw new Error(`${what}[${i}]: got ${got[i]}, want ${want[i]}`);
    }
  }
}

const geometries: Conv2dGeometry[] = [
  { batch: 2, inChannels: 3, inHeight: 7, inWidth: 6, outChannels: 4, kernelHeight: 3, kernelWidth: 3 },
  {
    batch: 2,
    inChannels: 3,
    inHeight: 7,
    inWidth: 6,
    outChannels: 4,
    kernelHeight: 3,
    kernelWidth: 3,
    padTop: 1,
    padBottom: 1,
    padLeft: 1,
    padRight: 1,
  },
  {
    batch: 1,
    inChannels: 2,
    inHeight: 9,
    inWidth: 8,
    outChannels: 3,
    kernelHeight: 3,
    kernelWidth: 2,
    strideH: 2,
    strideW: 3,
    padTop: 2,
    padBottom: 0,
    padLeft: 0,
    padRight: 1,
  },
  // 'same' with an even kernel: more padding bottom/right.
  {
    batch: 2,
    inChannels: 2,
    inHeight: 6,
    inWidth: 5,
    outChannels: 2,
    kernelHeight: 4,
    kernelWidth: 2,
    padTop: 1,
    padBottom: 2,
    padLeft: 0,
    padRight: 1,
  },
  {
    batch: 1,
    inChannels: 2,
    inHeight: 10,
    inWidth: 11,
    outChannels: 2,
    kernelHeight: 3,
    kernelWidth: 3,
    dilationH: 2,
    dilationW: 3,
    padTop: 2,
    padBottom: 2,
    padLeft: 3,
    padRight: 3,
  },
  {
    batch: 3,
    inChannels: 6,
    inHeight: 5,
    inWidth: 5,
    outChannels: 4,
    kernelHeight: 3,
    kernelWidth: 3,
    groups: 2,
    padTop: 1,
    padBottom: 1,
    padLeft: 1,
    padRight: 1,
  },
  // depthwise
  {
    batch: 2,
    inChannels: 4,
    inHeight: 5,
    inWidth: 6,
    outChannels: 8,
    kernelHeight: 3,
    kernelWidth: 3,
    groups: 4,
    strideH: 2,
    strideW: 2,
  },
  // pointwise (im2col skipped) with and without groups
  { batch: 2, inChannels: 5, inHeight: 4, inWidth: 3, outChannels: 6, kernelHeight: 1, kernelWidth: 1 },
  {
    batch: 2,
    inChannels: 4,
    inHeight: 4,
    inWidth: 3,
    outChannels: 6,
    kernelHeight: 1,
    kernelWidth: 1,
    groups: 2,
  },
  // padding wider than the kernel reaches: the input gradient cannot be a forward conv
  {
    batch: 2,
    inChannels: 3,
    inHeight: 4,
    inWidth: 5,
    outChannels: 2,
    kernelHeight: 1,
    kernelWidth: 2,
    padTop: 1,
    padBottom: 0,
    padLeft: 2,
    padRight: 1,
  },
  // conv1d as H = 1
  {
    batch: 2,
    inChannels: 3,
    inHeight: 1,
    inWidth: 17,
    outChannels: 5,
    kernelHeight: 1,
    kernelWidth: 5,
    strideW: 2,
    padLeft: 2,
    padRight: 2,
  },
  // vertical stride and dilation with kernel rows of 8 taps (weight gradient through the channels-last view)
  {
    batch: 2,
    inChannels: 4,
    inHeight: 9,
    inWidth: 7,
    outChannels: 5,
    kernelHeight: 3,
    kernelWidth: 2,
    strideH: 2,
    dilationH: 2,
    padTop: 1,
    padBottom: 2,
    padLeft: 1,
  },
  // shallow patches, more outputs than taps: the im2col matrix built by row copies (im2col-rows.ts) —
  // plain, with dilation and uneven padding (odd output width: the copies' 4-byte tail), with groups
  {
    batch: 2,
    inChannels: 1,
    inHeight: 9,
    inWidth: 10,
    outChannels: 12,
    kernelHeight: 3,
    kernelWidth: 3,
    padTop: 1,
    padBottom: 1,
    padLeft: 1,
    padRight: 1,
  },
  {
    batch: 2,
    inChannels: 1,
    inHeight: 11,
    inWidth: 12,
    outChannels: 16,
    kernelHeight: 3,
    kernelWidth: 2,
    dilationH: 2,
    dilationW: 3,
    padTop: 2,
    padBottom: 1,
    padLeft: 0,
    padRight: 2,
  },
  {
    batch: 3,
    inChannels: 2,
    inHeight: 7,
    inWidth: 5,
    outChannels: 24,
    kernelHeight: 3,
    kernelWidth: 3,
    groups: 2,
    padTop: 1,
    padBottom: 1,
    padLeft: 1,
    padRight: 1,
  },
  // big enough for the threaded GEMM path
  {
    batch: 4,
    inChannels: 16,
    inHeight: 14,
    inWidth: 14,
    outChannels: 32,
    kernelHeight: 3,
    kernelWidth: 3,
    padTop: 1,
    padBottom: 1,
    padLeft: 1,
    padRight: 1,
  },
];

/** im2col of one image over the scratch cap: one image per run, so the weight gradient accumulates runs. */
const huge: Conv2dGeometry = {
  batch: 2,
  inChannels: 64,
  inHeight: 88,
  inWidth: 88,
  outChannels: 2,
  kernelHeight: 3,
  kernelWidth: 3,
};

const configs: [string, Partial<GemmSettings>][] = [
  ['threaded', { engine: 'auto', maxThreads: Number.POSITIVE_INFINITY }],
  ['one thread', { engine: 'auto', maxThreads: 1 }],
  ['js', { engine: 'js' }],
];

beforeAll(async () => {
  const deadline = Date.now() + 3000;
  while (gemmThreads() < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
});

afterEach(() => {
  gemmSettings({ engine: 'auto', maxThreads: Number.POSITIVE_INFINITY });
});

function checkAll(
  Ctor: Float32ArrayConstructor | Float64ArrayConstructor,
  tol: number,
  list: Conv2dGeometry[],
): void {
  for (const [index, geometry] of list.entries()) {
    const g = resolveConv2d(geometry);
    const x = fill(new Ctor(g.batch * g.inChannels * g.inHeight * g.inWidth), 1 + index);
    const w = fill(new Ctor(g.outChannels * g.patch), 2 + index);
    const bias = index % 2 === 0 ? fill(new Ctor(g.outChannels), 3 + index) : undefined;
    const gy = fill(new Ctor(g.batch * g.outChannels * g.pixels), 4 + index);
    const want = naive(g, x, w, bias, gy);
    const y = new Ctor(want.y.length).fill(Number.NaN);
    conv2d(geometry, x, w, bias, y);
    expectClose(y, want.y, tol, `#${index} forward`);
    const gx = new Ctor(x.length).fill(Number.NaN);
    conv2dBackwardInput(geometry, gy, w, gx);
    expectClose(gx, want.gx, tol, `#${index} gradInput`);
    const gw = new Ctor(w.length).fill(Number.NaN);
    conv2dBackwardWeight(geometry, x, gy, gw);
    expectClose(gw, want.gw, tol, `#${index} gradWeight`);
  }
}

describe('conv2d kernels', () => {
  for (const [name, Ctor, tol] of [
    ['float32', Float32Array, 1e-5],
    ['float64', Float64Array, 1e-12],
  ] as const) {
    for (const [label, settings] of configs) {
      it(`${name}, ${label}: forward and both gradients match the direct definition`, () => {
        gemmSettings(settings);
        checkAll(Ctor, tol, geometries);
      });
    }
  }

  it('float32: an image whose im2col exceeds the scratch cap runs image by image', () => {
    checkAll(Float32Array, 1e-5, [huge]);
  });

  it('convTranspose2d is the input gradient of the matching conv2d, plus bias', () => {
    const t = {
      batch: 2,
      inChannels: 4,
      inHeight: 4,
      inWidth: 5,
      outChannels: 6,
      kernelHeight: 3,
      kernelWidth: 3,
      strideH: 2,
      strideW: 2,
      padTop: 1,
      padBottom: 1,
      padLeft: 1,
      padRight: 1,
      outputPaddingH: 1,
      groups: 2,
    };
    const { outHeight, outWidth } = convTranspose2dOutputSize(t);
    expect([outHeight, outWidth]).toEqual([8, 9]); // PyTorch: (in - 1) * 2 - 2 + 2 + outputPadding + 1
    const conv = resolveConv2d({ ...t, inChannels: 6, outChannels: 4, inHeight: 8, inWidth: 9 });
    expect([conv.outHeight, conv.outWidth]).toEqual([4, 5]);
    const x = fill(new Float64Array(2 * 4 * 4 * 5), 7);
    const w = fill(new Float64Array(4 * 3 * 9), 8);
    const bias = fill(new Float64Array(6), 9);
    const want = naive(conv, new Float64Array(2 * 6 * 8 * 9), w, undefined, x).gx;
    for (let i = 0; i < want.length; i++)
      want[i] = (want[i] as number) + (bias[Math.floor(i / 72) % 6] as number);
    const out = new Float64Array(want.length);
    convTranspose2d(t, x, w, bias, out);
    expectClose(out, want, 1e-12, 'convTranspose2d');
  });

  it('convTranspose2d with stride = kernel places scaled kernels side by side', () => {
    const geometry = {
      batch: 1,
      inChannels: 1,
      inHeight: 1,
      inWidth: 2,
      outChannels: 1,
      kernelHeight: 2,
      kernelWidth: 2,
      strideH: 2,
      strideW: 2,
    };
    const out = new Float32Array(8);
    convTranspose2d(geometry, new Float32Array([1, 10]), new Float32Array([1, 2, 3, 4]), undefined, out);
    expect(Array.from(out)).toEqual([1, 2, 10, 20, 3, 4, 30, 40]);
  });

  it('rejects inconsistent geometry with the sizes in the message', () => {
    expect(() =>
      resolveConv2d({
        batch: 1,
        inChannels: 3,
        inHeight: 5,
        inWidth: 5,
        outChannels: 4,
        kernelHeight: 3,
        kernelWidth: 3,
        groups: 2,
      }),
    ).toThrow(/groups=2.*\[1,3,5,5\]/);
    expect(() =>
      resolveConv2d({
        batch: 1,
        inChannels: 1,
        inHeight: 2,
        inWidth: 2,
        outChannels: 1,
        kernelHeight: 3,
        kernelWidth: 3,
      }),
    ).toThrow(/kernel larger/);
  });
});
