import { describe, expect, it } from 'vitest';
import { type Tensor, tensor } from '../src';
import { powF32 } from '../src/backends/cpu/scalar-math';
import { planSimdFloat32 } from '../src/backends/cpu/simd/elementwise';
import { OUT_AT, SLOT_BYTES, simdKernels } from '../src/backends/cpu/simd/module';
import { POW_MARK } from '../src/backends/cpu/simd/pow';
import { F32_MAX, overflowing, SUBNORMAL_MIN, ulp } from './float32-ulps';

// float32 x.pow(c) with a float32 tensor exponent: the SIMD kernel `pow` (large contiguous tensors) gives
// exactly the JS loop's values (powF32, stored to float32), specials, signed zeros and torch's
// special-cased exponents included; lanes whose rounding its float64 path cannot settle are marked and
// redone by the JS loop, so even exact float32 midpoints (11^7) match.

/** The JS loop's value for one pair. */
const jsLoop = (x: number, c: number) => Math.fround(powF32(x, c));

/** Whether two float32 values are the same (any NaN equals any NaN). */
const same = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

/** Enough pairs for the SIMD path: `xs` and `cs` repeated to at least 8192, and a length not a multiple of 4. */
function padded(xs: readonly number[], cs: readonly number[]): [Float32Array, Float32Array] {
  const copies = Math.ceil(8192 / xs.length);
  const length = copies * xs.length + 3;
  const at = (values: readonly number[]) => (i: number) => values[i % values.length]!;
  return [
    Float32Array.from({ length }, (_, i) => at(xs)(i)),
    Float32Array.from({ length }, (_, i) => at(cs)(i)),
  ];
}

/** x.pow(c) through the SIMD kernel (contiguous) and through the JS loop (every other of a doubled tensor). */
function bothPaths(xs: Float32Array, cs: Float32Array): { simd: ArrayLike<number>; loop: ArrayLike<number> } {
  const doubled = (v: Float32Array) =>
    tensor(Float32Array.from({ length: 2 * v.length }, (_, i) => v[i >> 1]!)).slice(
      0,
      undefined,
      undefined,
      2,
    );
  return {
    simd: tensor(xs).pow(tensor(cs)).dataSync(),
    loop: (doubled(xs).pow(doubled(cs)) as Tensor).dataSync(),
  };
}

/** The pairs where `got` is not the JS loop's value. */
function differences(xs: Float32Array, cs: Float32Array, got: ArrayLike<number>): string[] {
  const found: string[] = [];
  for (let i = 0; i < xs.length; i++) {
    const want = jsLoop(xs[i]!, cs[i]!);
    if (!same(got[i]!, want)) found.push(`${xs[i]} ** ${cs[i]}: ${got[i]}, JS loop ${want}`);
  }
  return found;
}

let seed = 2024;
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};

const SPECIALS = [
  0,
  -0,
  1,
  -1,
  0.5,
  -0.5,
  2,
  -2,
  3,
  -3,
  4,
  -4,
  7,
  -7,
  1.5,
  -1.5,
  2.5,
  0.25,
  1 / 3,
  11,
  100,
  0.1,
  Infinity,
  -Infinity,
  Number.NaN,
  SUBNORMAL_MIN,
  -SUBNORMAL_MIN,
  1e-40,
  -3e-39,
  1.1754942e-38,
  F32_MAX,
  -F32_MAX,
  1e30,
  -1e30,
  1e10,
  -1e10,
  16777215,
  16777216,
  -16777217,
  2 ** 30,
  -(2 ** 30),
  1 + 2 ** -12,
  1 - 2 ** -24,
  -1 - 2 ** -23,
  1 + 2 ** -23,
];

describe('float32 pow with a tensor exponent', () => {
  it('runs on the SIMD kernel (a number exponent on its own)', () => {
    expect(planSimdFloat32('pow', ['dense', 'dense'], () => 0, 1, [0, 0])?.kernel).toBe('pow');
    expect(planSimdFloat32('pow', ['dense', 'single'], () => 2.5, 1, [0, 0])?.kernel).toBe('powScalar');
  });

  it("gives the JS loop's values over specials x specials, on both paths", () => {
    const xs = SPECIALS.flatMap((x) => SPECIALS.map(() => x));
    const cs = SPECIALS.flatMap(() => SPECIALS);
    const [x, c] = padded(xs, cs);
    const { simd, loop } = bothPaths(x, c);
    expect(differences(x, c, simd)).toEqual([]);
    expect(differences(x, c, loop)).toEqual([]);
  });

  it("gives C's (and PyTorch's) results where JS's ** does not, and C's rules for zeros and infinities", () => {
    // [x, c, x^c] as PyTorch 1.13's float32 x.pow(c) gives them
    const cases: [number, number, number][] = [
      [1, Number.NaN, 1],
      [1, Infinity, 1],
      [1, -Infinity, 1],
      [-1, Infinity, 1],
      [-1, -Infinity, 1],
      [Number.NaN, 0, 1],
      [Number.NaN, -0, 1],
      [Infinity, 0, 1],
      [0, 0, 1],
      [2, Number.NaN, Number.NaN],
      [Number.NaN, 1, Number.NaN],
      [0.5, Infinity, 0],
      [0.5, -Infinity, Infinity],
      [2, Infinity, Infinity],
      [2, -Infinity, 0],
      [-2, Infinity, Infinity],
      [-0.5, -Infinity, Infinity],
      [0, Infinity, 0],
      [-0, -Infinity, Infinity],
      [Infinity, -Infinity, 0],
      [-Infinity, Infinity, Infinity],
      [-0, -3, -Infinity],
      [-0, 3, -0],
      [-0, -4, Infinity],
      [-0, 2.5, 0],
      [-0, -2.5, Infinity],
      [-Infinity, 3, -Infinity],
      [-Infinity, -3, -0],
      [-Infinity, 4, Infinity],
      [-Infinity, -2.5, 0],
      [-2, 2.5, Number.NaN],
      [-8, 1 / 3, Number.NaN],
      [11, 7, 19487172], // 19487171 exactly: a float32 midpoint, to even
    ];
    const [x, c] = padded(
      cases.map(([v]) => v),
      cases.map(([, v]) => v),
    );
    const { simd, loop } = bothPaths(x, c);
    cases.forEach(([xi, ci, want], i) => {
      expect(same(simd[i]!, want), `SIMD ${xi} ** ${ci} = ${simd[i]}`).toBe(true);
      expect(same(loop[i]!, want), `JS loop ${xi} ** ${ci} = ${loop[i]}`).toBe(true);
    });
  });

  it("gives the JS loop's values for random pairs, overflow and underflow included, within 0.5 ulp of float64 x ** c", () => {
    const n = 300_001;
    const x = new Float32Array(n);
    const c = new Float32Array(n);
    const special = [2, 3, 0.5, -0.5, -1, -2, 0];
    for (let i = 0; i < n; i++) {
      const magnitude = 2 ** (random() * 300 - 150);
      x[i] = random() < 0.2 ? -magnitude : magnitude;
      const kind = random();
      c[i] =
        kind < 0.1
          ? special[Math.floor(random() * special.length)]!
          : kind < 0.3
            ? Math.round(random() * 40 - 20)
            : (random() - 0.5) * 2 ** (random() * 16 - 8);
    }
    const got = tensor(x).pow(tensor(c)).dataSync();
    expect(differences(x, c, got)).toEqual([]);
    let worst = 0;
    for (let i = 0; i < n; i++) {
      const want = overflowing(x[i]! ** c[i]!); // float64, within 1 float64 ulp of x^c
      if (special.includes(c[i]!) || !Number.isFinite(want)) continue;
      worst = Math.max(worst, Math.abs(got[i]! - want) / ulp(want));
    }
    expect(worst).toBeLessThanOrEqual(0.5);
  });

  it('matches exactly where x^c is a float32 midpoint or close to one (integer powers, x near 2^k)', () => {
    const xs: number[] = [];
    const cs: number[] = [];
    for (let x = 1; x <= 100; x++) {
      for (let c = -12; c <= 12; c++) {
        xs.push(x);
        cs.push(c);
      }
    }
    for (let k = -40; k <= 40; k++) {
      xs.push(16777215 * 2 ** -24, 1 - 2 ** -24, 1 + 2 ** -23, (1 + 2 ** -12) * 2 ** k);
      cs.push(1.5, 2.5 + k, -1.5, 4);
    }
    const [x, c] = padded(xs, cs);
    const { simd, loop } = bothPaths(x, c);
    expect(differences(x, c, simd)).toEqual([]);
    expect(differences(x, c, loop)).toEqual([]);
    // and the number-exponent kernel too: 11^7 was 19487170 before it marked lanes in doubt
    const integers = tensor(Float32Array.from({ length: 8195 }, (_, i) => i % 200));
    const powers = integers.pow(7).dataSync();
    const ints = integers.dataSync();
    expect(Array.from(ints).filter((v, i) => !same(powers[i]!, jsLoop(v, 7)))).toEqual([]);
  });

  it('marks the lanes in doubt (11^7) and flags them for the redo, nothing else', () => {
    const { memory, lanes, run } = simdKernels()!;
    const x = Float32Array.from({ length: 16 }, (_, i) => (i === 5 ? 11 : 1 + i / 4));
    const c = Float32Array.from({ length: 16 }, (_, i) => (i === 5 ? 7 : 1.25));
    memory.set(x, 0);
    memory.set(c, SLOT_BYTES / 4);
    const out = OUT_AT / 4;
    lanes.fill(0, out + 16, out + 20);
    run.pow!(0, SLOT_BYTES, OUT_AT, OUT_AT + 64);
    const bits = Array.from(lanes.subarray(out, out + 16));
    expect(bits.map((b, i) => (b === POW_MARK) === (i === 5))).toEqual(new Array(16).fill(true));
    expect(Math.max(...lanes.subarray(out + 16, out + 20))).toBeGreaterThan(0);
  });
});
