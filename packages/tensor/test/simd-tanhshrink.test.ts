import { describe, expect, it } from 'vitest';
import { tensor } from '../src';
import { planSimdFloat32 } from '../src/backends/cpu/simd/elementwise';
import { F32_MAX, maxUlpError, SUBNORMAL_MIN, wideInputs } from './float32-ulps';

// tanhshrink(x) = x - tanh x in float32, on its SIMD kernel (large contiguous tensors) and in the JS loop
// (small or strided ones), against a float64 reference that does not cancel near 0: in float32 ulps over
// the whole float32 range, densely near 0, around the series' switch at |x| = 0.25 and where the
// exponential's reduction moves to the next power of 2.

/**
 * x - tanh x in float64: below |x| = 1 as x q / (1 + q), q = x^2 / (3 + x^2 / (5 + ...)) from Lambert's
 * continued fraction tanh x = x / (1 + q), which has no cancellation; above, x - Math.tanh(x) loses under
 * 3 bits of float64.
 */
function reference(x: number): number {
  if (!(Math.abs(x) < 1)) return x - Math.tanh(x);
  const z = x * x;
  let q = 0;
  for (let n = 61; n >= 3; n -= 2) q = z / (n + q);
  return (x * q) / (1 + q);
}

/** `count` float32 values either side of v (v included), and their negatives. */
function around(v: number, count: number): number[] {
  const bits = new Int32Array(new Float32Array([v]).buffer)[0]!;
  const values: number[] = [];
  for (let d = -count; d <= count; d++) {
    const x = new Float32Array(new Int32Array([bits + d]).buffer)[0]!;
    values.push(x, -x);
  }
  return values;
}

/** wideInputs, a dense sweep of [-0.3, 0.3], log-uniform magnitudes below 1, and the switch points. */
function inputs(): Float32Array {
  const values = [...wideInputs()];
  for (let x = -0.3; x <= 0.3; x += 2 ** -16) values.push(x);
  let seed = 777;
  for (let i = 0; i < 20_000; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    values.push((i % 2 ? -1 : 1) * 2 ** ((-60 * seed) / 2 ** 31));
  }
  values.push(...around(0.25, 4096));
  // 2|x| = (k + 1/2) ln2: e^r's reduction argument at its widest
  for (let k = 0; k < 60; k++) values.push(...around(((k + 0.5) * Math.LN2) / 2, 64));
  return Float32Array.from(values);
}

describe('float32 tanhshrink', () => {
  const x = inputs();
  const t = tensor(x);

  it('runs on its SIMD kernel for a dense float32 input', () => {
    expect(planSimdFloat32('tanhshrink', ['dense'], () => 0, 1, [0, 0])?.kernel).toBe('tanhshrink');
  });

  it('SIMD path: correctly rounded but for 0.01 ulp over the float32 range', () => {
    const { worst, worstAt } = maxUlpError(x, t.tanhshrink().dataSync(), reference);
    if (process.env.SHOW_ULP) console.log('tanhshrink SIMD', worst, worstAt);
    expect(worst, `worst at x = ${worstAt}`).toBeLessThanOrEqual(0.51);
  });

  it('JS path (strided): the same accuracy', () => {
    const strided = t.slice(0, undefined, undefined, 2); // not contiguous: the JS loop
    const values = strided.dataSync() as Float32Array;
    const { worst, worstAt } = maxUlpError(values, strided.tanhshrink().dataSync(), reference);
    if (process.env.SHOW_ULP) console.log('tanhshrink JS', worst, worstAt);
    expect(worst, `worst at x = ${worstAt}`).toBeLessThanOrEqual(0.51);
  });

  it('gives the specials and signs of zero of x - tanh x, on both paths', () => {
    // +-0 give +0 as x - tanh x does; where x^3 / 3 underflows, the zero has x's sign (PyTorch's float32
    // x - tanh x gives +0 there, and for every |x| below ~1e-4)
    const specials = [0, -0, Number.NaN, Infinity, -Infinity, F32_MAX, -F32_MAX, 20, -20, 1e30, -1e30];
    specials.push(SUBNORMAL_MIN, -SUBNORMAL_MIN, 1e-20, -1e-20);
    const want = [
      0,
      0,
      Number.NaN,
      Infinity,
      -Infinity,
      F32_MAX,
      -F32_MAX,
      19,
      -19,
      1e30,
      -1e30,
      0,
      -0,
      0,
      -0,
    ];
    const big = new Float32Array(8192).fill(1);
    big.set(specials);
    const simd = tensor(big).tanhshrink().dataSync();
    const js = tensor(Float32Array.from(specials)).tanhshrink().dataSync();
    for (const got of [simd, js]) {
      // toBe: Object.is, so -0 and NaN too
      for (const [i, w] of want.entries()) expect(got[i], `x = ${specials[i]}`).toBe(Math.fround(w));
    }
  });

  it('agrees with the JS loop over a large tensor (several chunks)', () => {
    const n = 1 << 20;
    const values = Float32Array.from({ length: n }, (_, i) => ((i % 2 ? -1 : 1) * (i % 9973)) / 4096);
    const simd = tensor(values).tanhshrink().dataSync();
    const interleaved = new Float32Array(2 * n);
    values.forEach((v, i) => {
      interleaved[2 * i] = v;
    });
    const js = tensor(interleaved).slice(0, undefined, undefined, 2).tanhshrink().dataSync();
    const { worst, worstAt } = maxUlpError(values, simd, reference);
    expect(worst, `worst at x = ${worstAt}`).toBeLessThanOrEqual(0.51);
    let differ = 0;
    for (let i = 0; i < n; i++) if (!Object.is(simd[i], js[i])) differ++;
    if (process.env.SHOW_ULP) console.log('tanhshrink SIMD != JS', differ, 'of', n);
    // both round float64 results within 1e-9 of each other: they differ only next to a float32 midpoint
    expect(differ / n).toBeLessThan(1e-3);
  });
});

describe('float64 tanhshrink (the JS loop)', () => {
  it('does not cancel near 0: within 1e-15 relative of the reference below |x| = 0.25', () => {
    // (from 1e-100: x^3 / 3 is subnormal below ~1e-103; above 0.25, x - Math.tanh(x) is good to 1.1e-14)
    const values: number[] = [];
    for (let e = -100; e < Math.log10(0.25); e += 0.01) values.push(10 ** e, -(10 ** e));
    const got = tensor(Float64Array.from(values)).tanhshrink().dataSync();
    let worst = 0;
    values.forEach((v, i) => {
      const want = reference(v);
      worst = Math.max(worst, Math.abs(got[i]! - want) / Math.abs(want));
    });
    expect(worst).toBeLessThan(1e-15);
  });
});
