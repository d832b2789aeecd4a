// Behaviour of the issue-18 activations beyond the PyTorch fixtures (layers.jsonl and the elementwise
// fixtures of @nn/tensor and @nn/autograd): inplace, RReLU's random slopes, reprs and errors.
import '@nn/autograd';
import {
  CELU,
  F,
  GLU,
  Hardshrink,
  Hardsigmoid,
  Hardswish,
  Hardtanh,
  Mish,
  ReLU,
  ReLU6,
  RReLU,
  SiLU,
  Softmax2d,
  Softmin,
  Threshold,
} from '@nn/nn';
import { Generator, manualSeed, randn, tensor } from '@nn/tensor';
import { assertClose } from '@nn/tooling/test-utils';
import { describe, expect, it } from 'vitest';

describe('inplace activations', () => {
  const cases = [
    ['ReLU6', () => new ReLU6({ inplace: true }), () => new ReLU6()],
    ['Hardswish', () => new Hardswish({ inplace: true }), () => new Hardswish()],
    ['Hardsigmoid', () => new Hardsigmoid({ inplace: true }), () => new Hardsigmoid()],
    ['Threshold', () => new Threshold(0.2, -5, { inplace: true }), () => new Threshold(0.2, -5)],
    ['CELU', () => new CELU(0.5, { inplace: true }), () => new CELU(0.5)],
    ['SiLU', () => new SiLU({ inplace: true }), () => new SiLU()],
    ['Mish', () => new Mish({ inplace: true }), () => new Mish()],
    ['RReLU', () => new RReLU(0.1, 0.3, { inplace: true }).eval(), () => new RReLU(0.1, 0.3).eval()],
    ['ReLU', () => new ReLU({ inplace: true }), () => new ReLU()],
    ['Hardtanh', () => new Hardtanh(-2, 3, { inplace: true }), () => new Hardtanh(-2, 3)],
  ] as const;
  for (const [name, inplace, outOfPlace] of cases) {
    it(`${name} writes into its input and returns it, with the out-of-place values and gradients`, () => {
      const values = [-4, -3, -1, 0, 0.1, 0.5, 3, 7];
      const leafA = tensor(values, { dtype: 'float64' }).requiresGrad_();
      const leafB = tensor(values, { dtype: 'float64' }).requiresGrad_();
      // a non-leaf input, as PyTorch refuses in-place writes into leaves that require grad
      const x = leafA.mul(1);
      const y = inplace().call(x);
      expect(y).toBe(x);
      const want = outOfPlace().call(leafB.mul(1));
      assertClose(y, want, { rtol: 0, atol: 0 }, name);
      y.sum().backward();
      want.sum().backward();
      assertClose(leafA.grad!, leafB.grad!, { rtol: 1e-15, atol: 0 }, `${name} grad`);
    });
  }

  it('refuses to write into a leaf that requires grad, as PyTorch', () => {
    expect(() => F.relu6(tensor([1.5, 2]).requiresGrad_(), { inplace: true })).toThrow(/leaf Variable/);
  });

  it('shows the inplace flag in the repr only where PyTorch does', () => {
    expect(String(new ReLU6({ inplace: true }))).toBe('ReLU6(inplace=True)');
    expect(String(new ReLU6())).toBe('ReLU6()');
    expect(String(new Hardswish({ inplace: true }))).toBe('Hardswish()');
    expect(String(new CELU())).toBe('CELU(alpha=1.0)');
    expect(String(new Threshold(0.1, 20, { inplace: true }))).toBe(
      'Threshold(threshold=0.1, value=20, inplace=True)',
    );
    expect(String(new RReLU())).toBe('RReLU(lower=0.125, upper=0.3333333333333333)');
    expect(String(new Hardshrink())).toBe('Hardshrink(0.5)');
    expect(String(new GLU())).toBe('GLU(dim=-1)');
    expect(String(new Softmin(1))).toBe('Softmin(dim=1)');
    expect(String(new SiLU({ inplace: true }))).toBe('SiLU(inplace=True)');
    expect(String(new ReLU({ inplace: true }))).toBe('ReLU(inplace=True)');
    expect(String(new Hardtanh(-2, 3, { inplace: true }))).toBe(
      'Hardtanh(min_val=-2.0, max_val=3.0, inplace=True)',
    );
  });
});

describe('RReLU', () => {
  it('draws one slope per non-positive element in [lower, upper] in training, and uses it as the gradient', () => {
    manualSeed(5);
    const x = randn([2000]).sub(0.5).requiresGrad_();
    const y = new RReLU(0.1, 0.3).call(x);
    y.sum().backward();
    const xs = x.dataSync();
    const ys = y.dataSync();
    const gs = x.grad!.dataSync();
    const slopes: number[] = [];
    xs.forEach((v, i) => {
      if (v > 0) {
        expect(ys[i]).toBe(v);
        expect(gs[i]).toBe(1);
      } else {
        slopes.push(gs[i]!);
        expect(ys[i]).toBeCloseTo(v * gs[i]!, 6);
      }
    });
    expect(Math.min(...slopes)).toBeGreaterThanOrEqual(0.1);
    expect(Math.max(...slopes)).toBeLessThanOrEqual(0.3);
    // slopes differ per element (not one shared draw) and spread over the interval
    expect(new Set(slopes).size).toBeGreaterThan(slopes.length * 0.9);
    expect(Math.abs(slopes.reduce((a, b) => a + b, 0) / slopes.length - 0.2)).toBeLessThan(0.01);
  });

  it('uses (lower + upper) / 2 in eval mode and repeats draws from a seeded generator', () => {
    const x = tensor([-2, 0, 3], { dtype: 'float32' });
    assertClose(new RReLU(0.1, 0.3).eval().call(x), tensor([-0.4, 0, 3]), {}, 'eval');
    const draw = () =>
      F.rrelu(tensor([-1, -1, -1], { dtype: 'float32' }), {
        training: true,
        generator: new Generator().manualSeed(3),
      });
    assertClose(draw(), draw(), { rtol: 0, atol: 0 }, 'seeded');
    expect(() => F.rrelu(x, { lower: 0.5, upper: 0.1 })).toThrow(/rrelu: lower bound 0.5/);
    expect(() => F.rrelu(tensor([1], { dtype: 'int32' }))).toThrow(/rrelu: .*floating-point/);
  });
});

describe('activation errors and stability', () => {
  it('GLU halves an even dim and names the odd one', () => {
    assertClose(F.glu(tensor([[1, 2, 0, 0]])), tensor([[0.5, 1]]), {}, 'glu');
    expect(() => new GLU(1).call(randn([2, 3]))).toThrow(
      /glu: Halving dimension must be even, but dimension 1 is size 3/,
    );
    expect(() => F.glu(tensor(1))).toThrow(/glu does not support scalars/);
  });

  it('Softmax2d normalises over channels and needs 3-D or 4-D input', () => {
    const y = new Softmax2d().call(randn([2, 3, 4, 5]));
    assertClose(y.sum(1), tensor(1).expand([2, 4, 5]), { atol: 1e-6 }, 'sums');
    expect(() => new Softmax2d().call(randn([3, 4]))).toThrow(/Softmax2d requires a 3D or 4D tensor/);
  });

  it('rejects what PyTorch rejects', () => {
    expect(() => F.celu(tensor([1]), 0)).toThrow(/ZeroDivisionError: alpha cannot be 0 for CELU/);
    expect(() => F.softshrink(tensor([1]), -1)).toThrow(
      /lambda must be greater or equal to 0, but found to be -1/,
    );
    expect(() => F.hardswish(tensor([1], { dtype: 'int32' }))).toThrow(
      /hardswish is only implemented for floating-point tensors/,
    );
    expect(() => new ReLU6({ inplce: true } as never)).toThrow(/inplce/);
  });

  it('logsigmoid stays finite for large negative inputs, and so does its gradient', () => {
    const x = tensor([-100, -1000, 100], { dtype: 'float32' }).requiresGrad_();
    const y = F.logsigmoid(x);
    assertClose(y, tensor([-100, -1000, 0]), { rtol: 1e-6 }, 'logsigmoid');
    y.sum().backward();
    assertClose(x.grad!, tensor([1, 1, 0]), { atol: 1e-30 }, 'grad');
  });
});
