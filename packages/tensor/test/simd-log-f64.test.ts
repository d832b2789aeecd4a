import { describe, expect, it } from 'vitest';
import { type Tensor, tensor } from '../src';
import { planSimdFloat32 } from '../src/backends/cpu/simd/elementwise';
import { maxUlpError, overflowing, wideInputs } from './float32-ulps';

// The float32 kernels whose logarithm runs in float64 (asinh, acosh, atanh, logit, xlogy: simd/log-f64.ts)
// against float64 references, in float32 ulps, over the whole float32 range: large contiguous tensors take
// the SIMD kernels, strided ones the JS loop.

/** Values near the kernels' edges: around +-1 (atanh, acosh, logit's 1 - x), 0, and one half. */
function edgeInputs(): Float32Array {
  const values: number[] = [];
  for (const center of [-1, 0, 0.5, 1]) {
    let x = Math.fround(center);
    for (let i = 0; i < 2000; i++) {
      x = Math.fround(x + 2 ** -24 * Math.max(Math.abs(x), 2 ** -100) * (1 + (i % 7)));
      values.push(x, Math.fround(2 * center - x));
    }
  }
  for (let x = -2; x <= 2; x += 1 / 8192) values.push(x);
  return Float32Array.from(values);
}

const inputs = Float32Array.from([...wideInputs(), ...edgeInputs()]);

/** torch.logit in float64 after torch's float32 clamp to eps and 1 - eps (eps < 0: none). */
const logit = (eps: number) => {
  const lo = Math.fround(eps);
  const hi = Math.fround(1 - lo);
  return (x: number) => {
    const z = eps < 0 ? x : x < lo ? lo : Math.min(x, hi);
    return Math.log(z / (1 - z));
  };
};

const unary: Record<string, [(x: Tensor) => Tensor, (x: number) => number]> = {
  asinh: [(x) => x.asinh(), Math.asinh],
  acosh: [(x) => x.acosh(), Math.acosh],
  atanh: [(x) => x.atanh(), Math.atanh],
  logit: [(x) => x.logit(), logit(-1)],
};

describe('float32 asinh, acosh, atanh, logit and xlogy with float64 logarithms', () => {
  const x = tensor(inputs);
  for (const [name, [f, reference]] of Object.entries(unary)) {
    it(`${name}: SIMD path correctly rounded but for 0.01 ulp over the float32 range`, () => {
      const { worst, worstAt } = maxUlpError(inputs, f(x).dataSync(), reference);
      if (process.env.SHOW_ULP) console.log(name, worst, worstAt);
      expect(worst, `worst at x = ${worstAt}`).toBeLessThanOrEqual(0.51);
    });

    it(`${name}: JS path (strided) within 1 ulp`, () => {
      const strided = x.slice(0, undefined, undefined, 3);
      const values = strided.dataSync() as Float32Array;
      const { worst, worstAt } = maxUlpError(values, f(strided).dataSync(), reference);
      expect(worst, `worst at x = ${worstAt}`).toBeLessThanOrEqual(1);
    });
  }

  it('logit with eps clamps as torch float32 kernel does (eps > 1/2 too)', () => {
    for (const eps of [1e-6, 0.1, 0.25, 0.6]) {
      const { worst, worstAt } = maxUlpError(inputs, x.logit(eps).dataSync(), logit(eps));
      expect(worst, `eps ${eps}: worst at x = ${worstAt}`).toBeLessThanOrEqual(0.51);
    }
  });

  it('xlogy: within 0.51 ulp over pairs from the float32 range, 0 where x is 0 unless y is NaN', () => {
    const ys = inputs.slice().reverse(); // pairs every x with a different y
    const got = x.xlogy(tensor(ys)).dataSync();
    const pairs = Float32Array.from(inputs.keys());
    const reference = (i: number) => {
      const [a, b] = [inputs[i]!, ys[i]!];
      if (Number.isNaN(b)) return Number.NaN;
      return a === 0 ? 0 : overflowing(a * Math.log(b));
    };
    const { worst, worstAt } = maxUlpError(pairs, got, reference);
    if (process.env.SHOW_ULP) console.log('xlogy', worst, worstAt);
    expect(worst, `worst at pair ${worstAt}`).toBeLessThanOrEqual(0.51);
  });

  it('keeps signed zeros and gives the exact values at the edges', () => {
    const big = new Float32Array(8192).fill(0.5);
    big.set([-0, 0, 1, -1, Infinity, -Infinity, Number.NaN, 2, -2]);
    const t = tensor(big);
    const same = (got: ArrayLike<number>, want: number[]) =>
      want.forEach((w, i) => {
        expect(Object.is(got[i], w), `[${i}] = ${got[i]}, want ${w}`).toBe(true);
      });
    same(t.asinh().dataSync(), [
      -0,
      0,
      Math.fround(Math.asinh(1)),
      Math.fround(-Math.asinh(1)),
      Infinity,
      -Infinity,
      Number.NaN,
    ]);
    same(t.atanh().dataSync(), [
      -0,
      0,
      Infinity,
      -Infinity,
      Number.NaN,
      Number.NaN,
      Number.NaN,
      Number.NaN,
      Number.NaN,
    ]);
    same(t.acosh().dataSync(), [
      Number.NaN,
      Number.NaN,
      0,
      Number.NaN,
      Infinity,
      Number.NaN,
      Number.NaN,
      Math.fround(Math.acosh(2)),
    ]);
    same(t.logit().dataSync(), [
      -Infinity,
      -Infinity,
      Infinity,
      Number.NaN,
      Number.NaN,
      Number.NaN,
      Number.NaN,
      Number.NaN,
    ]);
    const ys = new Float32Array(8192).fill(2);
    ys.set([5, Number.NaN, 0, Infinity, -1, 0]);
    const xs = new Float32Array(8192).fill(1);
    xs.set([-0, 0, 0, 0, 0, 3]);
    same(tensor(xs).xlogy(tensor(ys)).dataSync(), [0, Number.NaN, 0, 0, 0, -Infinity, Math.fround(Math.LN2)]);
  });

  it('runs each on its SIMD kernel', () => {
    for (const name of Object.keys(unary)) {
      expect(planSimdFloat32(name, ['dense'], () => 0, 1, [-1, 0])?.kernel).toBe(name);
    }
    expect(planSimdFloat32('logit', ['dense'], () => 0, 1, [0.25, 0])?.splats).toEqual([0.25, 0.75]);
    expect(planSimdFloat32('xlogy', ['dense', 'dense'], () => 0, 1, [0, 0])?.kernel).toBe('xlogy');
  });
});
