import { describe, expect, it } from 'vitest';
import { copysign, div, fmod, hypot, type Operand, remainder, Tensor, tensor } from '../src';
import * as scalarMath from '../src/backends/cpu/scalar-math';
import { planSimdFloat32 } from '../src/backends/cpu/simd/elementwise';

// The float32 SIMD kernels of copysign, hypot, fmod, remainder, truncDivide and floorDivide (large contiguous inputs,
// two dense or one dense and a number on either side) and the JS loop (strided inputs) against float64
// references, bit for bit: specials crossed with specials, random float32s over the whole range, exact
// multiples and their neighbours, and quotients on both sides of 2^29, where fmod's, remainder's and floorDivide's
// chunks are redone in JS.

/** The float64 references, rounded to float32 by the comparison. */
const OPS: Record<
  string,
  { run: (a: Operand, b: Operand) => Tensor; reference: (x: number, y: number) => number }
> = {
  copysign: { run: copysign, reference: scalarMath.copysign },
  hypot: { run: hypot, reference: Math.hypot },
  fmod: { run: fmod, reference: (x, y) => x % y },
  remainder: { run: remainder, reference: scalarMath.remainder },
  // torch truncates its float32 quotient (checked against torch 1.13)
  truncDivide: {
    run: (a, b) => div(a, b, { roundingMode: 'trunc' }),
    reference: (x, y) => Math.trunc(Math.fround(x / y)),
  },
  floorDivide: { run: (a, b) => div(a, b, { roundingMode: 'floor' }), reference: scalarMath.floorDivide },
};
/** The ops with ScalarA / ScalarB kernels. */
const WITH_NUMBER = ['copysign', 'fmod', 'remainder', 'truncDivide', 'floorDivide'];

/** xorshift32: a seeded stream of 32-bit patterns. */
function random32(seed: number): () => number {
  let s = seed;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
}

const bitsOf = (v: number) => new Uint32Array(Float32Array.of(v).buffer)[0]!;
/** Specials as float32 bits: +-0, NaN with and without the sign bit, +-Infinity, subnormals, the extremes. */
const SPECIALS = [
  0x00000000,
  0x80000000,
  0x7fc00000,
  0xffc00000,
  0x7f800000,
  0xff800000,
  0x00000001,
  0x80000001,
  0x007fffff,
  0x807fffff,
  0x00800000,
  0x7f7fffff,
  0xff7fffff,
  ...[
    1,
    -1,
    2,
    -2,
    3,
    -3,
    0.5,
    -0.75,
    1.5,
    -2.5,
    7,
    -7,
    0.1,
    -0.3,
    1e-30,
    1e30,
    -1e30,
    2 ** 24,
    -(2 ** 24 + 2),
  ]
    .concat([3 * 2 ** -126, 1e-40, 2 ** 100, -(2 ** -100)])
    .map(bitsOf),
];

/** Pairs of float32s (x, y), built as bits so NaN's sign bit survives. */
class Pairs {
  readonly x: number[] = [];
  readonly y: number[] = [];
  push(x: number, y: number): void {
    this.x.push(x >>> 0);
    this.y.push(y >>> 0);
  }
  /** The pairs as float32 arrays, repeated to at least `size`. */
  arrays(size = 0): [Float32Array, Float32Array] {
    const n = Math.max(size, this.x.length);
    const at = (bits: number[]) =>
      new Float32Array(Uint32Array.from({ length: n }, (_, i) => bits[i % bits.length]!).buffer);
    return [at(this.x), at(this.y)];
  }
}

const float = (bits: number) => new Float32Array(Uint32Array.of(bits).buffer)[0]!;
/** |x / y| >= 2^29 and finite: fmod's and remainder's kernels flag these. */
const hugeRatio = (x: number, y: number) => {
  const q = Math.abs(float(x) / float(y));
  return q >= 2 ** 29 && q < Infinity;
};

/** bits with exponent field `e` (0: subnormal) and `r`'s sign and significand bits. */
const withExponent = (e: number, r: number) => (r & 0x807fffff) | (Math.min(Math.max(e, 0), 254) << 23);
/** A float32 m 2^e, m a small odd integer: its multiples by integers below 2^15 are float32s. */
const smallSignificand = (next: () => number) =>
  bitsOf((next() & 1 ? -1 : 1) * (2 * (next() % 128) + 1) * 2 ** ((next() % 240) - 140));

/** Specials with |x / y| < 2^29 (or not finite), other such pairs, those past it, and 2^29 .. 2^30 alone. */
function inputSets() {
  const next = random32(20240601);
  const [specials, inRange, past, justPast] = [new Pairs(), new Pairs(), new Pairs(), new Pairs()];
  const sort = (x: number, y: number) => (hugeRatio(x, y) ? past : inRange).push(x, y);
  for (const a of SPECIALS) for (const b of SPECIALS) (hugeRatio(a, b) ? past : specials).push(a, b);
  for (let i = 0; i < 50_000; i++) {
    // exponents apart by -8 .. 22, subnormals too (y's at least 2^-127): |x / y| < 2^24
    const e = next() % 256;
    const ey = e - ((next() % 31) - 8);
    inRange.push(
      withExponent(e, next()),
      ey > 0 ? withExponent(ey, next()) : withExponent(0, next()) | 0x400000,
    );
  }
  for (let i = 0; i < 10_000; i++) {
    // exact multiples n y and their float32 neighbours
    const y = smallSignificand(next);
    const x = bitsOf((next() & 1 ? -1 : 1) * (next() % 2 ** 15) * float(y));
    inRange.push(x, y);
    if (x & 0x7fffffff) inRange.push(x - 1, y);
    inRange.push(x + 1, y);
  }
  for (let i = 0; i < 20_000; i++) {
    // exponents 20 to 34 apart: quotients on both sides of 2^29; 35 and more apart; random bits (every
    // exponent, NaN and Infinity too)
    const e = 35 + (next() % 220);
    sort(withExponent(e, next()), withExponent(e - 20 - (next() % 15), next()));
    sort(withExponent(e, next()), withExponent(e - 35 - (next() % 200), next()));
    sort(next(), next());
  }
  while (justPast.x.length < 20_000) {
    // 2^29 <= |x / y| < 2^30 alone: a limit set any higher would leave these chunks to the kernel
    const y = withExponent(1 + (next() % 200), next());
    const x = withExponent(((y >>> 23) & 0xff) + 29 + (next() & 1), next());
    if (hugeRatio(x, y) && Math.abs(float(x) / float(y)) < 2 ** 30) justPast.push(x, y);
  }
  // (64 KiB and up: tensor() copies them into the kernels' memory, where they run in place)
  return {
    specials: specials.arrays(20_000),
    inRange: inRange.arrays(),
    past: past.arrays(),
    justPast: justPast.arrays(),
  };
}

/** The first few lanes where `got` differs from float32(reference(x[i], y[i])) (Object.is: -0, NaN as NaN). */
function mismatches(
  got: ArrayLike<number>,
  x: (i: number) => number,
  y: (i: number) => number,
  reference: (x: number, y: number) => number,
): string[] {
  const bad: string[] = [];
  for (let i = 0; i < got.length && bad.length < 5; i++) {
    const want = Math.fround(reference(x(i), y(i)));
    if (!Object.is(want, got[i])) bad.push(`(${x(i)}, ${y(i)}): ${got[i]}, expected ${want}`);
  }
  return bad;
}

/** t's values, t disposed of (read through a copy, so its block is free again). */
function read(t: Tensor): Float32Array {
  const values = t.clone().dataSync() as Float32Array;
  t.dispose();
  return values;
}

/** Whether t's values live in the kernels' memory (resident-arena), so they ran in place. */
const isResident = (t: Tensor) => (t.storage.data as Float32Array).buffer.byteLength > 2 ** 24;

describe('float32 copysign, hypot, fmod, remainder, truncDivide and floorDivide', () => {
  const sets = inputSets();

  it('takes over 100k pairs, those past |x / y| = 2^29 apart', () => {
    const total = Object.values(sets).reduce((n, [x]) => n + x.length, 0);
    expect(total).toBeGreaterThan(100_000);
    const [x, y] = sets.inRange;
    expect(x.some((v, i) => hugeRatio(bitsOf(v), bitsOf(y[i]!)))).toBe(false);
  });

  for (const [name, { run, reference }] of Object.entries(OPS)) {
    it(`${name} of two tensors: the float64 reference's bits, in the kernel, in place and in the JS loop`, () => {
      for (const [set, [xs, ys]] of Object.entries(sets)) {
        const check = (got: ArrayLike<number>, from = xs, to = ys) =>
          expect(
            mismatches(
              got,
              (i) => from[i]!,
              (i) => to[i]!,
              reference,
            ),
            `${name}, ${set}`,
          ).toEqual([]);
        // inputs outside the kernels' memory: streamed through it in chunks
        check(read(run(Tensor.fromArray(xs, [xs.length]), Tensor.fromArray(ys, [ys.length]))));
        // copies in it, and an output in a block of a size disposed of before: in place
        const [a, b] = [tensor(xs), tensor(ys)];
        run(a, b).dispose();
        const inPlace = run(a, b);
        expect([a, b, inPlace].map(isResident)).toEqual([true, true, true]);
        check(read(inPlace));
        // strided inputs: the JS loop
        const [sa, sb] = [a, b].map((t) => t.slice(0, undefined, undefined, 2));
        check(run(sa!, sb!).dataSync(), sa!.dataSync() as Float32Array, sb!.dataSync() as Float32Array);
      }
    });
  }

  // Moderate values keep x / s and s / x below 2^29 for most numbers s (the kernel); the whole range
  // sends chunks to the redo.
  const next = random32(7);
  const moderate = Float32Array.from(
    { length: 40_000 },
    () => (next() & 1 ? -1 : 1) * 2 ** ((next() % 2300) / 100 - 10),
  );
  const wide = Float32Array.from([
    ...sets.specials[0].subarray(0, 2000),
    ...sets.inRange[0],
    ...sets.past[1],
  ]);
  const numbers = [2, 3, -1, -2.5, 0.1, 0.5, 1e-30, 7e30, 0, -0, Infinity, -Infinity, Number.NaN, 2 ** -149]
    .concat(3.4028234663852886e38)
    .map(Math.fround);

  for (const name of WITH_NUMBER) {
    const { run, reference } = OPS[name]!;
    it(`${name} with a number on either side: the float64 reference's bits`, () => {
      for (const values of [moderate, wide]) {
        const t = tensor(values);
        for (const s of numbers) {
          const at = (i: number) => values[i]!;
          expect(
            mismatches(run(t, s).dataSync(), at, () => s, reference),
            `${name}(x, ${s})`,
          ).toEqual([]);
          expect(
            mismatches(run(s, t).dataSync(), () => s, at, reference),
            `${name}(${s}, x)`,
          ).toEqual([]);
        }
      }
    });
  }

  it("copysign takes a NaN's sign bit, from a tensor or a single value", () => {
    const n = 8192;
    const negativeNaN = new Float32Array(Uint32Array.of(0xffc00000).buffer);
    const signs = new Float32Array(new Uint32Array(n).fill(0xffc00000).buffer);
    const x = tensor(Float32Array.from({ length: n }, (_, i) => i - 100));
    const expected = Array.from({ length: n }, (_, i) => -Math.abs(i - 100));
    expect(Array.from(copysign(x, tensor(signs)).dataSync())).toEqual(expected);
    expect(Array.from(copysign(x, tensor(negativeNaN)).dataSync())).toEqual(expected);
  });

  // torch 1.13 gives the same zeros: fmod(-4., 2.) and remainder(-4., 2.) are -0.
  it("zeros carry the JS loop's signs: fmod(-4, 2) and remainder(-4, 2) are -0, remainder(4, -2) is 0", () => {
    const n = 8192;
    const x = tensor(Float32Array.from({ length: n }, (_, i) => [-4, 4, -0, 0][i % 4]!));
    const fmods = fmod(x, 2).dataSync();
    const remainders = remainder(x, -2).dataSync();
    expect([...fmods.subarray(0, 4)].map((v) => Object.is(v, -0))).toEqual([true, false, true, false]);
    expect([...remainders.subarray(0, 4)].map((v) => Object.is(v, -0))).toEqual([true, false, true, false]);
    expect([...remainder(x, 2).dataSync().subarray(0, 2)].map((v) => Object.is(v, -0))).toEqual([
      true,
      false,
    ]);
  });

  it("truncDivide truncates torch's float32 quotient, SIMD and JS loop alike (0.7 / 0.1 is 7, not 6)", () => {
    // torch 1.13: div([0.7], [0.1], rounding_mode='trunc') is 7 (the float64 quotient is 6.99999978)
    const n = 8192;
    const x = tensor(Float32Array.from({ length: 2 * n }, (_, i) => [0.7, 0.5, -4.2][i % 3]!));
    const y = tensor(Float32Array.from({ length: 2 * n }, (_, i) => [0.1, 0.1, 0.7][i % 3]!));
    const expected = [7, 5, -6];
    expect([...div(x, y, { roundingMode: 'trunc' }).dataSync().subarray(0, 3)]).toEqual(expected);
    const strided = div(x.slice(0, undefined, undefined, 2), y.slice(0, undefined, undefined, 2), {
      roundingMode: 'trunc',
    });
    expect([strided.dataSync()[0], strided.dataSync()[2], strided.dataSync()[1]]).toEqual(expected);
  });

  it('runs on the SIMD kernels', () => {
    const plan = (name: string, layouts: ('dense' | 'single')[], value = 2) =>
      planSimdFloat32(name, layouts, () => value, 1, [0, 0])?.kernel;
    for (const name of Object.keys(OPS)) expect(plan(name, ['dense', 'dense'])).toBe(name);
    for (const name of WITH_NUMBER) {
      expect(plan(name, ['dense', 'single'])).toBe(`${name}ScalarB`);
      expect(plan(name, ['single', 'dense'])).toBe(`${name}ScalarA`);
      expect(plan(name, ['dense', 'single'], 0.1)).toBeUndefined(); // the JS loop's x % 0.1 isn't float32's
    }
  });
});
