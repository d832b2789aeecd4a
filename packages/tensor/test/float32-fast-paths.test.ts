import { assertClose } from '@nn/tooling/test-utils';
import { describe, expect, it } from 'vitest';
import {
  add,
  cat,
  div,
  logSoftmax,
  manualSeed,
  mul,
  pow,
  randn,
  reluBackward,
  sigmoidBackward,
  softmax,
  stack,
  sub,
  type Tensor,
  tanhBackward,
  tensor,
} from '../src';

// Float32 results take fast paths (WebAssembly SIMD for large contiguous tensors, float32-accurate
// exponentials otherwise); float64 results keep Math's full accuracy. Large sizes (not a multiple of 4)
// cross the SIMD chunks and its tail.
const SIZE = 40_003;
const specials = [
  0,
  -0,
  Number.NaN,
  Infinity,
  -Infinity,
  89,
  88.72,
  88.73,
  -87.5,
  -103,
  -103.9,
  -104.5,
  1e-8,
  -1e-8,
];

function inputs(): [Tensor, Tensor] {
  manualSeed(7);
  const a = cat([tensor(specials).float(), randn([SIZE]).mul(30)]);
  return [a, randn([a.numel()])];
}

/** The float64 computation rounded to float32: what a correctly rounded float32 kernel returns. */
const exact = (f: (...xs: Tensor[]) => Tensor, ...xs: Tensor[]) => f(...xs.map((x) => x.double())).float();
const tolerance = { rtol: 1e-6, atol: 1e-44 };

/**
 * Bitwise equality of two float32 tensors, but any NaN equals any NaN: V8's own NaNs differ in payload
 * from one code path to the next (`(-87.5) ** 2.5` gives 0x7fe00000, `(-3) ** 2.5` 0x7fc00000).
 */
const sameBits = (x: Tensor, y: Tensor) => {
  const [a, b] = [x, y].map((t) => t.dataSync() as Float32Array) as [Float32Array, Float32Array];
  const [aBits, bBits] = [a, b].map((d) => new Uint32Array(d.buffer, d.byteOffset, d.length));
  return (
    a.length === b.length &&
    a.every((v, i) => aBits![i] === bBits![i] || (Number.isNaN(v) && Number.isNaN(b[i]!)))
  );
};

describe('float32 fast paths', () => {
  const unary: Record<string, (x: Tensor) => Tensor> = {
    exp: (x) => x.exp(),
    tanh: (x) => x.tanh(),
    sigmoid: (x) => x.sigmoid(),
  };
  for (const [name, f] of Object.entries(unary)) {
    it(`${name} stays within a float32 ulp or two, contiguous and strided`, () => {
      const [a] = inputs();
      assertClose(f(a), exact(f, a), tolerance, name);
      const strided = a.slice(0, undefined, undefined, 3);
      assertClose(f(strided), exact(f, strided), tolerance, `${name} strided`);
    });
  }

  const binary: Record<string, (a: Tensor, b: Tensor) => Tensor> = { add, sub, mul, div };
  for (const [name, f] of Object.entries(binary)) {
    it(`${name} equals the correctly rounded float32 result`, () => {
      const [a, b] = inputs();
      expect([...f(a, b).dataSync()]).toEqual([...exact(f, a, b).dataSync()]);
    });
  }

  it('streams large inputs through the SIMD scratch in chunks (ragged tail)', () => {
    manualSeed(11);
    const a = randn([600_003]).mul(20);
    const b = randn([600_003]);
    assertClose(
      a.exp(),
      exact((x) => x.exp(), a),
      tolerance,
      'exp',
    );
    expect(
      sameBits(
        add(a, b),
        exact((x, y) => add(x!, y!), a, b),
      ),
    ).toBe(true);
    expect(
      sameBits(
        div(a, b),
        exact((x, y) => div(x!, y!), a, b),
      ),
    ).toBe(true);
  });

  it('exp: one out-of-range element reruns its chunk over the full range, with the same bits elsewhere', () => {
    manualSeed(5);
    const inRange = randn([50_003]).mul(20).clamp(-86, 86);
    const fast = inRange.exp();
    assertClose(
      fast,
      exact((x) => x.exp(), inRange),
      tolerance,
      'exp in range',
    );
    for (const special of [-100, 88.8, Number.NaN, -Infinity]) {
      const values = Float32Array.from(inRange.dataSync());
      values[20_001] = special; // inside the second SIMD chunk
      const mixed = Float32Array.from(tensor(values).exp().dataSync());
      expect(mixed[20_001]).toBe(Math.fround(Math.exp(special)));
      mixed[20_001] = fast.dataSync()[20_001]!;
      expect(sameBits(tensor(mixed), fast)).toBe(true);
    }
  });

  it("relu is PyTorch's x < 0 ? 0 : x on both paths: NaN and -0 pass through", () => {
    // biome-ignore lint/complexity/useMathMinMax: Math.max(-0, 0) is +0; PyTorch's relu keeps -0.
    const pytorchRelu = (values: ArrayLike<number>) => Float32Array.from(values, (v) => (v < 0 ? 0 : v));
    const [large] = inputs(); // SIMD
    expect(sameBits(large.relu(), tensor(pytorchRelu(large.dataSync())))).toBe(true);
    const small = tensor(specials).float(); // the JS loop
    expect(sameBits(small.relu(), tensor(pytorchRelu(specials)))).toBe(true);
    expect(Object.is(small.relu().dataSync()[1], -0)).toBe(true);
  });

  it("reluBackward is PyTorch's threshold_backward(grad, output, 0) on both paths", () => {
    const expected = (grad: ArrayLike<number>, output: ArrayLike<number>) =>
      Float32Array.from(grad, (g, i) => (output[i]! > 0 ? g : 0));
    const [output, grad] = inputs(); // SIMD; output holds NaN, +-0, +-Infinity
    const largeResult = reluBackward(grad, output);
    expect(sameBits(largeResult, tensor(expected(grad.dataSync(), output.dataSync())))).toBe(true);
    const small = tensor(specials).float(); // the JS loop
    const smallGrad = tensor(specials.map((_, i) => (i % 2 ? Number.NaN : i - 3))).float();
    expect(sameBits(reluBackward(smallGrad, small), tensor(expected(smallGrad.dataSync(), specials)))).toBe(
      true,
    );
  });

  it("sigmoidBackward and tanhBackward round as PyTorch's float32 loops do (1 - y * y fused), on both paths", () => {
    const f = Math.fround;
    const cases = [
      {
        op: sigmoidBackward,
        y: (x: Tensor) => x.sigmoid(),
        step: (g: number, y: number) => f(f(g * f(1 - y)) * y),
      },
      {
        op: tanhBackward,
        y: (x: Tensor) => x.tanh(),
        step: (g: number, y: number) => f(g * f(1 - y * y)),
      },
    ];
    const [x, grad] = inputs();
    const small = tensor(specials).float(); // the JS loop
    const smallGrad = tensor(specials.map((_, i) => (i % 3 ? i - 7.3 : Number.NaN))).float();
    for (const { op, y, step } of cases) {
      // outputs in the op's range, and the specials and wide values as they come (SIMD)
      for (const [g, output] of [
        [grad, y(x)],
        [grad, x],
        [smallGrad, small],
      ] as const) {
        const o = output.dataSync();
        const want = Float32Array.from(g.dataSync(), (gi, i) => step(gi, o[i]!));
        expect(sameBits(op(g, output), tensor(want)), op.name).toBe(true);
      }
    }
  });

  it("pow's special exponents and rsqrt round as torch's float32 kernels do, on both paths", () => {
    const f = Math.fround;
    const cases: [string, (x: Tensor) => Tensor, (v: number) => number][] = [
      ['pow 3', (x) => x.pow(3), (v) => f(f(v * v) * v)],
      ['pow -2', (x) => x.pow(-2), (v) => f(1 / f(v * v))],
      ['pow -0.5', (x) => x.pow(-0.5), (v) => f(1 / f(Math.sqrt(v)))],
      ['rsqrt', (x) => x.rsqrt(), (v) => f(1 / f(Math.sqrt(v)))],
      ['pow 0.5', (x) => x.pow(0.5), (v) => f(Math.sqrt(v))],
      ['pow -1', (x) => x.pow(-1), (v) => f(1 / v)],
      ['pow 2.5', (x) => x.pow(2.5), (v) => f(v ** 2.5)],
    ];
    const [large] = inputs(); // SIMD where a kernel exists
    const strided = stack([large, large], 1).select(1, 0); // the JS loop, over as many values
    for (const [name, op, step] of cases) {
      for (const x of [large, large.abs(), strided, strided.abs()]) {
        expect(sameBits(op(x), tensor(Float32Array.from(x.dataSync(), step))), name).toBe(true);
      }
    }
  });

  it("the clamp-like activations round as torch's float32 kernels do, on both paths", () => {
    const f = Math.fround;
    const clampSix = (v: number) => Math.min(Math.max(v, 0), 6);
    const [l, t, value] = [f(0.3), f(0.4), f(-2.2)];
    const cases: [string, (x: Tensor) => Tensor, (v: number) => number][] = [
      ['hardswish', (x) => x.hardswish(), (v) => f(f(v * clampSix(f(v + 3))) / 6)],
      ['hardsigmoid', (x) => x.hardsigmoid(), (v) => f(clampSix(f(v + 3)) / 6)],
      ['softsign', (x) => x.softsign(), (v) => f(v / f(1 + Math.abs(v)))],
      ['softshrink', (x) => x.softshrink(0.3), (v) => (v > l ? f(v - l) : v < -l ? f(v + l) : 0)],
      ['hardshrink', (x) => x.hardshrink(0.3), (v) => (v >= -l && v <= l ? 0 : v)],
      ['threshold', (x) => x.threshold(0.4, -2.2), (v) => (v <= t ? value : v)],
    ];
    const [large] = inputs(); // SIMD
    const scaled = large.mul(0.02); // most values near the kinks
    for (const [name, op, step] of cases) {
      for (const x of [large, scaled, stack([scaled, scaled], 1).select(1, 0)]) {
        // Object.is per value: -inf * 0 makes a NaN whose sign bit differs between wasm and JS
        const got = op(x).dataSync();
        const want = Float32Array.from(x.dataSync(), step);
        expect(
          want.every((w, i) => Object.is(w, got[i])),
          name,
        ).toBe(true);
      }
    }
  });

  it('keeps alpha on the exact path', () => {
    const [a, b] = inputs();
    assertClose(
      add(a, b, { alpha: 0.5 }),
      exact((x, y) => add(x!, y!, { alpha: 0.5 }), a, b),
      tolerance,
    );
  });

  it('leaves float64 exp exactly Math.exp', () => {
    const [a] = inputs();
    const x = a.double();
    expect([...x.exp().dataSync()]).toEqual([...x.dataSync()].map(Math.exp));
  });

  it('softmax and logSoftmax of float32 match the float64 computation', () => {
    manualSeed(3);
    const logits = randn([64, 300]).mul(10);
    assertClose(
      softmax(logits, 1),
      exact((x) => softmax(x!, 1), logits),
      tolerance,
    );
    assertClose(
      logSoftmax(logits, 0),
      exact((x) => logSoftmax(x!, 0), logits),
      { rtol: 1e-6, atol: 1e-6 },
    );
  });

  it('softmax over the last dim takes the SIMD rows path: masked, extreme and non-finite rows, long rows in segments', () => {
    manualSeed(4);
    const rows = randn([40, 301]).mul(30).dataSync() as Float32Array;
    rows.fill(-Infinity, 301, 301 + 150); // row 1: half masked
    rows.fill(-Infinity, 2 * 301, 3 * 301); // row 2: all masked -> NaN, as PyTorch
    rows[3 * 301 + 7] = Infinity; // row 3 -> NaN
    rows[4 * 301 + 9] = Number.NaN; // row 4 -> NaN
    rows[5 * 301 + 2] = 1e4; // row 5: one huge logit, the rest underflow to 0
    rows[6 * 301 + 5] = -1e4;
    for (const x of [tensor(rows).reshape([40, 301]), randn([2, 40_000]).mul(5), randn([3, 2, 5])]) {
      for (const [name, f] of [
        ['softmax', softmax],
        ['logSoftmax', logSoftmax],
      ] as const) {
        const expected = exact((t) => f(t!, -1), x);
        assertClose(f(x, -1), expected, { rtol: 1e-6, atol: name === 'softmax' ? 1e-44 : 1e-6 }, name);
      }
    }
    const masked = softmax(tensor(rows).reshape([40, 301]), 1);
    expect(masked.select(0, 2).isnan().all().item()).toBe(true);
    expect(masked.select(0, 3).isnan().all().item()).toBe(true);
    expect(masked.select(0, 1).narrow(0, 0, 150).eq(0).all().item()).toBe(true);
  });
});

describe('float32 SIMD with number operands and bounds', () => {
  // The same values as a stride-2 view: the JS loop's results, to compare the SIMD path's with.
  const strided = (t: Tensor) => stack([t, t], 1).select(1, 0);
  const both = (f: (x: Tensor) => Tensor, a: Tensor) => [[...f(a).dataSync()], [...f(strided(a)).dataSync()]];
  // 3.3 is not a float32: as an operand it is rounded to one (a 0-d float32 tensor), as a bound it is not.
  const numbers = [2, -0.5, 3.3, 0, -0, Number.NaN, Infinity, -Infinity, 1e-40, 3e38];

  it("x op number and number op x: add, sub, mul, div, maximum, minimum give the JS loop's values", () => {
    const [a] = inputs();
    const zeroD = (v: number) => tensor(v).float();
    const ops: Record<string, (x: Tensor, v: number) => Tensor[]> = {
      add: (x, v) => [add(x, v), add(v, x)],
      sub: (x, v) => [sub(x, v), sub(v, x)],
      mul: (x, v) => [mul(x, v), mul(v, x)],
      div: (x, v) => [div(x, v), div(v, x)],
      maximum: (x, v) => [x.maximum(zeroD(v)), zeroD(v).maximum(x)],
      minimum: (x, v) => [x.minimum(zeroD(v)), zeroD(v).minimum(x)],
    };
    for (const [name, f] of Object.entries(ops)) {
      for (const v of numbers) {
        for (const side of [0, 1]) {
          const [simd, js] = both((x) => f(x, v)[side]!, a);
          expect(simd, `${name} ${side === 0 ? `x, ${v}` : `${v}, x`}`).toEqual(js);
        }
      }
    }
  });

  it("comparisons of two tensors or with a number give the JS loop's bools (NaN, signed zeros)", () => {
    const [a, b] = inputs();
    // Against a's leading specials (0, -0, NaN, Infinity, -Infinity): equal zeros, NaN against NaN and numbers.
    const c = cat([
      tensor([-0, 0, Number.NaN, Number.NaN, -Infinity]).float(),
      b.narrow(0, 5, b.numel() - 5),
    ]);
    const bools = (t: Tensor) => [...t.dataSync()];
    for (const name of ['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const) {
      const f = (x: Tensor, y: Tensor | number) => x[name](y) as Tensor;
      expect(bools(f(a, c)), `${name} tensors`).toEqual(bools(f(strided(a), strided(c))));
      for (const v of [0, -0, 1.5, 3.3, Number.NaN, Infinity, 0.1]) {
        expect(bools(f(a, v)), `${name} x, ${v}`).toEqual(bools(f(strided(a), v)));
        const zeroD = tensor(v).float();
        expect(bools(f(zeroD, a)), `${name} ${v}, x`).toEqual(bools(f(zeroD, strided(a))));
      }
    }
  });

  it('maximum and minimum of two tensors propagate NaN and order -0 below +0, as the JS loop', () => {
    const [a, b] = inputs();
    // Against a's leading specials (0, -0, NaN, Infinity, -Infinity): zeros of the other sign, NaN beside numbers.
    const c = cat([tensor([-0, 0, 1, Number.NaN, Number.NaN]).float(), b.narrow(0, 5, b.numel() - 5)]);
    for (const f of [(x: Tensor, y: Tensor) => x.maximum(y), (x: Tensor, y: Tensor) => x.minimum(y)]) {
      expect([...f(a, c).dataSync()]).toEqual([...f(strided(a), strided(c)).dataSync()]);
    }
  });

  it("clamp, hardtanh, pow(x, 2) and leakyRelu give the JS loop's values", () => {
    const [a] = inputs();
    const cases: [string, (x: Tensor) => Tensor][] = [
      ['clamp(-1.5, 2.25)', (x) => x.clamp(-1.5, 2.25)],
      ['clamp(0.1, 0.3)', (x) => x.clamp(0.1, 0.3)], // bounds that are not float32s
      ['clamp(max 0)', (x) => x.clamp(undefined, 0)],
      ['clamp(min -0)', (x) => x.clamp(-0)],
      ['clamp(NaN, 1)', (x) => x.clamp(Number.NaN, 1)],
      ['clamp(2, 1)', (x) => x.clamp(2, 1)],
      ['hardtanh()', (x) => x.hardtanh()],
      ['hardtanh(0, 6)', (x) => x.hardtanh(0, 6)],
      ['hardtanh(-0.1, 0.1)', (x) => x.hardtanh(-0.1, 0.1)],
      ['pow(2)', (x) => pow(x, 2)],
      ['leakyRelu()', (x) => x.leakyRelu()],
      ['leakyRelu(0.3)', (x) => x.leakyRelu(0.3)],
    ];
    for (const [label, f] of cases) {
      const [simd, js] = both(f, a);
      expect(simd, label).toEqual(js);
    }
  });
});
