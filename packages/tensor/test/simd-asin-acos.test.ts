import { describe, expect, it } from 'vitest';
import { type Tensor, tensor } from '../src';
import { planSimdFloat32 } from '../src/backends/cpu/simd/elementwise';
import { F32_MAX, SUBNORMAL_MIN, ulp } from './float32-ulps';

// float32 asin and acos on their SIMD kernels (atan2 of x and sqrt(1 - x^2) in float64, see simd/atan.ts)
// against Math.asin / Math.acos: in float32 ulps of the float64 result over [-1, 1] (near +-1 and 0 too),
// the specials exactly, and NaN everywhere else.

const ops: Record<string, [(x: Tensor) => Tensor, (x: number) => number]> = {
  asin: [(x) => x.asin(), Math.asin],
  acos: [(x) => x.acos(), Math.acos],
};

/** A deterministic generator of uniform values in [0, 1). */
function uniform(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

/**
 * Specials, a sweep of [-1, 1], the 4096 float32 values next to +-1 inside it and above 1, log-uniform
 * magnitudes down to 2^-149 and past 1.
 */
function wideInputs(): Float32Array {
  const values: number[] = [0, -0, 1, -1, Number.NaN, Infinity, -Infinity, F32_MAX, -F32_MAX];
  values.push(SUBNORMAL_MIN, -SUBNORMAL_MIN, 1e-40, -1e-40, 1.1754942e-38, -1.1754942e-38);
  for (let x = -1; x <= 1; x += 2 ** -14) values.push(x);
  for (let k = 1; k <= 4096; k++) values.push(1 - k * 2 ** -24, -1 + k * 2 ** -24, 1 + k * 2 ** -23);
  const random = uniform(12345);
  for (let i = 0; i < 40_000; i++) {
    const magnitude = 2 ** (-random() * 149); // 2^-149 .. 1
    values.push(random() < 0.5 ? -magnitude : magnitude);
  }
  for (let i = 0; i < 2_000; i++) values.push((random() < 0.5 ? -1 : 1) * 2 ** (random() * 128)); // >= 1
  return Float32Array.from(values);
}

/** Largest error of `got` in ulps of `reference`; where that is 0 or NaN, `got` must be its rounding. */
function worstUlp(inputs: Float32Array, got: ArrayLike<number>, reference: (x: number) => number) {
  let worst = 0;
  let worstAt = Number.NaN;
  for (let i = 0; i < inputs.length; i++) {
    const want = reference(inputs[i]!);
    if (want === 0 || Number.isNaN(want)) {
      expect(got[i], `f(${inputs[i]})`).toBe(Math.fround(want)); // toBe: Object.is, so -0 and NaN too
      continue;
    }
    const error = Math.abs(got[i]! - want) / ulp(want);
    if (error > worst) [worst, worstAt] = [error, inputs[i]!];
  }
  return { worst, worstAt };
}

describe('float32 asin and acos', () => {
  it('run on their SIMD kernels for a dense float32 input', () => {
    for (const name of ['asin', 'acos'])
      expect(planSimdFloat32(name, ['dense'], () => 0, 1, [0, 0])?.kernel).toBe(name);
  });

  const inputs = wideInputs();
  const x = tensor(inputs);
  for (const [name, [f, reference]] of Object.entries(ops)) {
    it(`${name}: within 0.51 ulp of the float64 result over [-1, 1], NaN outside`, () => {
      const { worst, worstAt } = worstUlp(inputs, f(x).dataSync(), reference);
      if (process.env.SHOW_ULP) console.log(name, worst, worstAt);
      expect(worst, `worst at x = ${worstAt}`).toBeLessThanOrEqual(0.51);
    });
  }

  it('give Math.asin / Math.acos exactly at the specials', () => {
    const specials = [
      0,
      -0,
      1,
      -1,
      0.5,
      -0.5,
      1.0000001,
      -1.0000001,
      2,
      Infinity,
      -Infinity,
      Number.NaN,
      1e-40,
    ];
    const values = new Float32Array(8192).fill(0.25);
    values.set(specials);
    const t = tensor(values);
    for (const [name, [f, reference]] of Object.entries(ops)) {
      const got = f(t).dataSync();
      specials.forEach((v, i) => {
        expect(got[i], `${name}(${v})`).toBe(Math.fround(reference(Math.fround(v))));
      });
    }
    // spelled out: the signs and the multiples of pi
    const [asin, acos] = [t.asin().dataSync(), t.acos().dataSync()];
    expect([Object.is(asin[0], 0), Object.is(asin[1], -0), asin[2], asin[3]]).toEqual([
      true,
      true,
      Math.fround(Math.PI / 2),
      -Math.fround(Math.PI / 2),
    ]);
    expect([acos[0], acos[1], Object.is(acos[2], 0), acos[3]]).toEqual([
      Math.fround(Math.PI / 2),
      Math.fround(Math.PI / 2),
      true,
      Math.fround(Math.PI),
    ]);
  });

  it('match the JS loop on a large tensor to within 1 ulp, mostly exactly', () => {
    const random = uniform(777);
    const values = Float32Array.from({ length: 1 << 18 }, () => 2.2 * random() - 1.1);
    const t = tensor(values);
    const spread = new Float32Array(2 * values.length);
    values.forEach((v, i) => {
      spread[2 * i] = v;
    });
    const strided = tensor(spread).slice(0, undefined, undefined, 2); // not contiguous: the JS loop
    for (const [name, [f, reference]] of Object.entries(ops)) {
      const got = f(t).dataSync();
      const js = f(strided).dataSync();
      let [differing, worst, notJs] = [0, 0, 0];
      for (let i = 0; i < values.length; i++) {
        if (!Object.is(js[i], Math.fround(reference(values[i]!)))) notJs++;
        if (Object.is(got[i], js[i])) continue;
        differing++;
        worst = Math.max(worst, Math.abs(got[i]! - js[i]!) / ulp(js[i]!)); // NaN where only one is NaN
      }
      expect([notJs, differing < values.length / 1000, worst <= 1], name).toEqual([0, true, true]);
    }
  });
});
