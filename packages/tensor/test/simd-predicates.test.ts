import { describe, expect, it } from 'vitest';
import { type Tensor, tensor } from '../src';
import { planSimdFloat32 } from '../src/backends/cpu/simd/elementwise';

// The bool-valued elementwise ops on float32 (isnan, isinf, isfinite, logicalNot; logicalAnd, logicalOr,
// logicalXor of two tensors or with a single value) run SIMD kernels over large contiguous inputs (see
// PREDICATES and LOGICAL in backends/cpu/simd/module.ts): element by element against the JS loop's
// expressions, over values from the whole float32 range with every special (NaN, +-Infinity, +-0,
// subnormals, huge) and every pairing of them.

/** The JS loop's expressions (backends/cpu/elementwise.ts). */
const PREDICATES: Record<string, [(x: Tensor) => Tensor, (x: number) => boolean]> = {
  isnan: [(x) => x.isnan(), Number.isNaN],
  isinf: [(x) => x.isinf(), (x) => x === Infinity || x === -Infinity],
  isfinite: [(x) => x.isfinite(), (x) => x - x === 0],
  logicalNot: [(x) => x.logicalNot(), (x) => x === 0],
};
const LOGICAL: Record<string, (x: number, y: number) => boolean> = {
  logicalAnd: (x, y) => x !== 0 && y !== 0,
  logicalOr: (x, y) => x !== 0 || y !== 0,
  logicalXor: (x, y) => (x !== 0) !== (y !== 0),
};
const logical = (name: string, x: Tensor, y: Tensor | number) =>
  (x as unknown as Record<string, (y: Tensor | number) => Tensor>)[name]!.call(x, y);

const SPECIALS = [
  Number.NaN,
  new Float32Array(new Uint32Array([0xffc01234]).buffer)[0]!, // a negative NaN with a payload
  Infinity,
  -Infinity,
  0,
  -0,
  1.401298464324817e-45, // the least subnormal
  -1e-40,
  1.1754942106924411e-38, // the greatest subnormal
  3.4028234663852886e38,
  -3.4028234663852886e38,
  1,
  -1,
];

/** `n` float32 values, a third zeros or specials, the rest random bit patterns (any sign and exponent). */
function values(n: number, seed: number): Float32Array {
  const bits = new Uint32Array(n);
  const out = new Float32Array(bits.buffer);
  let state = seed;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state;
  };
  for (let i = 0; i < n; i++) {
    const r = next();
    if (r % 6 === 0) out[i] = SPECIALS[(r >>> 8) % SPECIALS.length]!;
    else if (r % 6 === 1) out[i] = (r >>> 8) % 2 === 0 ? 0 : -0;
    else bits[i] = next();
  }
  return out;
}

/**
 * Asserts the bool bytes `got` are `length` values equal to `expected(i)`, naming the first element that
 * differs (with its inputs, `inputsAt(i)`).
 */
function expectBools(
  got: ArrayLike<number>,
  length: number,
  expected: (i: number) => boolean,
  inputsAt: (i: number) => unknown,
) {
  expect(got.length).toBe(length);
  for (let i = 0; i < length; i++) {
    const want = expected(i) ? 1 : 0;
    if (got[i] !== want) expect({ at: i, inputs: inputsAt(i), got: got[i] }).toEqual({ want });
  }
}

const n = 100_003; // not a multiple of the kernels' 16 floats per iteration
const a = values(n, 1);
const b = values(n, 2);
const scalars = [0, -0, 1, -2.5, Number.NaN, Infinity, -Infinity, 1.401298464324817e-45, 3e38];

describe('bool-valued ops of large float32 tensors (SIMD)', () => {
  it('plans the predicates and logical ops as bool-byte kernels, float32 inputs only', () => {
    const none = () => 0;
    for (const name of Object.keys(PREDICATES)) {
      expect(planSimdFloat32(name, ['dense'], none, 1, [0, 0])).toEqual({
        kernel: name,
        dense: [0],
        splats: [],
        toBool: true,
      });
      // a bool (or broadcast) input: the JS loop
      expect(planSimdFloat32(name, ['mask'], none, 1, [0, 0])).toBeUndefined();
      expect(planSimdFloat32(name, ['single'], none, 1, [0, 0])).toBeUndefined();
    }
    for (const name of Object.keys(LOGICAL)) {
      const plan = (layouts: ('dense' | 'single' | 'mask')[], value = 0) =>
        planSimdFloat32(name, layouts, () => value, 1, [0, 0]);
      expect(plan(['dense', 'dense'])).toEqual({ kernel: name, dense: [0, 1], splats: [], toBool: true });
      // the single value on either side as 1 or 0: NaN and a float64 too small for float32 are nonzero
      for (const [value, held] of [
        [0.1, 1],
        [-0, 0],
        [Number.NaN, 1],
        [1e-300, 1],
      ] as const) {
        const scalar = { kernel: `${name}ScalarB`, splats: [held], toBool: true };
        expect(plan(['dense', 'single'], value)).toEqual({ ...scalar, dense: [0] });
        expect(plan(['single', 'dense'], value)).toEqual({ ...scalar, dense: [1] });
      }
      expect(plan(['dense', 'mask'])).toBeUndefined();
      expect(plan(['single', 'single'])).toBeUndefined();
    }
  });

  it('isnan, isinf, isfinite and logicalNot give the JS expressions over every float32 kind', () => {
    const x = tensor(a);
    for (const [name, [f, reference]] of Object.entries(PREDICATES)) {
      expectBools(
        f(x).dataSync(),
        n,
        (i) => reference(a[i]!),
        (i) => [name, a[i]],
      );
      // a view at an offset: read from its own start
      expectBools(
        f(x.narrow(0, 5, n - 9)).dataSync(),
        n - 9,
        (i) => reference(a[i + 5]!),
        (i) => [name, a[i + 5]],
      );
    }
  });

  it('logicalAnd, logicalOr and logicalXor of two tensors give the JS expressions (NaN true, -0 false)', () => {
    const [x, y] = [tensor(a), tensor(b)];
    for (const [name, reference] of Object.entries(LOGICAL)) {
      expectBools(
        logical(name, x, y).dataSync(),
        n,
        (i) => reference(a[i]!, b[i]!),
        (i) => [name, a[i], b[i]],
      );
      expectBools(
        logical(name, x.narrow(0, 3, n - 7), y.narrow(0, 1, n - 7)).dataSync(),
        n - 7,
        (i) => reference(a[i + 3]!, b[i + 1]!),
        (i) => [name, a[i + 3], b[i + 1]],
      );
    }
  });

  it('logical ops with a single value on either side give the JS expressions', () => {
    const x = tensor(a);
    for (const [name, reference] of Object.entries(LOGICAL)) {
      for (const v of scalars) {
        const at = (i: number) => [name, a[i], v];
        expectBools(logical(name, x, v).dataSync(), n, (i) => reference(a[i]!, v), at);
        const zeroD = tensor(v, { dtype: 'float32' });
        expectBools(logical(name, zeroD, x).dataSync(), n, (i) => reference(v, a[i]!), at);
      }
      // a float64 0-d operand, nonzero though float32 would round it to 0: the JS loop's bools (stride 2)
      const tiny = tensor(1e-300, { dtype: 'float64' });
      const strided = tensor(Float32Array.from([...a.subarray(0, 5000)].flatMap((v) => [v, 7]))).slice(
        0,
        undefined,
        undefined,
        2,
      );
      expect([...logical(name, x.narrow(0, 0, 5000), tiny).dataSync()], name).toEqual([
        ...logical(name, strided, tiny).dataSync(),
      ]);
      expect([...logical(name, tiny, x.narrow(0, 0, 5000)).dataSync()], name).toEqual([
        ...logical(name, tiny, strided).dataSync(),
      ]);
    }
  });

  it('repeated rows (a broadcast block) and strided views give the same bools', () => {
    const row = tensor(a.subarray(0, 1000));
    const block = values(200_000, 3);
    const rows = tensor(block).reshape([200, 1000]);
    expectBools(
      row.expand([200, 1000]).isnan().dataSync(),
      200_000,
      (i) => Number.isNaN(a[i % 1000]!),
      (i) => a[i % 1000],
    );
    expectBools(
      rows.logicalXor(row).dataSync(),
      200_000,
      (i) => LOGICAL.logicalXor!(block[i]!, a[i % 1000]!),
      (i) => [block[i], a[i % 1000]],
    );
    // a small strided view runs the JS loop
    const small = tensor(a.subarray(0, 600)).slice(0, undefined, undefined, 3);
    for (const [name, [f, reference]] of Object.entries(PREDICATES))
      expectBools(
        f(small).dataSync(),
        200,
        (i) => reference(a[3 * i]!),
        (i) => [name, a[3 * i]],
      );
    const other = tensor(b.subarray(0, 600)).slice(0, undefined, undefined, 3);
    for (const [name, reference] of Object.entries(LOGICAL))
      expectBools(
        logical(name, small, other).dataSync(),
        200,
        (i) => reference(a[3 * i]!, b[3 * i]!),
        (i) => [name, a[3 * i], b[3 * i]],
      );
  });

  it('bool and int32 inputs keep the JS loop and its results', () => {
    const ints = Int32Array.from({ length: 10_000 }, (_, i) => (i % 3) - 1);
    const x = tensor(ints);
    const mask = tensor(Uint8Array.from(ints, (v) => (v > 0 ? 1 : 0))).to('bool');
    expectBools(
      x.logicalNot().dataSync(),
      10_000,
      (i) => ints[i] === 0,
      (i) => ints[i],
    );
    expectBools(
      x.isfinite().dataSync(),
      10_000,
      () => true,
      (i) => ints[i],
    );
    expectBools(
      mask.logicalNot().dataSync(),
      10_000,
      (i) => !(ints[i]! > 0),
      (i) => ints[i],
    );
    expectBools(
      tensor(a.subarray(0, 10_000)).logicalAnd(mask).dataSync(),
      10_000,
      (i) => a[i] !== 0 && ints[i]! > 0,
      (i) => [a[i], ints[i]],
    );
  });
});
